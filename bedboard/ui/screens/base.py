"""What every board screen shares: the store and clock, F1 help, one way to run a change, and
one path for a worker that fails.

Blocking database work runs in thread workers. Every worker a screen starts reports to that
screen, and one handler here shows every failure the same way: a refused change as a message
that says nothing was changed, any other failure as one line on the screen (`Notice`). No
worker's exception ever takes the board down (see `failures.failure_text` for the wording).

A change is refused at once on a read-only database, and on a board that has not heard from the
database lately (stale or offline) it comes with a warning: what the screen shows may no longer
be true. Key actions that lead to a change are marked `@changes` so the person hears it before
filling in a form.

`LiveScreen` adds what every screen that shows the database needs: `read(session)` runs in a
thread and returns one typed message; it runs again when the database changes anywhere (the
app's revision), but not while another full screen covers this one (it catches up when it
shows again); a failed read leaves what was shown and says why on the screen. One read runs at a
time: a load asked for while one runs waits for it and then reads once more (two threads
reading the same night at once each take twice as long, on the GIL).
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from textual import events, on, work
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState, get_current_worker

from bedboard import formats
from bedboard.db.engine import read_only_message
from bedboard.errors import NoAnswer
from bedboard.i18n import _, ngettext
from bedboard.store import Deadline, Store
from bedboard.ui.clock import Clock
from bedboard.ui.failures import failure_text
from bedboard.ui.file_writer import FILE_GROUP, FileWritten
from bedboard.ui.messages import ActionDone
from bedboard.ui.widgets.notice import Notice

T = TypeVar("T")
A = TypeVar("A", bound=Callable[..., Any])

WRITE_GROUP = "write"
# How long the board waits for the database to answer a change: as long as the TCP timeout for
# unacknowledged data (db.engine). A frozen server or a quiet network, whose kernel or proxy
# still acknowledges every packet, would otherwise leave the desk waiting for ever.
ANSWER_SECONDS = 20.0
LOAD_GROUP = "live-load"


def changes(action: A) -> A:
    """Marks a key action that leads to a change: refused at once on a read-only database,
    warned about on a stale board."""

    @functools.wraps(action)
    def guarded(self: BoardBaseScreen, *args: Any, **kwargs: Any) -> Any:
        if not self.may_change():
            return None
        return action(self, *args, **kwargs)

    return guarded  # type: ignore[return-value]


class BoardBaseScreen(Screen[None]):
    HELP = ""  # markdown shown by F1, above the table of keys that work now

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        super().__init__()
        self.store = store
        self._clock = clock
        self.last_written: Path | None = None  # the last file `write_file` wrote from here

    @property
    def clock(self) -> Clock:
        return self._clock or getattr(self.app, "clock", None) or Clock()

    # Changes -------------------------------------------------------------------------------

    def may_change(self) -> bool:
        """False (and says why) on a read-only database; warns on a stale or offline board."""
        reason = self.store.read_only
        if reason is not None:
            self.notify(
                read_only_message(reason),
                title=_("Read-only"),
                severity="error",
                timeout=10,
                markup=False,
            )
            return False
        link = getattr(self.app, "link", "live")
        if link != "live":
            confirmed = getattr(self.app, "confirmed_at", None)
            when = formats.clock_seconds(confirmed) if confirmed else "?"
            self.notify(
                _(
                    "The database has not answered since {time}: what the board shows may be "
                    "out of date, and this change may fail or wait."
                ).format(time=when),
                title=_("Stale board") if link == "stale" else _("Offline"),
                severity="warning",
                timeout=10,
                markup=False,
            )
        return True

    def run_change(
        self, change: Callable[[Session], Any], said: str | Callable[[Any], str] | None = None
    ) -> None:
        """One write transaction: all of it or nothing. What it did is `said` (a text, or made
        from the change's result), else the text the change returns. A refusal changes
        nothing and reaches `worker_failed` like every other failure."""
        if self.may_change():
            self._write(change, said)

    @work(group=WRITE_GROUP, exit_on_error=False)
    async def _write(
        self, change: Callable[[Session], Any], said: str | Callable[[Any], str] | None
    ) -> None:
        result = await self.in_thread(change, write=True)
        text = said(result) if callable(said) else said if said is not None else str(result)
        self.post_message(ActionDone(text))

    @property
    def answer_seconds(self) -> float:
        return float(getattr(self.app, "answer_seconds", ANSWER_SECONDS))

    async def in_thread(self, work: Callable[[Session], T], *, write: bool = False) -> T:
        """For an action that waits for answers (an async worker): one read, or one write
        transaction, in a thread, awaited. A failure raises here and ends the action. A write
        the database has not answered within `answer_seconds` fails as NoAnswer, and its
        thread, if the answers come after all, rolls back instead of committing."""
        if not write:
            return await asyncio.to_thread(self._once, work, None)
        deadline = Deadline()
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(self._once, work, deadline), self.answer_seconds
            )
        except TimeoutError:
            deadline.pass_()
            raise NoAnswer(
                _(
                    "the database did not answer within {seconds:.0f} s: the change is not "
                    "confirmed. Check the board once it is live again before trying again."
                ).format(seconds=self.answer_seconds)
            ) from None

    def _once(self, work: Callable[[Session], T], deadline: Deadline | None) -> T:
        with self.store.write(deadline) if deadline else self.store.read() as session:
            return work(session)

    @on(ActionDone)
    def _done(self, message: ActionDone) -> None:
        self.notify(message.text, title=_("Done"), markup=False)
        self.changed()

    def refused(self, text: str) -> None:
        self.notify(
            _("{text}\nNothing was changed.").format(text=text),
            title=_("Refused"),
            severity="error",
            timeout=10,
            markup=False,
        )
        self.changed()

    def changed(self) -> None:
        """Reload after a change (the live watcher would too, a moment later)."""

    @on(FileWritten)
    def _file_written(self, message: FileWritten) -> None:
        self.last_written = message.path
        rows = ngettext("{n} row", "{n} rows", message.rows).format(n=message.rows)
        self.say(_("Wrote {rows} to {path}").format(rows=rows, path=message.path))
        self.notify(
            _("{rows} in {path}").format(rows=rows, path=message.path),
            title=_("File written"),
            markup=False,
        )

    # One path for worker failures ----------------------------------------------------------

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.ERROR:
            self.worker_failed(worker, worker.error)
        elif event.state == WorkerState.SUCCESS:
            self.worker_succeeded(worker)

    def worker_failed(self, worker: Worker[Any], error: BaseException | None) -> None:
        text = failure_text(error)
        if isinstance(error, NoAnswer):  # not a refusal: nobody knows that nothing changed
            self.notify(text, title=_("No answer"), severity="error", timeout=20, markup=False)
            self.changed()
        elif worker.group == WRITE_GROUP:
            self.refused(text)
        elif worker.group == FILE_GROUP:
            self.say(_("Nothing written: {text}").format(text=text), error=True)
        else:
            self.say(text, error=True)

    def worker_succeeded(self, worker: Worker[Any]) -> None:
        """A read that went through: what a failed one said is no longer true."""
        if worker.group == LOAD_GROUP and self.is_mounted:
            for notice in self.query(Notice):
                notice.clear_error()

    def say(self, text: str, *, error: bool = False) -> None:
        """One line on this screen (a screen without a Notice line says it as a message)."""
        notice = self.query(Notice).first() if self.is_mounted and self.query(Notice) else None
        if notice is not None:
            notice.say(text, error=error)
        elif text:
            self.notify(text, severity="error" if error else "information", markup=False)


class ReadDone(Message):
    """A LiveScreen's read finished (its result, if any, was posted before this)."""


class LiveScreen(BoardBaseScreen):
    """A screen that shows what `read` returns and follows the database."""

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        super().__init__(store, clock)
        self._missed = False  # a change came while hidden: read again when shown
        self._reader: Worker[None] | None = None
        self._again = False  # a load came while a read ran: read again when it is done
        self._read_ahead: Future[Message | None] | None = None  # for the first load

    def read(self, session: Session) -> Message | None:
        """Runs in a thread: read what the screen shows and return one message to post
        (None: nothing to show yet). Capture what it depends on from plain attributes."""
        raise NotImplementedError

    @on(events.Mount)
    def _follow_the_database(self) -> None:
        if hasattr(self.app, "revision"):  # the board's app; a bare test host has none
            self.watch(self.app, "revision", self.database_changed, init=False)
        self.load()

    def database_changed(self, revision: int | None) -> None:
        self.load()

    def changed(self) -> None:
        self.load()

    @property
    def hidden(self) -> bool:
        """Another full screen covers this one (a question over it still lets it show).
        Textual's `is_current` also counts the screen just under the top one as shown."""
        stack = self.app.screen_stack
        if self not in stack:
            return True
        above = stack[stack.index(self) + 1 :]
        return any(not isinstance(screen, ModalScreen) for screen in above)

    def load(self) -> None:
        if not self.is_attached:
            return
        if getattr(self.app, "locked", False):
            return  # nobody has signed in yet: read nothing (signing in reloads every screen)
        if self.hidden:
            self._missed = True
            return
        self._missed = False
        if self.reading:
            self._again = True
            return
        self._again = False
        self._reader = self._read_in_thread()

    @property
    def reading(self) -> bool:
        """A read's thread is running (its result not yet posted)."""
        reader = self._reader
        return reader is not None and not reader.is_finished

    @on(events.ScreenResume)
    def _shown_again(self) -> None:
        if self._missed:
            self.load()

    def read_ahead(self) -> None:
        """Start the first read now, before the screen is mounted: the database answers while
        Textual builds the app, and the first load takes this read's result."""
        ahead: Future[Message | None] = Future()

        def run() -> None:
            try:
                with self.store.read() as session:
                    ahead.set_result(self.read(session))
            except BaseException as exc:  # raised again by the first load, as its own would be
                ahead.set_exception(exc)

        self._read_ahead = ahead
        threading.Thread(target=run, name="bedboard-read-ahead", daemon=True).start()

    @work(thread=True, exclusive=True, group=LOAD_GROUP, exit_on_error=False)
    def _read_in_thread(self) -> None:
        worker = get_current_worker()
        ahead, self._read_ahead = self._read_ahead, None
        try:
            if ahead is not None:
                message = ahead.result()
            else:
                with self.store.read() as session:
                    message = self.read(session)
            if message is not None and not worker.is_cancelled:
                self.post_message(message)
        finally:
            if self._reader is worker:
                self._reader = None  # done, before the worker's state says so
            self.post_message(ReadDone())

    @on(ReadDone)
    def _read_done(self) -> None:
        self.after_read()

    def after_read(self) -> None:
        """A read is done: read again if a load was asked for while it ran."""
        if self._again:
            self.load()

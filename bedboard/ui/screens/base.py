"""What every board screen shares: the store and clock, F1 help, and changes run in a thread
worker whose outcome comes back as one clear line.

A change is refused at once on a read-only database, and on a board that has not heard from the
database lately (stale or offline) it comes with a warning: what the screen shows may no longer
be true. Key actions that lead to a change are marked `@changes` so the person hears it before
filling in a form."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from textual import on, work
from textual.screen import Screen

from bedboard.db.engine import read_only_message
from bedboard.errors import BedboardError
from bedboard.i18n import _
from bedboard.redact import error_line
from bedboard.store import Store
from bedboard.ui.clock import Clock
from bedboard.ui.messages import ActionDone, ActionRefused

Change = Callable[[Session], str]  # does the work inside one transaction; says what it did
A = TypeVar("A", bound=Callable[..., Any])


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

    @property
    def clock(self) -> Clock:
        return self._clock or getattr(self.app, "clock", None) or Clock()

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
            when = confirmed.strftime("%H:%M:%S") if confirmed else "?"
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

    def run_change(self, change: Change) -> None:
        """One write transaction: all of it or nothing. A refusal changes nothing."""
        if self.may_change():
            self._write(change)

    @work(thread=True, group="write", exit_on_error=False)
    def _write(self, change: Change) -> None:
        try:
            with self.store.write() as session:
                text = change(session)
        except BedboardError as exc:
            self.post_message(ActionRefused(error_line(exc)))
        except Exception as exc:  # a bug must not take the board down at 3 a.m.
            self.post_message(
                ActionRefused(
                    _("unexpected error ({kind}: {text})").format(
                        kind=type(exc).__name__, text=error_line(exc)
                    )
                )
            )
        else:
            self.post_message(ActionDone(text))

    @on(ActionDone)
    def _done(self, message: ActionDone) -> None:
        self.notify(message.text, title="Done", markup=False)
        self.changed()

    @on(ActionRefused)
    def _refused(self, message: ActionRefused) -> None:
        self.notify(
            f"{message.text}\nNothing was changed.",
            title="Refused",
            severity="error",
            timeout=10,
            markup=False,
        )
        self.changed()

    def changed(self) -> None:
        """Reload after a change (the live watcher would too, a moment later)."""

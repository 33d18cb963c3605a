"""The bedboard app: the live board, plus the screens other parts of the product add.

Adding a screen (billing, exports, reports, history, ...):
  1. Write `bedboard/ui/screens/NAME.py` with a subclass of `screens.base.LiveScreen` (it
     shows what the database holds) or `BoardBaseScreen` (it does not), constructed as
     `NameScreen(store)`. A LiveScreen's `read(session)` runs in a thread and returns one
     message; it runs again whenever the database changes, and a failed read shows as one line
     in the screen's `Notice`. Changes go through `run_change` (a write in a thread worker;
     a refusal says nothing was changed) from actions marked `@changes`; a file through
     `file_writer.write_file`. Questions are awaited with `app.push_screen_wait` in an `@work`
     async action. Give it a `HELP` text for F1, a `Notice()` and a `KeyBar()`.
  2. Add one line to SCREENS below. Its key then opens the screen from anywhere, the key bar
     shows it, and the command palette (ctrl+p) lists it once. Give the screen an "escape"
     binding to `app.pop_screen` so Esc returns to the board.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.filter import LineFilter, NoColor
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.worker import get_current_worker

from bedboard import formats
from bedboard.i18n import N_, _, current_language, use_language
from bedboard.redact import error_line, install_log_scrubber, scrub
from bedboard.services.changes import RevisionWatcher
from bedboard.services.staff.access import Actor
from bedboard.services.staff.rights import Right
from bedboard.states import StaffRole
from bedboard.store import Store
from bedboard.ui import palette
from bedboard.ui.clock import Clock
from bedboard.ui.link import LIVE, OFFLINE, STALE
from bedboard.ui.messages import DatabaseOffline, RevisionChanged
from bedboard.ui.screens.board import BoardScreen
from bedboard.ui.terminal import AsciiDrawing, shows_colour, shows_unicode
from bedboard.words import word

# SQLite: a poll is one `PRAGMA data_version` (microseconds), so a change elsewhere shows
# within a fifth of a second plus one read (issue 16: p95 under half a second). PostgreSQL
# waits on LISTEN instead (services.changes).
POLL_SECONDS = 0.2
RETRY_SECONDS = 3.0
# No answer for this long and the board says "stale": a few missed polls on a slow link are
# normal, a minute of "live" over a frozen server is not.
STALE_SECONDS = 5.0
LOCK_SECONDS = 600.0  # the board locks after 10 idle minutes (BEDBOARD_LOCK_MINUTES)
IDLE_CHECK_SECONDS = 5.0


@dataclass(frozen=True)
class ScreenEntry:
    key: str  # the key that opens it, e.g. "B"
    name: str  # short id, e.g. "billing"
    title: str  # what the footer and the command palette say
    target: str  # "module:Class", imported only when first opened; built as Class(store)
    right: Right | None = None  # who may open it (the key is hidden from everyone else)


# The extension point: one line per screen.
SCREENS: tuple[ScreenEntry, ...] = (
    ScreenEntry(
        "R", "reports", N_("Reports"), "bedboard.ui.screens.reports:ReportsScreen", Right.EXPORT
    ),
    ScreenEntry(
        "E", "export", N_("Export"), "bedboard.ui.screens.export:ExportScreen", Right.EXPORT
    ),
    ScreenEntry(
        "B", "billing", N_("Billing"), "bedboard.ui.screens.billing:BillingScreen", Right.BILLING
    ),
    ScreenEntry(
        "W",
        "who_pays",
        N_("Who pays?"),
        "bedboard.ui.screens.who_pays:WhoPaysScreen",
        Right.BILLING,
    ),
    ScreenEntry(
        "H", "history", N_("History"), "bedboard.ui.screens.history:HistoryScreen", Right.AUDIT
    ),
    ScreenEntry(
        "C",
        "commitments",
        N_("Commitments"),
        "bedboard.ui.screens.commitments:CommitmentsScreen",
        Right.COMMITMENTS,
    ),
    ScreenEntry(
        "F",
        "families",
        N_("Host families"),
        "bedboard.ui.screens.compensation:CompensationScreen",
        Right.BILLING,
    ),
    ScreenEntry("S", "staff", N_("Staff"), "bedboard.ui.screens.staff:StaffScreen", Right.STAFF),
)


class BedboardApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "bedboard"
    BINDINGS = [
        Binding("q", "quit", N_("Quit"), id="quit"),
        Binding("f1", "help", N_("Help"), id="help"),
        Binding("L", "switch_language", N_("Language"), id="language"),
        *(
            Binding(e.key, f"open_screen('{e.name}')", e.title, id=f"screen-{e.name}")
            for e in SCREENS
        ),
    ]

    # Bumped by the live watcher whenever the database changed; screens watch it.
    revision: reactive[int | None] = reactive(None)
    # LIVE, STALE or OFFLINE: whether what the screens show has been confirmed lately.
    link: reactive[str] = reactive(LIVE)

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock | None = None,
        poll_seconds: float = POLL_SECONDS,
        stale_seconds: float = STALE_SECONDS,
        answer_seconds: float | None = None,
        debug: bool = False,
        sign_in: bool = False,
        lock_seconds: float | None = None,
        own_process: bool = False,
    ) -> None:
        """`sign_in`: ask who is on duty before the board shows anything (staff are set up);
        then lock again after `lock_seconds` without a key or a click. `own_process`: the
        board is the program (not a test among others): its start-up may keep what it made
        from the cycle collector (see `start_up`)."""
        super().__init__()
        install_log_scrubber()
        # What the terminal can show (TERM=vt100: no colour; LANG=C: ASCII drawing).
        self.extra_filters: list[LineFilter] = []
        if not shows_colour(os.environ) and not self.no_color:
            self.extra_filters.append(NoColor())
            self.add_class("-mono")
        if not shows_unicode(os.environ):
            self.extra_filters.append(AsciiDrawing())
        self.store = store
        self.show_traceback = debug  # --debug
        self._exit_text = ""  # the error that ended the app, printed once the terminal is back
        self.clock = clock or Clock()
        self.poll_seconds = poll_seconds
        self.stale_seconds = stale_seconds
        if answer_seconds is not None:  # how long a change waits for an answer (screens.base)
            self.answer_seconds = answer_seconds
        self.unreachable = False  # the last poll failed (set by the watcher's thread)
        self.confirmed_monotonic = time.monotonic()
        self.confirmed_at = self.clock.local()  # when the database last answered, shown
        self.poll_started: float | None = None  # when the watcher's unanswered poll began
        self.needs_sign_in = sign_in
        self.lock_seconds = lock_seconds if lock_seconds is not None else LOCK_SECONDS
        self.last_activity = time.monotonic()
        self.locked = sign_in  # screens load nothing until someone has signed in
        self.own_process = own_process
        self._collector_paused = False

    def _fatal_error(self) -> None:
        """An error nothing handled ends the app. Textual's own report shows every local
        variable of every frame, and the database URL with its password is in several: show
        one line instead, or with --debug the traceback without locals, passwords masked."""
        import traceback

        self.bell()
        exc = sys.exception()
        if exc is None:  # pragma: no cover - Textual calls this from an except block
            text = _("bedboard: unexpected error")
        elif self.show_traceback:
            text = scrub("".join(traceback.format_exception(exc))).rstrip("\n")
        else:
            text = _("bedboard: unexpected error: {kind}: {text} (--debug shows details)").format(
                kind=type(exc).__name__, text=error_line(exc)
            )
        self._exit_text = text
        self._close_messages_no_wait()

    def _print_error_renderables(self) -> None:
        """Textual prints its exit errors here, once the terminal is back to normal. Ours is
        plain text: Rich would cut a long line at its own idea of the terminal's width."""
        super()._print_error_renderables()
        if self._exit_text:
            print(self._exit_text, file=sys.stderr)
            self._exit_text = ""

    def get_line_filters(self) -> Sequence[LineFilter]:
        return [*super().get_line_filters(), *self.extra_filters]

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """The board's palette as tcss variables: `$state-free`, `$state-unpaid`, ..."""
        return {**super().get_theme_variable_defaults(), **palette.VARIABLES}

    def get_default_screen(self) -> Screen[None]:
        board = BoardScreen(self.store, self.clock)
        if not self.needs_sign_in:  # nobody to wait for: the night is read while Textual starts
            self.start_up()
            board.read_ahead()
        return board

    def start_up(self) -> None:
        """Until the first night is on screen (`started_up`), the cycle collector rests: what
        the start-up makes (the screen's widgets and styles, the night's 5,000 units) lives as
        long as the board, and full collections walking it again and again took a sixth of the
        start-up (issue 16). Only when the board is its own process: `started_up` freezes
        whatever is alive then, which in a test's process would keep other tests' garbage."""
        if self.own_process and gc.isenabled():
            gc.disable()
            self._collector_paused = True

    def started_up(self) -> None:
        """The first night is on screen (or the board stops, or its first read failed)."""
        if self._collector_paused:
            self._collector_paused = False
            gc.freeze()
            gc.enable()

    def on_unmount(self) -> None:
        self.started_up()

    def on_mount(self) -> None:
        self.watch_database()
        self.set_interval(1, self._check_link)
        if self.needs_sign_in:
            self.lock(idle=False)
            self.set_interval(min(IDLE_CHECK_SECONDS, self.lock_seconds / 2), self._check_idle)

    # Who is on duty ---------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown)):
            self.last_activity = time.monotonic()
        await super().on_event(event)

    def _check_idle(self) -> None:
        if not self.locked and time.monotonic() - self.last_activity >= self.lock_seconds:
            self.lock(idle=True)

    def lock(self, *, idle: bool) -> None:
        """Cover everything with the sign-in screen; whoever signs in next acts from then on.
        Questions left open are closed first, so nothing typed before the lock is kept."""
        from bedboard.ui.screens.sign_in import SignInScreen

        self.locked = True
        while isinstance(self.screen, ModalScreen):
            self.pop_screen()
        self.push_screen(SignInScreen(self.store, locked=idle), self._signed_in)

    def _signed_in(self, actor: Actor | None) -> None:
        if actor is None:
            return
        self.store.who = actor
        self.locked = False
        self.last_activity = time.monotonic()
        self.sub_title = f"{actor.login} ({word(StaffRole, actor.role)})"
        self.refresh_bindings()
        # Screens reload for the new person (what they may see and do).
        for screen in self.screen_stack:
            changed = getattr(screen, "changed", None)
            if callable(changed):
                changed()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_screen" and parameters:
            if self.locked:
                return False
            entry = next((e for e in SCREENS if e.name == parameters[0]), None)
            if entry is not None and entry.right is not None:
                return self.store.who.may(entry.right)
        return True

    # Screens added by SCREENS ----------------------------------------------------------

    def action_open_screen(self, name: str) -> None:
        if isinstance(self.screen, ModalScreen):
            return  # a question is open: answer it first
        entry = next(e for e in SCREENS if e.name == name)
        if self.locked or (entry.right is not None and not self.store.who.may(entry.right)):
            return
        module_name, class_name = entry.target.split(":")
        screen_class = getattr(importlib.import_module(module_name), class_name)
        if isinstance(self.screen, screen_class):
            return
        self.push_screen(screen_class(self.store))

    async def action_switch_language(self) -> None:
        """Swedish <-> English. Screens wrote their texts when they were built, so every
        screen above the board closes and the board builds itself again in the new language
        (on the night it showed); nothing is lost, every change is already in the database."""
        use_language("en" if current_language() == "sv" else "sv")
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        board = self.screen
        await board.recompose()
        if isinstance(board, BoardScreen):
            board.restart()
        self.notify(_("Language: English"), timeout=3)

    def action_help(self) -> None:
        from bedboard.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen.for_screen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette (ctrl+p) lists every action that works on this screen now, by name."""
        # Screens are listed once, below, whether or not their key shows here.
        seen = {"quit", "help", "command_palette", *(f"open_screen('{e.name}')" for e in SCREENS)}
        for active in screen.active_bindings.values():
            binding = active.binding
            hidden = not binding.show or not binding.description
            if hidden or not active.enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            yield SystemCommand(
                _(binding.description),
                _("key: {key}").format(key=self.get_key_display(binding)),
                partial(self.run_action, binding.action, active.node),
            )
        yield SystemCommand(
            _("Help"), _("What this screen does and its keys (F1)"), self.action_help
        )
        yield from super().get_system_commands(screen)
        for entry in SCREENS:
            yield SystemCommand(
                _(entry.title),
                _("Open {screen} ({key})").format(screen=_(entry.title).lower(), key=entry.key),
                partial(self.action_open_screen, entry.name),
            )

    # Live updates ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="live", exit_on_error=False)
    def watch_database(self) -> None:
        """Poll one dedicated connection; post only when the revision moved. Every answer is
        noted as a confirmation: a poll that never returns (a frozen server, a dead network)
        then shows as a stale board, not as a quiet, live-looking one."""
        worker = get_current_worker()
        watcher = RevisionWatcher(self.store.engine)
        try:
            while not worker.is_cancelled:
                self.poll_started = time.monotonic()
                try:
                    revision = watcher.poll()
                except Exception as exc:
                    self.poll_started = None
                    if not self.unreachable:
                        self.post_message(DatabaseOffline(error_line(exc)))
                    self.unreachable = True
                    time.sleep(RETRY_SECONDS)
                    continue
                self.poll_started = None
                was_unreachable, self.unreachable = self.unreachable, False
                self.confirm()
                if was_unreachable or revision is not None:
                    self.post_message(RevisionChanged(revision or watcher.revision))
                watcher.wait(self.poll_seconds, stop=lambda: worker.is_cancelled)
        finally:
            watcher.close()

    def confirm(self) -> None:
        """The database answered just now (called from the watcher's thread)."""
        self.confirmed_monotonic = time.monotonic()
        self.confirmed_at = self.clock.local()

    def _check_link(self) -> None:
        """Once a second: live, stale (no answer for a while) or offline (answers fail)."""
        if self.unreachable:
            link = OFFLINE
        elif (started := self.poll_started) is not None and (
            time.monotonic() - started > self.stale_seconds
        ):
            # A question the database has not answered: not the time since the last answer,
            # which a busy machine that is slow to run the watcher's thread would also stretch.
            link = STALE
        else:
            link = LIVE
        if link == STALE and self.link == LIVE:
            self.notify(
                _("No answer from the database since {time}: the board may be out of date.").format(
                    time=formats.clock_seconds(self.confirmed_at)
                ),
                title=_("Stale"),
                severity="warning",
                timeout=10,
                markup=False,
            )
        self.link = link

    @on(RevisionChanged)
    def _changed(self, message: RevisionChanged) -> None:
        self._check_link()
        self.revision = message.revision

    @on(DatabaseOffline)
    def _offline(self, message: DatabaseOffline) -> None:
        self._check_link()
        self.notify(
            _("Cannot reach the database; retrying. ({reason})").format(reason=message.text),
            title=_("Offline"),
            markup=False,
            severity="error",
            timeout=10,
        )

"""What every board screen shares: the store and clock, F1 help, and changes run in a thread
worker whose outcome comes back as one clear line."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session
from textual import on, work
from textual.screen import Screen

from bedboard.errors import BedboardError
from bedboard.store import Store
from bedboard.ui.clock import Clock
from bedboard.ui.messages import ActionDone, ActionRefused

Change = Callable[[Session], str]  # does the work inside one transaction; says what it did


class BoardBaseScreen(Screen[None]):
    HELP = ""  # markdown shown by F1, above the table of keys that work now

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        super().__init__()
        self.store = store
        self._clock = clock

    @property
    def clock(self) -> Clock:
        return self._clock or getattr(self.app, "clock", None) or Clock()

    @work(thread=True, group="write", exit_on_error=False)
    def run_change(self, change: Change) -> None:
        """One write transaction: all of it or nothing. A refusal changes nothing."""
        try:
            with self.store.write() as session:
                text = change(session)
        except BedboardError as exc:
            self.post_message(ActionRefused(str(exc)))
        except Exception as exc:  # a bug must not take the board down at 3 a.m.
            self.post_message(ActionRefused(f"unexpected error ({type(exc).__name__}: {exc})"))
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

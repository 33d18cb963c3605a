"""Completion of guest codes straight from the database, as the code is typed.

Loading every code ever seen on each live reload would grow with the years (a region keeps
hundreds of thousands); asking for the first match of what is typed costs one small query per
keystroke, in a thread so the event loop never waits on SQL.

The Input runs this in a worker of its own that would take the whole board down on an
exception, so a failed read never leaves here: it is handed to `on_failure` as one line, and
for a few seconds after it typing does not ask again (an unreachable server makes each try
wait for the connect timeout)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual.suggester import Suggester

from bedboard.i18n import _
from bedboard.services.lookup import complete_guest_code
from bedboard.store import Store
from bedboard.ui.failures import failure_text

QUIET_AFTER_FAILURE = 10.0  # seconds


class GuestCodeSuggester(Suggester):
    def __init__(self, store: Store, on_failure: Callable[[str], None] | None = None) -> None:
        # Not cached: a code created meanwhile by another terminal should be offered too.
        super().__init__(use_cache=False, case_sensitive=False)
        self.store = store
        self.on_failure = on_failure
        self.failed_at: float | None = None

    async def get_suggestion(self, value: str) -> str | None:
        if not value.strip():
            return None
        if self.failed_at is not None and time.monotonic() - self.failed_at < QUIET_AFTER_FAILURE:
            return None
        try:
            return await asyncio.to_thread(self._first_match, value)
        except Exception as exc:  # the Input's worker must never see it
            self.failed_at = time.monotonic()
            if self.on_failure is not None:
                text = _("Known codes cannot be completed: {text}")
                self.on_failure(text.format(text=failure_text(exc)))
            return None

    def _first_match(self, value: str) -> str | None:
        with self.store.read() as session:
            return complete_guest_code(session, value)

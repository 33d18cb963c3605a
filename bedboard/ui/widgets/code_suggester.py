"""Completion of guest codes straight from the database, as the code is typed.

Loading every code ever seen on each live reload would grow with the years (a region keeps
hundreds of thousands); asking for the first match of what is typed costs one small query per
keystroke, in a thread so the event loop never waits on SQL."""

from __future__ import annotations

import asyncio

from textual.suggester import Suggester

from bedboard.services.lookup import complete_guest_code
from bedboard.store import Store


class GuestCodeSuggester(Suggester):
    def __init__(self, store: Store) -> None:
        # Not cached: a code created meanwhile by another terminal should be offered too.
        super().__init__(use_cache=False, case_sensitive=False)
        self.store = store

    async def get_suggestion(self, value: str) -> str | None:
        if not value.strip():
            return None
        try:
            return await asyncio.to_thread(self._first_match, value)
        except Exception:
            # Textual runs this in a worker whose error ends the app: with the database out
            # of reach, one typed letter took the board down. No suggestion is the right
            # answer then; the header already says that the database does not answer.
            return None

    def _first_match(self, value: str) -> str | None:
        with self.store.read() as session:
            return complete_guest_code(session, value)

"""Known guest codes complete from the database as they are typed (right arrow takes it)."""

from __future__ import annotations

from textual.widgets import Input

from bedboard.store import Store
from tests.support.board import FROZEN_AT, TONIGHT, BoardAt, type_text, wait_until
from tests.support.booking import book


async def test_known_codes_complete_from_the_database(
    frozen_store: Store, board_at: BoardAt
) -> None:
    async with board_at(unit="Hvilan/3") as (app, pilot, _):
        await pilot.press("c")
        field = app.screen.query_one("#field-guest", Input)
        # A code created by another terminal after the board opened is offered too.
        with frozen_store.write() as session:
            book(session, "Hvilan/4", "X-7781", TONIGHT, actor="other-terminal", now=FROZEN_AT)
        await type_text(pilot, "x-77")
        assert await wait_until(pilot, lambda: field._suggestion == "X-7781")
        await pilot.press("right")
        assert field.value == "X-7781"

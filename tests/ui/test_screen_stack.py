"""Screens opened by their keys: one copy at a time, never over a question, and History is
about the unit on the screen right underneath it."""

from __future__ import annotations

from bedboard.ui.screens.billing import BillingScreen
from bedboard.ui.screens.confirm import ConfirmScreen
from bedboard.ui.screens.history import HistoryScreen
from bedboard.ui.screens.rack import RackScreen
from tests.support.board import BoardAt, screen_after, wait_until


async def test_a_screen_key_opens_one_copy_and_not_over_a_question(board_at: BoardAt) -> None:
    async with board_at() as (app, pilot, _):
        await screen_after(pilot, "B", BillingScreen)
        await pilot.press("B")
        await pilot.pause()
        assert sum(isinstance(s, BillingScreen) for s in app.screen_stack) == 1
        app.push_screen(ConfirmScreen("Close anyway?"))
        await pilot.pause()
        await pilot.press("H")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)


async def test_history_from_the_rack_shows_the_racks_unit(board_at: BoardAt) -> None:
    async with board_at(unit="Hvilan/1") as (_, pilot, _):
        rack = await screen_after(pilot, "r", RackScreen)
        assert await wait_until(pilot, lambda: rack.data is not None)
        await pilot.press("down", "down", "down")
        unit = rack.selected_unit
        assert unit is not None and unit.ref == "Hvilan/4"
        history = await screen_after(pilot, "H", HistoryScreen)
        assert history.unit_ref == "Hvilan/4"

"""The rack: two weeks of every unit; the cursor cell is the unit and night actions use."""

from __future__ import annotations

import datetime as dt

from bedboard.store import Store
from bedboard.ui.screens.rack import RackScreen
from bedboard.ui.widgets.rack_table import RackTable
from tests.support.board import TONIGHT, BoardAt, fill, screen_after, wait_for_note, wait_until
from tests.support.db_checks import active_holds


async def test_rack_shows_stays_and_holds_a_later_night(
    frozen_store: Store, board_at: BoardAt
) -> None:
    async with board_at(unit="Hvilan/1", size=(120, 30)) as (app, pilot, board):
        rack = await screen_after(pilot, "r", RackScreen)
        table = rack.query_one(RackTable)
        assert await wait_until(pilot, lambda: rack.data is not None and table.row_count == 42)
        assert [str(c.label) for c in table.ordered_columns[:3]] == ["Unit", "27 Fri", "28 Sat"]
        row = table.get_row("unit:1")
        assert str(row[0]) == "Hvilan/1"
        assert str(row[1]) == "G-101"  # the stay's first night in view shows its code
        assert str(row[2]).startswith("━")  # then a bar while it lasts
        assert str(row[4]) == "·"  # free from the 30th
        await pilot.press("down", "down")  # Hvilan/3
        await pilot.press("right", "right", "right")  # from the 27th to the night of the 30th
        unit = rack.selected_unit
        assert unit is not None and unit.ref == "Hvilan/3"
        assert unit.night == dt.date(2026, 11, 30)
        await fill(pilot, "h", "Night patrol", "enter")
        await wait_for_note(pilot, "Held Hvilan/3")
        assert await wait_until(pilot, lambda: str(table.get_row("unit:3")[4]) == "held")
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is board)
    assert ("Hvilan/3", dt.date(2026, 11, 30), "Night patrol") in active_holds(frozen_store)
    assert ("Hvilan/3", TONIGHT, "Night patrol") not in active_holds(frozen_store)

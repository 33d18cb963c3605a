"""The rack draws only the lines on screen and keeps its unit column while the nights scroll
sideways on a narrow terminal (issue 16)."""

from __future__ import annotations

from bedboard.ui.screens.rack import RackScreen
from bedboard.ui.widgets.rack_table import RackTable
from tests.support.board import BoardAt, screen_after, wait_until


async def test_units_stay_in_view_while_the_nights_scroll(board_at: BoardAt) -> None:
    async with board_at(unit="Hvilan/1", size=(80, 24)) as (_, pilot, _):
        rack = await screen_after(pilot, "r", RackScreen)
        table = rack.query_one(RackTable)
        assert await wait_until(pilot, lambda: rack.data is not None and table.row_count == 42)
        assert "27 Fri" in table.render_line(0).text
        await pilot.press(*["right"] * 12)  # to the 13th night, off an 80-column screen
        await pilot.pause()
        unit = rack.selected_unit
        assert unit is not None and unit.ref == "Hvilan/1" and unit.night.day == 9
        header, first = table.render_line(0).text, table.render_line(1).text
        assert header.lstrip().startswith("Unit") and " 9 Wed" in header
        assert "27 Fri" not in header  # scrolled: the first nights are out of view
        assert first.lstrip().startswith("Hvilan/1")  # the unit column stayed

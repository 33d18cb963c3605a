"""The rack draws only the lines on screen and keeps its unit column while the nights scroll
sideways on a narrow terminal (issue 16)."""

from __future__ import annotations

import pytest

from bedboard.services.beds import rack_grid
from bedboard.services.beds.rack_grid import Line, Packed
from bedboard.ui.screens.rack import RackScreen
from bedboard.ui.widgets import rack_table
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


async def test_the_rack_makes_cells_only_for_the_lines_it_draws(
    board_at: BoardAt, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The grid keeps each unit's nights as the database packed them; a unit's line is made
    into cells only when it is drawn (issue 16: 5,000 units' cells made up front were a
    quarter of the rack's read). 42 units on a 24-line terminal: not all of them."""
    made: set[int] = set()  # the packed rows made into cells (by identity: one a unit)
    real = rack_grid.line_of

    def counted(packed: Packed | Line, width: int) -> Line:
        if isinstance(packed, Packed):
            made.add(id(packed))
        return real(packed, width)

    monkeypatch.setattr(rack_grid, "line_of", counted)  # the grid's lines, when asked for
    monkeypatch.setattr(rack_table, "line_of", counted)  # the table's, when drawn
    async with board_at(unit="Hvilan/1", size=(80, 24)) as (_, pilot, _):
        rack = await screen_after(pilot, "r", RackScreen)
        table = rack.query_one(RackTable)
        assert await wait_until(pilot, lambda: rack.data is not None and table.row_count == 42)
        await pilot.pause()
        assert rack.grid is not None
        packed = [rack.grid.lines.packed(unit_id) for unit_id, _ in rack.grid.order]
        booked = {id(p) for p in packed if isinstance(p, Packed)}
        assert 0 < len(made) < len(booked) and made <= booked
        drawn = set(made)
        await pilot.press("end")  # the last units come into view: their lines are made then
        await pilot.pause()
        assert made > drawn

"""The board's unit table draws only what is on screen (issue 16) and fits its columns to the
content and the terminal (issue 13, item 4): the note stays at 80x24, a payer is cut at its
start, never at its distinguishing end, a wide terminal or a resize widens the columns, and
without colour the cursor still shows."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from bedboard.i18n import use_language
from bedboard.services.beds.availability import UnitNight
from bedboard.store import Store
from bedboard.ui.widgets.line_table import Cell
from bedboard.ui.widgets.unit_table import UnitTable
from tests.support.board import FROZEN_AT, TONIGHT, BoardAt, wait_until
from tests.support.booking import book

HELD = "Hvilan/12"  # held for "Outreach: woman from Norrmalm", 90 minutes from FROZEN_AT


def row_of(table: UnitTable, ref: str) -> list[str]:
    """A row as drawn: each cell within its column's width."""
    key = next(k for k in table.rows if table._values[k].ref == ref)  # type: ignore[attr-defined]
    cells = [str(c) for c in table.get_row(key)]
    for cell, column in zip(cells, table.columns, strict=True):
        assert cell_len(cell) <= column.width, f"{cell!r} is wider than {column.key}"
    return cells


def widths(table: UnitTable) -> dict[str, int]:
    return {c.key: c.width for c in table.columns}


async def test_at_80x24_the_note_stays_and_the_payer_keeps_its_end(board_at: BoardAt) -> None:
    async with board_at(size=(80, 24)) as (_, _, board):
        table = board.query_one(UnitTable)
        assert [c.key for c in table.columns][-1] == "note"
        note = row_of(table, HELD)[5]
        assert note.startswith("1h30 left · Outreac"), note  # how long, and for whom
        payers = {row_of(table, u.ref)[4] for u in board.units.values() if u.payer}
        whole = {u.payer for u in board.units.values() if u.payer}
        assert len(payers) == len(whole)  # no two payers read the same
        for payer in payers:
            assert any(p.endswith(payer.removeprefix("…")) for p in whole), payer


async def test_a_wide_terminal_and_a_resize_widen_the_columns(board_at: BoardAt) -> None:
    async with board_at(size=(80, 24)) as (_, pilot, board):
        table = board.query_one(UnitTable)
        narrow = widths(table)
        await pilot.resize_terminal(200, 60)
        assert await wait_until(pilot, lambda: widths(table) != narrow)
        wide = widths(table)
        assert all(wide[k] >= narrow[k] for k in wide) and wide["note"] > narrow["note"]
        # At 200 columns nothing is cut: every unit, payer and note reads whole.
        for u in board.units.values():
            ref, _state, _guest, _nights, payer, note = row_of(table, u.ref)
            assert ref == u.ref
            assert payer in (u.payer, "! no payer", "")
            assert "…" not in note
        await pilot.resize_terminal(80, 24)
        assert await wait_until(pilot, lambda: widths(table) == narrow)


async def test_only_rows_on_screen_are_formatted(board_at: BoardAt) -> None:
    made: list[UnitNight] = []

    def counting(self: UnitTable, value: object) -> tuple[Cell, ...]:
        assert isinstance(value, UnitNight)
        made.append(value)
        return original(self, value)

    original = UnitTable.cells
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(UnitTable, "cells", counting)
        async with board_at(size=(100, 30)) as (_, pilot, board):
            table = board.query_one(UnitTable)
            await pilot.pause(0.2)
            on_screen = table.scrollable_content_region.height - 1
            assert table.row_count > on_screen
            # Rows below the screen were never formatted. (The first paint may come before
            # the site table above has all its rows, up to 9 lines, with more rows in view.)
            reached = max(table.rows.index(f"unit:{u.unit_id}") for u in made)
            assert on_screen <= reached + 1 <= on_screen + 9 < table.row_count


async def test_a_change_repaints_only_its_line(frozen_store: Store, board_at: BoardAt) -> None:
    async with board_at(frozen_store) as (_, pilot, board):
        table = board.query_one(UnitTable)
        rebuilds, lines = table.rebuilds, table.lines_refreshed
        with frozen_store.write() as session:
            book(session, "Hvilan/3", "G-950", TONIGHT, actor="other-desk", now=FROZEN_AT)
        assert await wait_until(pilot, lambda: row_of(table, "Hvilan/3")[2] == "G-950")
        await pilot.pause(0.5)  # later polls must not repaint anything more
        assert table.rebuilds == rebuilds
        assert table.lines_refreshed - lines == 1


async def test_without_colour_the_cursor_is_reverse_video(
    board_at: BoardAt, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    async with board_at(unit="Hvilan/3") as (app, _, board):
        assert app.no_color
        table = board.query_one(UnitTable)
        line = table.cursor_row - round(table.scroll_y) + 1
        cursor = table.render_line(line)
        assert "Hvilan/3" in cursor.text
        assert all(s.style is not None and s.style.reverse for s in cursor if s.text.strip())
        other = table.render_line(line + 1)
        assert not any(s.style is not None and s.style.reverse for s in other)


async def test_wide_characters_are_measured_in_terminal_cells(
    frozen_store: Store, board_at: BoardAt
) -> None:
    """A code in Chinese takes two cells a character: a column sized by len() cut it (#13)."""
    with frozen_store.write() as session:
        book(session, "Hvilan/3", "患者-一二三", TONIGHT, now=FROZEN_AT)
    async with board_at(frozen_store, size=(200, 60)) as (_, _, board):
        table = board.query_one(UnitTable)
        assert row_of(table, "Hvilan/3")[2] == "患者-一二三"  # whole, within its column


async def test_a_cut_no_payer_keeps_its_mark(board_at: BoardAt) -> None:
    """In Swedish "! ingen betalare" is wider than the payer column at 60 columns (and at 80
    on the demo): cut from the start like a payer's name it read "… betalare", its "!" (the
    mark that says it without colour) gone."""
    use_language("sv")
    try:
        async with board_at(size=(60, 20)) as (_, _, board):
            table = board.query_one(UnitTable)
            unbilled = next(u for u in board.units.values() if u.unbilled)
            payer = row_of(table, unbilled.ref)[4]
            assert widths(table)["payer"] < len("! ingen betalare"), widths(table)
            assert payer.startswith("! ingen"), payer
    finally:
        use_language("en")

"""The first board: counts per site, each unit's state and guest code, live updates from
another process within 2 seconds, the demo offer on an empty database, and q to quit."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy.orm import Session
from textual.widgets import Label

from bedboard.config import Settings
from bedboard.services.demo import load_demo
from bedboard.store import Store, open_store
from bedboard.ui.screens.board import BoardScreen
from bedboard.ui.widgets.unit_table import UnitTable
from tests.support.board import board_of, make_app, wait_until
from tests.support.booking import book
from tests.support.cli import run_cli


def cell_of(table: UnitTable, ref: str, column: str) -> str:
    for row_key in table.rows:
        if str(table.get_cell(row_key, "unit")) == ref:
            return str(table.get_cell(row_key, column))
    raise AssertionError(f"{ref} is not on the board")


async def test_board_shows_counts_units_and_guest_codes(demo_store: Store) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        board = board_of(app)
        assert await wait_until(pilot, lambda: board.loaded)
        units = app.screen.query_one(UnitTable)
        assert cell_of(units, "Hvilan/1", "state") == "occupied"
        assert cell_of(units, "Hvilan/1", "guest") == "G-101"
        assert cell_of(units, "Hvilan/12", "state") == "held"
        assert cell_of(units, "Hvilan/20", "state") == "out"
        assert cell_of(units, "Familjen Berg/2", "payer") == "! no payer"
        sites = app.screen.query_one("#sites")
        hvilan = [str(c) for c in sites.get_row("site:Hvilan")]  # type: ignore[attr-defined]
        # name, area, beds, occupied, held, free, out of service, unbilled
        assert hvilan == ["Hvilan", "Stockholm", "20", "4", "1", "14", "1", "·"]


async def test_booking_from_another_process_shows_within_two_seconds(
    demo_store: Store, sqlite_url: str
) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        board = board_of(app)
        assert await wait_until(pilot, lambda: board.loaded)
        units = app.screen.query_one(UnitTable)
        await pilot.press("down", "down", "down", "down", "down")
        units.scroll_to(y=2, animate=False, immediate=True)
        await pilot.pause()
        cursor_before, scroll_before, rebuilds_before = (
            units.cursor_row,
            units.scroll_y,
            units.rebuilds,
        )
        assert cell_of(units, "Hvilan/3", "state") == "free"

        done = run_cli("checkin", "--unit", "Hvilan/3", "--guest", "G-900", db=sqlite_url)
        assert done.returncode == 0, done.stderr
        started = time.monotonic()
        shown = await wait_until(
            pilot, lambda: cell_of(units, "Hvilan/3", "guest") == "G-900", seconds=2
        )
        assert shown, "the booking from the other process did not show within 2 seconds"
        assert time.monotonic() - started < 2
        assert cell_of(units, "Hvilan/3", "state") == "occupied"
        assert units.cursor_row == cursor_before  # the cursor stayed where the user left it
        assert units.scroll_y == scroll_before  # and so did the scroll position
        assert units.rebuilds == rebuilds_before  # no rebuild: only changed cells redrawn
        # Hvilan/3's row (state, guest, night 1 of 1, payer) and nothing else.
        assert 0 < units.last_redrawn <= 4


async def test_empty_database_offers_the_demo_and_q_quits(empty_store: Store) -> None:
    app = make_app(empty_store)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_until(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("y")
        board = board_of(app)
        assert await wait_until(pilot, lambda: len(board.units) == 48)
        units = app.screen.query_one(UnitTable)
        assert cell_of(units, "Hvilan/1", "guest") == "G-101"
        await pilot.press("q")
        assert await wait_until(pilot, lambda: not app.is_running)


async def test_postgresql_change_from_another_laptop_shows_within_two_seconds(
    postgres_url: str,
) -> None:
    """On PostgreSQL there is no data_version: the board polls the revision row."""
    board_store = open_store(Settings(db=postgres_url, user="night-staff"))
    laptop = open_store(Settings(db=postgres_url, user="outreach-laptop"))
    try:
        with board_store.write() as session:
            load_demo(session, tonight=board_store.tonight(), actor="setup")
        app = make_app(board_store)
        async with app.run_test(size=(100, 30)) as pilot:
            board = board_of(app)
            assert await wait_until(pilot, lambda: board.loaded)
            units = app.screen.query_one(UnitTable)
            with laptop.write() as session:
                book(session, "Hvilan/3", "G-901", laptop.tonight(), actor=laptop.actor)
            shown = await wait_until(
                pilot, lambda: cell_of(units, "Hvilan/3", "guest") == "G-901", seconds=2
            )
            assert shown, "the change on the other laptop did not show within 2 seconds"
    finally:
        laptop.close()
        board_store.close()


async def test_the_title_shows_before_the_units_are_read(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paint what is known first: the night, then its counts once its units are in."""
    read = BoardScreen.read

    def slow(screen: BoardScreen, session: Session) -> Any:
        time.sleep(1.0)
        return read(screen, session)

    monkeypatch.setattr(BoardScreen, "read", slow)
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        board = board_of(app)
        title = str(board.query_one("#title", Label).render())
        assert not board.loaded and board.query_one(UnitTable).row_count == 0
        assert title.startswith("Tonight · ") and title.endswith("loading…"), title
        assert await wait_until(pilot, lambda: board.loaded)
        assert f"free of {len(board.all_units)}" in str(board.query_one("#title", Label).render())

"""A hold running out changes nothing in the database, so no revision tells a screen: the board
and the rack must notice it by the clock. Issue 13 item 3: the rack still offered "Confirm hold"
minutes after the hold expired, and the countdown said "0 min left" past expiry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.orm import Session
from textual.widgets import Static

from bedboard.services.beds.holds import hold
from bedboard.services.clock import utcnow
from bedboard.store import Store
from bedboard.ui.clock import Clock
from bedboard.ui.format import time_left
from bedboard.ui.screens.board import BoardScreen
from bedboard.ui.screens.rack import RackScreen
from bedboard.ui.widgets.rack_table import RackTable
from bedboard.ui.widgets.unit_table import UnitTable
from tests.support.board import (
    FROZEN_AT,
    BoardAt,
    make_app,
    open_board,
    screen_after,
    select_unit,
    wait_until,
)
from tests.support.rules_world import build_world


def test_the_countdown_never_says_0_min_left() -> None:
    now = dt.datetime(2026, 11, 27, 21, 0)
    assert time_left(now + dt.timedelta(minutes=65), now) == "1h05 left"
    assert time_left(now + dt.timedelta(minutes=3, seconds=10), now) == "3 min left"
    assert time_left(now + dt.timedelta(seconds=30), now) == "<1 min left"
    assert time_left(now, now) == "expired"
    assert time_left(now - dt.timedelta(minutes=4), now) == "expired"


async def test_board_and_rack_notice_a_hold_running_out(empty_store: Store) -> None:
    store = build_world(empty_store)
    tonight = store.tonight()
    # a hold of one minute placed 55 seconds ago: it runs out five seconds from now
    with store.write() as session:
        hold(
            session,
            unit="Hvilan/2",
            night=tonight,
            minutes=1,
            actor="t",
            now=utcnow() - dt.timedelta(seconds=55),
        )
    app = make_app(store)  # the real clock
    async with app.run_test(size=(120, 30)) as pilot:
        board = await open_board(pilot)
        await select_unit(pilot, board, "Hvilan/2")
        assert board.selected_unit is not None and board.selected_unit.ref == "Hvilan/2"
        rack = await screen_after(pilot, "r", RackScreen)
        table = rack.query_one(RackTable)
        assert await wait_until(pilot, lambda: rack.data is not None)
        unit = rack.selected_unit
        assert unit is not None and (unit.ref, unit.night) == ("Hvilan/2", tonight)
        if rack.status_now(unit) == "held":  # unless a slow machine got here after the expiry
            assert rack.check_action("confirm_hold", ()) is True
        assert await wait_until(
            pilot, lambda: str(table.get_row(f"unit:{unit.unit_id}")[1]) == "·", seconds=15
        ), "the rack never noticed the hold running out"
        assert rack.check_action("confirm_hold", ()) is False
        assert rack.check_action("check_in", ()) is True
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is board)
        assert await wait_until(
            pilot, lambda: board.selected_unit is not None and board.selected_unit.status == "free"
        )


async def test_the_half_minute_tick_moves_countdowns_without_reading(
    board_at: BoardAt, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An idle board read the whole night every half minute for its countdowns: 20 boards on
    one server each asked for 5,000 units twice a minute. The tick only draws them again."""
    reads: list[int] = []
    read = BoardScreen.read

    def counted(screen: BoardScreen, session: Session) -> Any:
        reads.append(1)
        return read(screen, session)

    monkeypatch.setattr(BoardScreen, "read", counted)
    async with board_at(unit="Hvilan/12") as (_, pilot, board):
        table = board.query_one(UnitTable)
        held = next(u for u in board.all_units if u.ref == "Hvilan/12")
        assert held.status == "held" and held.hold_expires_at is not None
        key = f"unit:{held.unit_id}"
        before, reads_before = str(table.get_cell(key, "note")), len(reads)
        detail_before = str(board.query_one("#detail", Static).render())
        board._clock = Clock.frozen(FROZEN_AT + dt.timedelta(minutes=7))
        board._tick()
        await pilot.pause(0.3)
        after = str(table.get_cell(key, "note"))
        assert after != before and "left" in after  # seven minutes less
        assert str(board.query_one("#detail", Static).render()) != detail_before
        assert len(reads) == reads_before

"""Hold, confirm and cancel a hold, out of service and back, turnaways and revealing a name:
keys pressed as a person would, then the database read back."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from bedboard.store import Store
from tests.support.board import (
    TONIGHT,
    BoardAt,
    fill,
    form_text,
    select_unit,
    type_text,
    wait_for_note,
)
from tests.support.db_checks import (
    active_holds,
    audit_actions,
    holds_by_status,
    nights_of,
    state_of,
    turnaways,
)


async def test_hold_a_free_unit(frozen_store: Store, board_at: BoardAt) -> None:
    async with board_at(unit="Hvilan/4") as (_, pilot, _):
        await fill(pilot, "h", "Outreach Solna", "enter")
        await wait_for_note(pilot, "Held Hvilan/4 for 90 minutes")
    assert ("Hvilan/4", TONIGHT, "Outreach Solna") in active_holds(frozen_store)


async def test_confirm_a_hold_into_a_stay(frozen_store: Store, board_at: BoardAt) -> None:
    async with board_at(unit="Hvilan/12") as (_, pilot, _):
        await fill(pilot, "c", "G-600", "tab", "backspace", "2", "enter")
        await wait_for_note(pilot, "Hold confirmed: G-600 in Hvilan/12, 2 nights")
    assert [ref for _, ref, _ in nights_of(frozen_store, "G-600")] == ["Hvilan/12"] * 2
    assert holds_by_status(frozen_store) == {"confirmed": 1}


async def test_cancel_a_hold(frozen_store: Store, board_at: BoardAt) -> None:
    async with board_at(unit="Hvilan/12") as (_, pilot, _):
        await pilot.press("x", "y")
        await wait_for_note(pilot, "Hold on Hvilan/12 cancelled")
    assert holds_by_status(frozen_store) == {"cancelled": 1}
    assert state_of(frozen_store, "Hvilan/12", TONIGHT) == "free"


async def test_out_of_service_for_a_range_and_back(frozen_store: Store, board_at: BoardAt) -> None:
    async with board_at(unit="Hvilan/4") as (_, pilot, board):
        await pilot.press("s", "tab")  # first night stays tonight; the last is typed over
        await type_text(pilot, "2026-11-29")
        await pilot.press("tab")
        await type_text(pilot, "broken bed")
        await pilot.press("enter")
        await wait_for_note(pilot, "Hvilan/4 out of service for 3 nights")
        await select_unit(pilot, board, "Hvilan/20")  # water damage, tonight to the 29th
        await pilot.press("s", "enter")  # back in service tonight only
        await wait_for_note(pilot, "Hvilan/20 back in service for 1 night")
    for day in (27, 28, 29):
        assert state_of(frozen_store, "Hvilan/4", dt.date(2026, 11, day)) == "out_of_service"
    assert state_of(frozen_store, "Hvilan/20", TONIGHT) == "free"
    assert state_of(frozen_store, "Hvilan/20", dt.date(2026, 11, 28)) == "out_of_service"


async def test_record_a_turnaway(frozen_store: Store, board_at: BoardAt) -> None:
    async with board_at() as (_, pilot, _):
        await pilot.press("w", "tab", "backspace", "3", "tab", "tab")
        await type_text(pilot, "Hotel Zinkensdamm")
        await pilot.press("enter")
        await wait_for_note(pilot, "Turnaway recorded for 3 people")
    assert turnaways(frozen_store) == [(TONIGHT, "no_free_unit", 3, "Hotel Zinkensdamm")]


async def test_showing_a_name_needs_a_deliberate_key_and_is_audited(
    frozen_store: Store, board_at: BoardAt
) -> None:
    async with board_at(unit="Hvilan/1") as (app, pilot, _):
        screen_text = str(app.screen.query_one("#detail").render())
        assert "Demo person" not in screen_text
        await pilot.press("n")  # lower case does nothing
        await pilot.press("N", "escape")  # asked, then said no
        await pilot.press("N", "enter")  # no reason: the form does not close
        assert "Why is needed" in str(app.screen.query_one("#form-error").render())
        assert "confirm with their own PIN" in form_text(app.screen)
        await type_text(pilot, "police asked for her")
        await pilot.press("enter")
        note = await wait_for_note(pilot, "G-101 is Demo person 101")
        assert "audit log" in note
    reveals = [a for a in audit_actions(frozen_store) if a[1] == "reveal_name"]
    assert reveals == [("night-staff", "reveal_name", "guest:G-101")]
    with frozen_store.read() as session:
        detail = session.execute(
            text("SELECT detail FROM audit_log WHERE action = 'reveal_name'")
        ).scalar_one()
    assert '"reason": "police asked for her"' in detail

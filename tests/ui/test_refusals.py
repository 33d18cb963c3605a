"""Refusals: a unit taken meanwhile by someone else, a closed night, a bad date. Each shows
one clear message and changes nothing."""

from __future__ import annotations

from bedboard.db.models import AuditEntry, ClosedNight, Guest
from bedboard.store import Store
from bedboard.ui.screens.form import FormScreen
from tests.support.board import FROZEN_AT, TONIGHT, BoardAt, fill, wait_for_note, wait_until
from tests.support.booking import book
from tests.support.db_checks import count_rows, nights_of


async def test_unit_taken_meanwhile_by_someone_else(frozen_store: Store, board_at: BoardAt) -> None:
    async with board_at(unit="Hvilan/3") as (_, pilot, _):
        await fill(pilot, "c", "G-700")
        # Another terminal books the same unit while the form is open.
        with frozen_store.write() as session:
            book(session, "Hvilan/3", "G-800", TONIGHT, actor="other-terminal", now=FROZEN_AT)
        guests_before = count_rows(frozen_store, Guest)
        audit_before = count_rows(frozen_store, AuditEntry)
        await pilot.press("enter")
        note = await wait_for_note(pilot, "Refused")
        assert "Hvilan/3 is taken on the night of 2026-11-27" in note
        assert "Nothing was changed" in note
    assert nights_of(frozen_store, "G-700") == []
    assert nights_of(frozen_store, "G-800") == [(TONIGHT, "Hvilan/3", None)]
    assert count_rows(frozen_store, Guest) == guests_before  # G-700 was not created
    assert count_rows(frozen_store, AuditEntry) == audit_before


async def test_closed_night_refuses_a_check_in(frozen_store: Store, board_at: BoardAt) -> None:
    with frozen_store.write() as session:
        session.add(ClosedNight(night=TONIGHT, closed_at=FROZEN_AT, closed_by="coordinator"))
    async with board_at(unit="Hvilan/3") as (_, pilot, _):
        await fill(pilot, "c", "G-701", "enter")
        note = await wait_for_note(pilot, "Refused")
        assert "the night of 2026-11-27 is closed" in note
    assert nights_of(frozen_store, "G-701") == []


async def test_bad_date_is_refused_in_the_form(board_at: BoardAt) -> None:
    async with board_at() as (app, pilot, board):
        await fill(pilot, "d", "2026-13-45", "enter")
        assert isinstance(app.screen, FormScreen)  # still open, saying why
        error = str(app.screen.query_one("#form-error").render())
        assert "'2026-13-45' is not a date like 2026-11-27" in error
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: app.screen is board)
        assert board.night == TONIGHT


async def test_check_out_with_a_first_night_before_the_stay_is_refused(
    frozen_store: Store, board_at: BoardAt
) -> None:
    # G-106 stays in Tryggheten Södertälje/1 on the 26th and 27th only.
    async with board_at(unit="Tryggheten Södertälje/1") as (_, pilot, _):
        await fill(pilot, "o", "2026-12-01", "enter")
        note = await wait_for_note(pilot, "Refused")
        assert "guest G-106 has no nights from 2026-12-01 on" in note
    assert len(nights_of(frozen_store, "G-106")) == 2

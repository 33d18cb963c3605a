"""The Commitments screen records a payer's decision and ends it, the guest's nights follow;
the Host families screen shows what each family is owed. Driven by keys, checked in the
database and on the screen."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from textual.widgets import DataTable, Input, Select

from bedboard.db.models import Commitment
from bedboard.services.billing import compensation
from bedboard.store import Store
from bedboard.ui.screens.commitments import CommitmentsScreen
from bedboard.ui.screens.compensation import CompensationScreen
from bedboard.ui.screens.form import FormScreen
from tests.support.board import TONIGHT, frozen_app, screen_after, wait_for_note, wait_until
from tests.support.db_checks import nights_of


async def test_commitments_add_and_end(frozen_store: Store) -> None:
    app = frozen_app(frozen_store)
    async with app.run_test(size=(110, 40)) as pilot:
        screen = await screen_after(pilot, "C", CommitmentsScreen)
        assert await wait_until(pilot, lambda: screen.rows is not None)
        await screen_after(pilot, "a", FormScreen)
        form = app.screen
        form.query_one("#field-payer", Select).value = "Polisen"
        form.query_one("#field-guest", Input).value = "G-104"
        form.query_one("#field-first", Input).value = "2026-11-24"
        form.query_one("#field-reference", Input).value = "K-2026-88"
        form.query_one("#field-max_nights", Input).value = "2"
        await pilot.press("ctrl+s")
        await wait_for_note(pilot, "Polisen pays for G-104")
        assert {payer for _, _, payer in nights_of(frozen_store, "G-104")} == {"Polisen", None}
        assert await wait_until(pilot, lambda: len(screen.rows or []) == 1)
        (row,) = screen.rows or []
        booked = len(nights_of(frozen_store, "G-104"))
        assert (row.routed_nights, row.beyond_cap) == (2, booked - 2)
        assert "beyond a cap" in str(screen.query_one("#title").render())
        await screen_after(pilot, "e", FormScreen)
        app.screen.query_one("#field-last", Input).value = "2026-11-24"
        await pilot.press("ctrl+s")
        await wait_for_note(pilot, "ends on 2026-11-24")
        with frozen_store.read() as s:
            assert s.scalar(select(Commitment.last_night)) == dt.date(2026, 11, 24)
        payers = [payer for _, _, payer in nights_of(frozen_store, "G-104")]
        assert payers[0] == "Polisen" and set(payers[1:]) == {None}


async def test_host_families_owed(frozen_store: Store) -> None:
    with frozen_store.write() as s:
        compensation.set_compensation_rate(s, amount=30000, currency="SEK",
                                           valid_from=dt.date(2026, 1, 1),
                                           site_kind="host_family", actor="t")  # fmt: skip
        owed = compensation.compensation(s, TONIGHT.replace(month=1, day=1), TONIGHT,
                                         currency="SEK")  # fmt: skip
    assert owed
    app = frozen_app(frozen_store)
    async with app.run_test(size=(110, 40)) as pilot:
        screen = await screen_after(pilot, "F", CompensationScreen)
        assert await wait_until(pilot, lambda: screen.rows is not None)
        table = screen.query_one(DataTable)
        assert table.row_count == len(owed)
        first = [str(c) for c in table.get_row_at(0)]
        assert first[0] == owed[0].site and first[2] == owed[0].period
        assert first[4] == f"{owed[0].amount // 100:,}.00"  # the board's language: English

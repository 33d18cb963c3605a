"""The billing screens driven by keys: who pays? assigns a payer to the oldest unbilled stay;
billing shows each payer's totals, writes the CSV, closes a night after listing its unbilled
nights, and records an adjustment. Outcomes are read back from the database and the file."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from sqlalchemy import select
from textual.widgets import DataTable, Input, Select

from bedboard.db.models import Adjustment, BedNight, ClosedNight
from bedboard.services.exports.billing import BILLING_COLUMNS
from bedboard.store import Store
from bedboard.ui.screens.billing import BillingScreen
from bedboard.ui.screens.confirm import ConfirmScreen
from bedboard.ui.screens.form import FormScreen
from bedboard.ui.screens.who_pays import WhoPaysScreen
from tests.support.board import (
    FROZEN_AT,
    TONIGHT,
    frozen_app,
    screen_after,
    wait_for_note,
    wait_until,
)
from tests.support.booking import book
from tests.support.db_checks import nights_of

NIGHT = dt.date(2026, 11, 26)


async def test_who_pays_keeps_its_cursor_through_a_change_elsewhere(frozen_store: Store) -> None:
    app = frozen_app(frozen_store)
    async with app.run_test(size=(110, 40)) as pilot:
        screen = await screen_after(pilot, "W", WhoPaysScreen)
        assert await wait_until(pilot, lambda: screen.rows is not None)
        await pilot.press("down")
        assert screen.selected is not None and screen.selected.guest_code == "G-106"
        revision = app.revision
        with frozen_store.write() as session:  # another terminal books a night
            book(
                session, "Hvilan/3", "G-900", TONIGHT, payer="Polisen", actor="other", now=FROZEN_AT
            )
        assert await wait_until(pilot, lambda: app.revision != revision)
        await pilot.pause(0.3)
        assert screen.selected is not None and screen.selected.guest_code == "G-106"


async def test_who_pays_assigns_the_oldest_stay(frozen_store: Store) -> None:
    app = frozen_app(frozen_store)
    async with app.run_test(size=(110, 40)) as pilot:
        screen = await screen_after(pilot, "W", WhoPaysScreen)
        assert await wait_until(pilot, lambda: screen.rows is not None)
        assert [u.guest_code for u in screen.rows or []] == ["G-104", "G-106"]
        form = await screen_after(pilot, "p", FormScreen)
        form.query_one("#field-payer", Select).value = "Polisen"
        form.query_one("#field-reference", Input).value = "K-2026-77"
        await pilot.press("ctrl+s")
        await wait_for_note(pilot, "Polisen pays 8 night(s) of G-104")
        assert {payer for _, _, payer in nights_of(frozen_store, "G-104")} == {"Polisen"}
        assert await wait_until(
            pilot, lambda: [u.guest_code for u in screen.rows or []] == ["G-106"]
        )


async def test_billing_screen_totals_csv_close_and_adjust(
    frozen_store: Store, tmp_path: Path
) -> None:
    app = frozen_app(frozen_store)
    async with app.run_test(size=(110, 40)) as pilot:
        screen = await screen_after(pilot, "B", BillingScreen)
        first = screen.query_one("#billing-first", Input)
        first.value = "2026-11-20"
        first.focus()
        await pilot.press("enter")
        assert await wait_until(
            pilot, lambda: screen.totals is not None and screen.first == dt.date(2026, 11, 20)
        )
        totals = {t.payer: t for t in screen.totals or []}
        assert totals[""].unbilled_nights == 6  # G-104: 24th-27th, G-106: 26th-27th
        assert screen.query_one(DataTable).row_count == len(totals)

        target = tmp_path / "billing.csv"
        screen.query_one("#billing-file", Input).value = str(target)
        screen.query_one(DataTable).focus()
        await pilot.press("s")
        assert await wait_until(pilot, lambda: screen.last_written == target, seconds=10)
        with target.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert tuple(rows[0]) == BILLING_COLUMNS
        assert len(rows) - 1 == sum(t.nights for t in totals.values())

        await screen_after(pilot, "c", FormScreen)
        assert app.screen.query_one("#field-night", Input).value == str(TONIGHT - dt.timedelta(1))
        app.screen.query_one("#field-night", Input).value = str(NIGHT)
        await pilot.press("ctrl+s")  # earlier nights are open: refused, nothing posted
        await wait_for_note(pilot, "night of 2026-11-23 is still open")
        await screen_after(pilot, "c", FormScreen)
        app.screen.query_one("#field-night", Input).value = str(NIGHT)
        app.screen.query_one("#field-out_of_order", Select).value = True
        confirm = await screen_after(pilot, "ctrl+s", ConfirmScreen)
        question = confirm.question
        assert "G-104 in Familjen Berg/2" in question
        assert "UNBILLED (nobody pays): 2" in question  # G-104 and G-106 on the 26th
        with frozen_store.read() as s:
            assert s.scalar(select(ClosedNight.night)) is None  # asked, not posted yet
        await pilot.press("y")
        await wait_for_note(pilot, f"Night of {NIGHT} closed")
        with frozen_store.read() as s:
            assert s.scalar(select(ClosedNight.night)) == NIGHT
            posted = s.scalars(select(BedNight).where(BedNight.night == NIGHT)).all()
            assert posted and all(r.posted_at is not None for r in posted)

        await screen_after(pilot, "a", FormScreen)
        for field, value in (
            ("guest", "G-101"),
            ("night", str(NIGHT)),
            ("amount", "-650.00"),
            ("reason", "left"),
        ):
            app.screen.query_one(f"#field-{field}", Input).value = value
        await pilot.press("ctrl+s")
        await wait_for_note(pilot, "by -650.00 SEK")
        with frozen_store.read() as s:
            assert [(a.amount, a.reason) for a in s.scalars(select(Adjustment))] == [
                (-65000, "left")
            ]


async def test_closing_tonight_is_refused_before_the_rollover(frozen_store: Store) -> None:
    app = frozen_app(frozen_store)
    async with app.run_test(size=(110, 40)) as pilot:
        await screen_after(pilot, "B", BillingScreen)
        await screen_after(pilot, "c", FormScreen)
        app.screen.query_one("#field-night", Input).value = str(TONIGHT)
        app.screen.query_one("#field-out_of_order", Select).value = True
        await pilot.press("ctrl+s")  # 21:30 on the 27th: the night of the 27th goes on
        await wait_for_note(pilot, "still going on")
        assert not isinstance(app.screen, ConfirmScreen)
        with frozen_store.read() as s:
            assert s.scalar(select(ClosedNight.night)) is None

"""The export screen: pick a kind, the night or period and a file; it writes in the
background, fills the progress bar, says where the file went; a bad date writes nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from textual.widgets import Checkbox, Input, Select, Static

from bedboard.store import Store
from bedboard.ui.clock import Clock
from bedboard.ui.screens.export import ExportScreen
from bedboard.ui.screens.reports import ReportsScreen
from tests.support.board import FROZEN_AT, frozen_demo, make_app, screen_after, wait_until


async def test_export_screen_writes_the_chosen_file(empty_store: Store, tmp_path: Path) -> None:
    app = make_app(frozen_demo(empty_store), Clock.frozen(FROZEN_AT))
    async with app.run_test(size=(110, 40)) as pilot:
        screen = await screen_after(pilot, "E", ExportScreen)
        path = screen.query_one("#export-path", Input)
        assert path.value.endswith("occupancy-2026-11-27.csv")  # named after kind and night

        screen.query_one("#export-kind", Select).value = "turnaways"
        await pilot.pause()
        screen.query_one("#export-first", Input).value = "2026-11-01"
        await pilot.pause()
        assert path.value.endswith("turnaways-2026-11-01--2026-11-27.csv")
        target = tmp_path / "ut, "  # an awkward folder name is fine
        target.mkdir()
        path.value = str(target / "avvisade.csv")
        screen.query_one("#export-excel", Checkbox).value = True
        screen.query_one("#export-path", Input).focus()
        await pilot.press("enter")  # as a keyboard user starts it
        assert await wait_until(pilot, lambda: screen.last_written is not None, seconds=10)
        result = str(screen.query_one("#export-result", Static).render())
        assert f"Wrote 5 rows to {target / 'avvisade.csv'}" in result
        raw = (target / "avvisade.csv").read_bytes()
        assert raw.startswith("\ufeff".encode())
        rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
        assert rows[0] == ["night", "site", "reason", "people", "referred_to", "needs"]
        assert len(rows) == 6

        screen.query_one("#export-kind", Select).value = "inventory"
        await pilot.pause()
        assert screen.query_one("#export-first", Input).disabled


async def test_export_screen_refuses_a_bad_date(empty_store: Store, tmp_path: Path) -> None:
    app = make_app(frozen_demo(empty_store), Clock.frozen(FROZEN_AT))
    async with app.run_test(size=(110, 40)) as pilot:
        screen = await screen_after(pilot, "E", ExportScreen)
        screen.query_one("#export-first", Input).value = "27/11"
        await pilot.pause()
        screen.query_one("#export-path", Input).value = str(tmp_path / "x.csv")
        screen.query_one("#export-path", Input).focus()
        await pilot.press("enter")  # as a keyboard user starts it
        assert await wait_until(
            pilot,
            lambda: (
                "'27/11' is not a date like 2026-11-27"
                in str(screen.query_one("#export-result", Static).render())
            ),
        )
        assert not (tmp_path / "x.csv").exists()

        screen.query_one("#export-first", Input).value = "2026-11-27"
        await pilot.pause()  # a changed date suggests a new file name: let that happen first
        screen.query_one("#export-path", Input).value = str(tmp_path / "no" / "x.csv")
        screen.query_one("#export-path", Input).focus()
        await pilot.press("enter")  # as a keyboard user starts it
        assert await wait_until(
            pilot, lambda: "Nothing written" in str(screen.query_one("#export-result").render())
        ), str(screen.query_one("#export-result").render())
        assert "does not exist" in str(screen.query_one("#export-result", Static).render())
        await pilot.press("escape")
        await screen_after(pilot, "R", ReportsScreen)


async def test_exports_go_to_the_documents_folder_by_default(
    empty_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 item 9: the board suggested the current folder (under `make run`, the source
    checkout); a relative name went there too."""
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    app = make_app(frozen_demo(empty_store), Clock.frozen(FROZEN_AT))
    async with app.run_test(size=(110, 40)) as pilot:
        screen = await screen_after(pilot, "E", ExportScreen)
        path = screen.query_one("#export-path", Input)
        assert path.value == str(home / "Documents" / "occupancy-2026-11-27.csv")
        path.value = "tonight.csv"  # a bare name: beside the suggested one
        path.focus()
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: screen.last_written is not None, seconds=10)
    assert (home / "Documents" / "tonight.csv").is_file()
    assert not (Path.cwd() / "tonight.csv").exists()


async def test_export_screen_writes_a_spreadsheet(empty_store: Store, tmp_path: Path) -> None:
    """Choosing the Excel workbook format renames the suggested file to .xlsx and writes a
    workbook with typed cells; typing a .csv name switches back to CSV."""
    app = make_app(frozen_demo(empty_store), Clock.frozen(FROZEN_AT))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await screen_after(pilot, "E", ExportScreen)
        screen.query_one("#export-kind", Select).value = "billing-summary"
        screen.query_one("#export-first", Input).value = "2026-11-01"
        await pilot.pause()
        screen.query_one("#export-format", Select).value = "xlsx"
        await pilot.pause()
        path = screen.query_one("#export-path", Input)
        assert path.value.endswith("billing-summary-2026-11-01--2026-11-27.xlsx")
        assert screen.query_one("#export-excel", Checkbox).disabled
        path.value = str(tmp_path / "betalare.xlsx")
        path.focus()
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: screen.last_written is not None, seconds=10)
        sheet = openpyxl.load_workbook(tmp_path / "betalare.xlsx").worksheets[0]
        assert [c.value for c in sheet[1]] == [
            "payer", "nights", "amount", "currency", "unbilled_nights"
        ]  # fmt: skip
        assert sheet.max_row > 1
        assert all(isinstance(row[1].value, int) for row in sheet.iter_rows(min_row=2))
        assert all(isinstance(row[2].value, int | float) for row in sheet.iter_rows(min_row=2))
        path.value = str(tmp_path / "betalare.csv")
        await pilot.pause()
        assert screen.query_one("#export-format", Select).value == "csv"

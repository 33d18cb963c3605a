"""Every export as a spreadsheet (.xlsx), read back with openpyxl: the same header and values as
the CSV of the same export, and typed cells: dates are dates, amounts numbers with two decimals
in a currency format, counts integers, codes and references text (`0012`, `-42`), no formula
anywhere; a frozen header row, a filter and column widths."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bedboard.cli import main
from bedboard.config import Settings
from bedboard.db.models import Site, Unit
from bedboard.services.beds.stays import check_in
from bedboard.services.billing.rates import set_rate
from bedboard.services.csvio import restore
from bedboard.services.exports.export import Export, write_export_file
from bedboard.services.exports.xlsx import Sheet, write_xlsx
from bedboard.store import open_store
from tests.support.cli import CliRunner
from tests.test_exports import AWKWARD_SITE, FORMULA_SITE, TONIGHT, awkward_world

FROM, TO = "2026-11-01", "2026-11-30"
EXPORTS = {
    "occupancy": ("export", "occupancy", "--night", str(TONIGHT)),
    "occupancy-summary": ("export", "occupancy", "--night", str(TONIGHT), "--summary"),
    "billing": ("export", "billing", "--from", FROM, "--to", TO),
    "billing-summary": ("export", "billing", "--from", FROM, "--to", TO, "--summary"),
    "turnaways": ("export", "turnaways", "--from", FROM, "--to", TO),
    "turnaways-summary": ("export", "turnaways", "--from", FROM, "--to", TO, "--summary"),
    "inventory": ("export", "inventory"),
    "invoice-basis": ("invoice-basis", "--payer", "Polisen", "--from", FROM, "--to", TO),
    "compensation": ("compensation", "--from", FROM, "--to", TO),
}
# The sheet's name: the export's, or the payer's for an invoice basis.
SHEET_TITLES = {
    name: " ".join(a for a in args if a in ("occupancy", "billing", "turnaways", "inventory",
                                             "compensation"))
    + (" summary" if "--summary" in args else "")
    for name, args in EXPORTS.items()
} | {"invoice-basis": "Polisen"}  # fmt: skip
DATE_COLUMNS = {"night"}
MONEY_COLUMNS = {"rate", "amount"}
COUNT_COLUMNS = {"capacity", "occupied", "held", "free", "out_of_service", "nights"}
COUNT_COLUMNS |= {"unbilled_nights", "people", "turnaways", "stay_id", "nights_without_rate"}
DATE_COLUMNS |= {"first_night", "last_night"}
TEXT_COLUMNS = {"site", "unit", "room", "guest_code", "payer", "payer_reference", "area"}
TEXT_COLUMNS |= {"referred_to", "reason", "week", "tags", "currency", "status", "kind"}
TEXT_COLUMNS |= {"period"}


def make_world(db: str) -> None:
    """The awkward export world, plus a rate written the Swedish way and a stay whose guest
    code and payer reference a spreadsheet would turn into numbers (-42, 0012); the nights
    before the hold on TONIGHT closed (for the invoice basis), and the host families paid a
    compensation rate in öre (for compensation)."""
    store = open_store(Settings(db=db, user="tester"))
    try:
        awkward_world(store)
        with store.write() as session:
            site = Site(name="Nollhemmet", kind="host_family", area="0012")
            session.add(site)
            session.flush()
            session.add(Unit(site_id=site.id, room="007", label="01", tags=""))
            session.flush()
            set_rate(
                session,
                amount=195000,
                currency="SEK",
                valid_from=dt.date(2026, 11, 1),
                site_kind="host_family",
                actor="tester",
            )
            check_in(
                session,
                unit="Nollhemmet/01",
                guest_code="-42",
                night=TONIGHT,
                nights_count=2,
                payer="Polisen",
                reference="0012",
                actor="tester",
            )
    finally:
        store.close()
    for day in range(23, 27):
        bedboard("close-night", "--unbilled-ok", "--night", f"2026-11-{day}", db=db)
    bedboard("rates", "set", "--compensation", "--amount", "320,50", "--from", FROM,
             "--site-kind", "host_family", db=db)  # fmt: skip


def bedboard(*args: str, db: str) -> None:
    """A command that must succeed, for building a world outside a test's capture."""
    with pytest.raises(SystemExit) as exited:
        main(["--db", db, "--user", "tester", *args])
    assert exited.value.code in (0, None), args


@pytest.fixture(scope="module")
def world_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("xlsx") / "bedboard.sqlite3")
    make_world(db)
    return db


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [[restore(v) for v in row] for row in csv.reader(f)]


def as_csv_text(value: Any, column: str) -> str:
    """A cell read back from the workbook, in the CSV's machine format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, int | float) and column in MONEY_COLUMNS | {"occupancy_rate"}:
        return f"{value:.2f}"
    return str(value)


@pytest.mark.parametrize("name", list(EXPORTS))
def test_xlsx_holds_what_the_csv_holds_with_types(
    name: str, world_db: str, tmp_path: Path, cli_here: CliRunner
) -> None:
    args = EXPORTS[name]
    csv_path, xlsx_path = tmp_path / f"{name}.csv", tmp_path / f"{name}.xlsx"
    code, _, err = cli_here(*args, "--out", str(csv_path), db=world_db)
    assert code == 0, err
    code, _, err = cli_here(*args, "--out", str(xlsx_path), db=world_db)
    assert code == 0, err
    assert "wrote" in err and str(xlsx_path) in err

    expected = csv_rows(csv_path)
    assert len(expected) > 1, "the export should have rows to compare"
    book = openpyxl.load_workbook(xlsx_path)
    assert len(book.worksheets) == 1
    sheet = book.worksheets[0]
    assert sheet.title == SHEET_TITLES[name]
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    assert header == expected[0]
    assert len(rows) == len(expected)
    for cells, want in zip(rows[1:], expected[1:], strict=True):
        got = [as_csv_text(c.value, column) for c, column in zip(cells, header, strict=True)]
        assert got == want
        for cell, column in zip(cells, header, strict=True):
            assert cell.data_type != "f", f"{column} became a formula"
            if cell.value is None:
                continue
            if column in DATE_COLUMNS:
                assert isinstance(cell.value, dt.datetime) and cell.is_date, column
            elif column in MONEY_COLUMNS:
                assert isinstance(cell.value, float | int), column
                assert "0.00" in cell.number_format and "kr" in cell.number_format
            elif column in COUNT_COLUMNS:
                assert isinstance(cell.value, int) and not isinstance(cell.value, bool), column
            elif column == "posted":
                assert isinstance(cell.value, bool)
            elif column == "occupancy_rate":
                assert isinstance(cell.value, float | int) and cell.number_format == "0.00"
            else:
                assert column in TEXT_COLUMNS or column == "site_kind", column
                assert isinstance(cell.value, str), column
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{rows[0][-1].column_letter}{len(rows)}"
    widths = [sheet.column_dimensions[c.column_letter].width for c in rows[0]]
    assert all(6 <= w <= 61 for w in widths), widths


def test_codes_and_references_stay_text_and_nothing_runs(
    world_db: str, tmp_path: Path, cli_here: CliRunner
) -> None:
    path = tmp_path / "billing.xlsx"
    code, _, err = cli_here("export", "billing", "--from", FROM, "--to", TO, "--out", str(path),
                            db=world_db)  # fmt: skip
    assert code == 0, err
    sheet = openpyxl.load_workbook(path).worksheets[0]
    header = [c.value for c in sheet[1]]
    rows = [
        dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)
    ]
    ours = [r for r in rows if r["guest_code"] == "-42"]
    assert len(ours) == 2
    assert {r["payer_reference"] for r in ours} == {"0012"}
    assert {r["unit"] for r in ours} == {"01"}
    assert {r["rate"] for r in ours} == {1950.0}
    assert ours[0]["night"] == dt.datetime(2026, 11, 27)
    assert "=1+1" in {r["payer_reference"] for r in rows}  # text, not a formula

    occupancy = tmp_path / "occupancy.xlsx"
    code, _, err = cli_here("export", "occupancy", "--night", str(TONIGHT), "--out",
                            str(occupancy), db=world_db)  # fmt: skip
    assert code == 0, err
    cells = [c for row in openpyxl.load_workbook(occupancy).worksheets[0].iter_rows() for c in row]
    sites = {c.value for c in cells if c.column == 2}
    assert FORMULA_SITE in sites and AWKWARD_SITE in sites
    assert not any(c.data_type == "f" for c in cells)
    rooms = {c.value for c in cells if c.column == 5}
    assert "007" in rooms


def test_format_option_and_stdout(world_db: str, tmp_path: Path, cli_here: CliRunner) -> None:
    """--format xlsx writes a workbook whatever the file is called; --format csv a CSV."""
    odd = tmp_path / "inventory.dat"
    code, _, err = cli_here("export", "inventory", "--format", "xlsx", "--out", str(odd),
                            db=world_db)  # fmt: skip
    assert code == 0, err
    assert odd.read_bytes()[:2] == b"PK"
    with odd.open("rb") as f:
        assert openpyxl.load_workbook(f).worksheets[0]["A1"].value == "site"
    plain = tmp_path / "inventory.xlsx"
    code, _, err = cli_here("export", "inventory", "--format", "csv", "--out", str(plain),
                            db=world_db)  # fmt: skip
    assert code == 0, err
    assert plain.read_text(encoding="utf-8").startswith("site,site_kind,")
    code, _, err = cli_here("export", "inventory", "--format", "ods", db=world_db)
    assert code == 2 and "ods" in err


def test_a_failed_workbook_leaves_nothing(tmp_path: Path) -> None:
    def broken() -> Any:
        yield ["2026-11-27"]
        raise RuntimeError("the database went away")

    path = tmp_path / "half.xlsx"
    with pytest.raises(RuntimeError):
        write_export_file(path, Export(("night",), broken()))
    assert list(tmp_path.iterdir()) == []


def test_several_sheets_for_other_exports(tmp_path: Path) -> None:
    """The shared writer as the invoice basis uses it: one sheet per table, own column kinds."""
    path = tmp_path / "basis.xlsx"
    nights = Export(("night", "guest_code", "amount"), [["2026-11-27", "0012", "1950.00"]])
    totals = Export(("payer", "total", "currency"), [["Polisen", "-450.00", "EUR"]])
    assert (
        write_xlsx(
            path,
            [Sheet("nights", nights), Sheet("totals/sum", totals, kinds={"total": "money"})],
        )
        == 2
    )
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["nights", "totals_sum"]
    assert book["nights"]["B2"].value == "0012"
    assert book["nights"]["C2"].value == 1950.0
    assert book["totals_sum"]["B2"].value == -450.0
    assert "EUR" in book["totals_sum"]["B2"].number_format


@pytest.mark.parametrize("name", ["invoice-basis", "compensation"])
def test_format_xlsx_for_the_invoice_basis_and_compensation(
    name: str, world_db: str, tmp_path: Path, cli_here: CliRunner
) -> None:
    """--format as for the other exports; the compensation's year totals in bold, its months
    and every invoice line not; the same values as the CSV, with their types."""
    args = EXPORTS[name]
    book_path, csv_path = tmp_path / f"{name}.dat", tmp_path / f"{name}.xlsx"
    code, _, err = cli_here(*args, "--format", "xlsx", "--out", str(book_path), db=world_db)
    assert code == 0, err
    code, _, err = cli_here(*args, "--format", "csv", "--out", str(csv_path), db=world_db)
    assert code == 0, err
    expected = csv_rows(csv_path)  # a CSV, although its name says .xlsx
    with book_path.open("rb") as f:
        sheet = openpyxl.load_workbook(f).worksheets[0]
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    assert header == expected[0] and len(rows) == len(expected) > 1
    assert all(c.font.b for c in rows[0])
    years = 0
    for cells, want in zip(rows[1:], expected[1:], strict=True):
        record = dict(zip(header, cells, strict=True))
        assert [as_csv_text(c.value, h) for c, h in zip(cells, header, strict=True)] == want
        assert isinstance(record["amount"].value, float | int)
        assert "kr" in record["amount"].number_format
        assert isinstance(record["nights"].value, int)
        year = name == "compensation" and len(record["period"].value) == 4
        years += year
        written = [c for c in cells if c.value is not None]
        assert all(bool(c.font.b) == year for c in written), (want, [c.font.b for c in cells])
    assert years > 0 if name == "compensation" else years == 0

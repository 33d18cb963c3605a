"""Every xlsx export opened by a real spreadsheet program in a Swedish locale: LibreOffice
(headless, LANG=sv_SE.UTF-8) converts each workbook to ODS and to CSV "as shown", and the
values it read are compared with bedboard's own CSV of the same export.

What a person in a Swedish LibreOffice or Excel sees: dates are dates, amounts are numbers
shown as `1 950,00 kr` (so a SUM adds them up), counts are numbers, and codes and references
stay the text they are (`0012`, `-42`, `=1+1` is not run). openpyxl's read-back is in
tests/test_xlsx_exports.py; this one checks the file with a program that did not write it.

Needs `soffice` (apt-get install libreoffice-calc-nogui; .ci/run installs it, and under
CI=true a missing LibreOffice fails instead of skipping).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple
from xml.etree import ElementTree

import pytest

from tests.test_xlsx_exports import (
    COUNT_COLUMNS,
    DATE_COLUMNS,
    EXPORTS,
    MONEY_COLUMNS,
    bedboard,
    csv_rows,
    make_world,
)

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# Under CI the check must run (.ci/run installs LibreOffice); elsewhere it skips without it.
IN_CI = os.environ.get("CI") == "true"
pytestmark = pytest.mark.skipif(
    SOFFICE is None and not IN_CI,
    reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui): "
    "the xlsx files are not checked with a spreadsheet program",
)

SWEDISH = {"LANG": "sv_SE.UTF-8", "LC_ALL": "sv_SE.UTF-8", "LC_CTYPE": "sv_SE.UTF-8"}
# CSV export "as shown": separator ;, quote ", UTF-8 (76), from row 1, language sv-SE (1053),
# text not quoted, detect special numbers, save cell contents as shown.
SHOWN_CSV = "csv:Text - txt - csv (StarCalc):59,34,76,1,,1053,false,true,true"
# A Swedish amount as LibreOffice shows it: groups of three split by a no-break space,
# a decimal comma, two decimals, then " kr". The no-break space and the comma come from
# the Swedish locale (the file's format says only #,##0.00): proof that it was in force.
SWEDISH_KRONOR = re.compile(r"-?\d{1,3}(\u00a0\d{3})*,\d{2} kr")

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


class Cell(NamedTuple):
    """One cell as LibreOffice stored it: its type, its value and the text it shows."""

    kind: str  # "string", "float", "currency", "date", "boolean" or "" (empty)
    value: str  # the typed value (date-value, value, boolean-value) or the text
    shown: str


def _shown(cell: ElementTree.Element) -> str:
    """The text of a cell's paragraphs, with ODF's encoded spaces, tabs and breaks."""
    paragraphs = []
    for p in cell.iter(_q("text", "p")):
        parts = [p.text or ""]
        for child in p.iter():
            if child is p:
                continue
            if child.tag == _q("text", "s"):
                parts.append(" " * int(child.get(_q("text", "c"), "1")))
            elif child.tag == _q("text", "tab"):
                parts.append("\t")
            elif child.tag == _q("text", "line-break"):
                parts.append("\n")
            elif child.text:
                parts.append(child.text)
            parts.append(child.tail or "")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def ods_rows(path: Path) -> list[list[Cell]]:
    """The first sheet of an .ods file, with repeated empty cells and rows trimmed off."""
    with zipfile.ZipFile(path) as z:
        root = ElementTree.fromstring(z.read("content.xml"))
    table = next(root.iter(_q("table", "table")))
    rows: list[list[Cell]] = []
    for row in table.iter(_q("table", "table-row")):
        cells: list[Cell] = []
        for cell in row.findall(_q("table", "table-cell")):
            kind = cell.get(_q("office", "value-type"), "")
            value = (
                cell.get(_q("office", "date-value"))
                or cell.get(_q("office", "boolean-value"))
                or cell.get(_q("office", "value"))
                or _shown(cell)
            )
            repeat = int(cell.get(_q("table", "number-columns-repeated"), "1"))
            cells.extend([Cell(kind, value, _shown(cell))] * min(repeat, 64))
        while cells and cells[-1].kind == "":
            cells.pop()
        if cells:
            rows.append(cells)
    return rows


@pytest.fixture(scope="module")
def opened_in_swedish(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Each export written as CSV and as xlsx by bedboard; every workbook converted by one
    LibreOffice run to .ods and one to CSV as a Swedish LibreOffice shows it."""
    assert SOFFICE is not None, "CI=true but LibreOffice is not installed (.ci/run installs it)"
    folder = tmp_path_factory.mktemp("libreoffice")
    db = str(folder / "bedboard.sqlite3")
    make_world(db)
    for name, args in EXPORTS.items():
        bedboard(*args, "--out", str(folder / f"{name}.csv"), db=db)
        bedboard(*args, "--out", str(folder / f"{name}.xlsx"), db=db)
    workbooks = [str(folder / f"{name}.xlsx") for name in EXPORTS]
    profile = folder / "profile"  # its own profile: no clash with a running LibreOffice
    for target, outdir in (("ods", "ods"), (SHOWN_CSV, "shown")):
        done = subprocess.run(
            [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
             "--convert-to", target, "--outdir", str(folder / outdir), *workbooks],
            env={**os.environ, **SWEDISH}, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    yield folder


def _blank(row: list[Cell], width: int) -> list[Cell]:
    return row + [Cell("", "", "")] * (width - len(row))


@pytest.mark.parametrize("name", list(EXPORTS))
def test_libreoffice_in_swedish_reads_the_values_and_types_of_the_csv(
    name: str, opened_in_swedish: Path
) -> None:
    expected = csv_rows(opened_in_swedish / f"{name}.csv")
    rows = ods_rows(opened_in_swedish / "ods" / f"{name}.ods")
    assert len(expected) > 1, "the export should have rows to compare"
    header = expected[0]
    assert [c.value for c in rows[0]] == header
    assert len(rows) == len(expected), name
    for got_row, want_row in zip(rows[1:], expected[1:], strict=True):
        for cell, want, column in zip(_blank(got_row, len(header)), want_row, header, strict=True):
            where = f"{name}: {column} {want!r} read as {cell}"
            if want == "":
                assert cell.kind == "", where
            elif column in DATE_COLUMNS:
                assert cell.kind == "date" and cell.value == want, where
                assert dt.date.fromisoformat(cell.shown) == dt.date.fromisoformat(want), where
            elif column in MONEY_COLUMNS:
                assert cell.kind in ("float", "currency"), where
                assert Decimal(cell.value) == Decimal(want), where
                currency = want_row[header.index("currency")] if "currency" in header else "SEK"
                if currency == "SEK":
                    assert SWEDISH_KRONOR.fullmatch(cell.shown), where
            elif column in COUNT_COLUMNS:
                assert cell.kind == "float" and cell.value == want == cell.shown, where
            elif column == "occupancy_rate":
                assert cell.kind == "float" and Decimal(cell.value) == Decimal(want), where
                assert cell.shown == want.replace(".", ","), where  # 0,75: a Swedish decimal
            elif column == "posted":
                # LibreOffice keeps a true/false cell as 1/0 in a boolean format
                assert cell.kind in ("boolean", "float"), where
                assert cell.value in ({"true": ("true", "1"), "false": ("false", "0")}[want]), where
                assert cell.shown == {"true": "SANT", "false": "FALSKT"}[want], where
            else:
                assert cell.kind == "string" and cell.value == want == cell.shown, where


def test_libreoffice_shows_swedish_amounts_and_keeps_codes_as_typed(
    opened_in_swedish: Path,
) -> None:
    """The billing export as a Swedish LibreOffice shows it (its own CSV, cells as shown)."""
    with (opened_in_swedish / "shown" / "billing.csv").open(encoding="utf-8", newline="") as f:
        shown = list(csv.DictReader(f, delimiter=";"))
    ours = [r for r in shown if r["guest_code"] == "-42"]
    assert [(r["night"], r["payer_reference"], r["unit"], r["rate"]) for r in ours] == [
        ("2026-11-27", "0012", "01", "1\u00a0950,00 kr"),
        ("2026-11-28", "0012", "01", "1\u00a0950,00 kr"),
    ]
    assert "=1+1" in {r["payer_reference"] for r in shown}  # shown as typed, never computed
    assert {r["posted"] for r in shown} == {"SANT", "FALSKT"}  # Swedish true and false

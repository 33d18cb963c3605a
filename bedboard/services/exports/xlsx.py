"""Exports as real spreadsheets (.xlsx) that a Swedish Excel or LibreOffice opens without an
import dialog: the same columns, header names and values as the CSV, but typed cells.

- dates are dates (shown yyyy-mm-dd, which Swedish Excel reads as its own format);
- amounts are numbers with two decimals in a currency format (`1 950,00 kr` in a Swedish
  Excel): the database keeps öre as integers, the spreadsheet number is made only here, at
  the very edge, because a spreadsheet has no other kind of number;
- counts are integers; `posted` is a true/false cell;
- everything else (codes, references, names, units) is text: `0012` stays `0012`, `-42`
  stays text, and no cell is ever a formula (text is written as text, never guessed).

Each table is one sheet with a frozen header row, a filter over the header and column widths
from the content; a sheet may mark rows as totals (`total_row`), written in bold with the same
number formats (a host family's year under its months). XlsxWriter streams rows in constant
memory, so an export of millions of rows needs no more memory than a CSV. Other parts of the
program (the invoice basis, the host families' compensation) call `write_xlsx` with their own
sheets and, where a column's name does not say its type, their own `kinds`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bedboard.services.exports.export import Export, Progress
from bedboard.services.exports.outfile import partial_file

if TYPE_CHECKING:  # imported when a workbook is written: a CSV export need not load it
    import xlsxwriter

# What a column holds, by its (fixed, machine) name; a sheet can say otherwise in `kinds`.
DATE, MONEY, INTEGER, DECIMAL, BOOLEAN, TEXT = "date", "money", "integer", "decimal", "bool", "text"
COLUMN_KINDS: Mapping[str, str] = {
    "night": DATE,
    "valid_from": DATE,
    "valid_to": DATE,
    "first_night": DATE,
    "last_night": DATE,
    "from": DATE,
    "to": DATE,
    "rate": MONEY,
    "amount": MONEY,
    "max_amount": MONEY,
    "compensation": MONEY,
    "capacity": INTEGER,
    "occupied": INTEGER,
    "held": INTEGER,
    "free": INTEGER,
    "out_of_service": INTEGER,
    "nights": INTEGER,
    "unbilled_nights": INTEGER,
    "people": INTEGER,
    "turnaways": INTEGER,
    "stay_id": INTEGER,
    "occupancy_rate": DECIMAL,
    "posted": BOOLEAN,
}
CURRENCY_SYMBOLS = {"SEK": "kr"}  # how Swedish Excel writes its own currency
MAX_WIDTH = 60
SAMPLE_ROWS = 200  # widths come from the header and the first rows
_SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


@dataclass
class Sheet:
    name: str
    export: Export
    kinds: Mapping[str, str] = field(default_factory=dict)  # column -> kind, over COLUMN_KINDS
    currency: str = "SEK"  # for amounts in a sheet without a currency column
    total_row: Callable[[Sequence[Any]], bool] | None = None  # rows shown in bold


def is_xlsx(path: Path | str, format: str | None = None) -> bool:
    """The format asked for: `format` if given ("csv" or "xlsx"), else the file's suffix."""
    if format:
        return format.lower() == "xlsx"
    return str(path).lower().endswith(".xlsx")


class _Formats:
    """The cell formats of a workbook; `bold` ones for a sheet's total rows."""

    def __init__(self, book: xlsxwriter.Workbook, *, bold: bool = False) -> None:
        self.book = book
        self.weight = {"bold": True} if bold else {}
        self.header = book.add_format({"bold": True, "bottom": 1})
        self.date = book.add_format({"num_format": "yyyy-mm-dd", **self.weight})
        self.integer = book.add_format({"num_format": "0", **self.weight})
        self.decimal = book.add_format({"num_format": "0.00", **self.weight})
        self.text = book.add_format({"num_format": "@", **self.weight})
        self.boolean = book.add_format(self.weight) if bold else None
        self._money: dict[str, Any] = {}

    def money(self, currency: str) -> Any:
        if currency not in self._money:
            symbol = CURRENCY_SYMBOLS.get(currency, currency).replace('"', "")
            self._money[currency] = self.book.add_format(
                {"num_format": f'#,##0.00\\ "{symbol}";-#,##0.00\\ "{symbol}"', **self.weight}
            )
        return self._money[currency]


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _as_number(value: Any, whole: bool) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if whole:
        return int(number) if number == number.to_integral_value() else None
    return float(number)


def _cell_writer(kind: str, formats: _Formats) -> Callable[[Any, int, int, Any, str], int]:
    """A function writing one value of `kind` at (row, col); returns its shown width."""

    def text(ws: Any, row: int, col: int, value: Any, _currency: str) -> int:
        shown = "" if value is None else str(value)
        if shown:
            ws.write_string(row, col, shown, formats.text)
        return len(shown)

    def date(ws: Any, row: int, col: int, value: Any, currency: str) -> int:
        day = _as_date(value) if value not in (None, "") else None
        if day is None:
            return text(ws, row, col, value, currency)
        ws.write_datetime(row, col, dt.datetime(day.year, day.month, day.day), formats.date)
        return 10

    def number(whole: bool, fmt: Any) -> Callable[[Any, int, int, Any, str], int]:
        def write(ws: Any, row: int, col: int, value: Any, currency: str) -> int:
            parsed = _as_number(value, whole) if value not in (None, "") else None
            if parsed is None:
                return text(ws, row, col, value, currency)
            ws.write_number(row, col, parsed, fmt)
            return len(f"{parsed:,.2f}") if not whole else len(str(parsed))

        return write

    def money(ws: Any, row: int, col: int, value: Any, currency: str) -> int:
        parsed = _as_number(value, False) if value not in (None, "") else None
        if parsed is None:
            return text(ws, row, col, value, currency)
        ws.write_number(row, col, parsed, formats.money(currency))
        return len(f"{parsed:,.2f}") + 1 + len(CURRENCY_SYMBOLS.get(currency, currency))

    def boolean(ws: Any, row: int, col: int, value: Any, currency: str) -> int:
        if isinstance(value, bool) or value in ("true", "false"):
            ws.write_boolean(row, col, value is True or value == "true", formats.boolean)
            return 5
        return text(ws, row, col, value, currency)

    return {
        DATE: date,
        MONEY: money,
        INTEGER: number(True, formats.integer),
        DECIMAL: number(False, formats.decimal),
        BOOLEAN: boolean,
    }.get(kind, text)


def _sheet_name(name: str, taken: set[str]) -> str:
    base = (name.translate(_SHEET_NAME_FORBIDDEN).strip("'") or "data")[:31]
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _write_sheet(
    book: xlsxwriter.Workbook,
    formats: tuple[_Formats, _Formats],  # plain, bold
    sheet: Sheet,
    name: str,
    progress: Progress | None,
    every: int,
) -> int:
    ws = book.add_worksheet(name)
    header = list(sheet.export.header)
    kinds = [sheet.kinds.get(c, COLUMN_KINDS.get(c, TEXT)) for c in header]
    writers = [_cell_writer(kind, formats[0]) for kind in kinds]
    bold_writers = [_cell_writer(kind, formats[1]) for kind in kinds]
    currency_col = header.index("currency") if "currency" in header else None
    widths = [len(c) + 3 for c in header]  # room for the filter button
    for col, title in enumerate(header):
        ws.write_string(0, col, title, formats[0].header)
    count = 0
    for count, values in enumerate(sheet.export.rows, start=1):
        currency = sheet.currency
        if currency_col is not None and values[currency_col]:
            currency = str(values[currency_col])
        total = sheet.total_row is not None and sheet.total_row(values)
        for col, (write, value) in enumerate(
            zip(bold_writers if total else writers, values, strict=True)
        ):
            shown = write(ws, count, col, value, currency)
            if count <= SAMPLE_ROWS and shown + 2 > widths[col]:
                widths[col] = shown + 2
        if progress is not None and count % every == 0:
            progress(count)
    if progress is not None:
        progress(count)
    for col, width in enumerate(widths):
        ws.set_column(col, col, min(width, MAX_WIDTH))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(count, 1), max(len(header) - 1, 0))
    return count


def write_xlsx(
    path: Path | str, sheets: Sequence[Sheet], *, progress: Progress | None = None, every: int = 500
) -> int:
    """Write `sheets` as one workbook at `path` (all of it or nothing); returns the rows."""
    import xlsxwriter

    target = Path(path)
    total = 0
    with partial_file(target) as partial:
        book = xlsxwriter.Workbook(
            str(partial),
            {
                "constant_memory": True,
                "tmpdir": str(target.parent),
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        formats = (_Formats(book), _Formats(book, bold=True))
        taken: set[str] = set()
        try:
            for sheet in sheets:
                name = _sheet_name(sheet.name, taken)
                total += _write_sheet(book, formats, sheet, name, progress, every)
        finally:
            book.close()
    return total

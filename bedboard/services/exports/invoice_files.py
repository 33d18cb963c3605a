"""The invoice basis (and the host families' compensation) as a machine file: CSV (the
machine formats of csvio: `450.00`, ISO dates) or xlsx (typed cells: dates, amounts with two
decimals, text as text; a frozen header and a filter). One row per nights line and per
correction, the same columns in both."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import xlsxwriter

from bedboard.services.billing.compensation import COMPENSATION_COLUMNS, Owed
from bedboard.services.billing.invoice import InvoiceBasis
from bedboard.services.csvio import write_csv
from bedboard.services.exports.outfile import atomic_text_file, write_bytes_atomically
from bedboard.services.money import money

INVOICE_COLUMNS = (
    "kind",
    "guest_code",
    "payer_reference",
    "first_night",
    "last_night",
    "nights",
    "rate",
    "amount",
    "currency",
    "reason",
)
NIGHTS_CHANGE = {"rebill": 1, "credit": -1, "adjustment": 0}


def invoice_records(basis: InvoiceBasis) -> Iterator[tuple[Any, ...]]:
    """Typed rows: dates as dates, amounts in minor units."""
    for line in basis.lines:
        yield ("night", line.guest_code, line.reference, line.first_night, line.last_night,
               line.nights, line.rate, line.amount, line.currency, "")  # fmt: skip
    for c in basis.corrections:
        yield (c.kind, c.guest_code, c.reference, c.night, c.night, NIGHTS_CHANGE[c.kind],
               c.amount, c.amount, c.currency, c.reason)  # fmt: skip


def invoice_csv_rows(basis: InvoiceBasis) -> Iterator[list[Any]]:
    for record in invoice_records(basis):
        kind, code, ref, first, last, nights, rate, amount, currency, reason = record
        yield [kind, code, ref, first.isoformat(), last.isoformat(), nights, money(rate),
               money(amount), currency, reason]  # fmt: skip


def write_invoice_csv(stream: IO[str], basis: InvoiceBasis) -> int:
    return write_csv(stream, INVOICE_COLUMNS, invoice_csv_rows(basis))


def save_invoice_csv(path: Path | str, basis: InvoiceBasis) -> int:
    with atomic_text_file(path) as stream:
        return write_invoice_csv(stream, basis)


def render_invoice_xlsx(basis: InvoiceBasis) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(
        basis.payer.name[:31].translate(str.maketrans("[]:*?/\\", "_______"))
    )
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    amount = book.add_format({"num_format": "#,##0.00"})
    sheet.write_row(0, 0, INVOICE_COLUMNS, bold)
    count = 0
    for count, record in enumerate(invoice_records(basis), start=1):
        kind, code, ref, first, last, nights, rate, total, currency, reason = record
        sheet.write_string(count, 0, kind)
        sheet.write_string(count, 1, code)
        sheet.write_string(count, 2, ref)
        sheet.write_datetime(count, 3, first, day)
        sheet.write_datetime(count, 4, last, day)
        sheet.write_number(count, 5, nights)
        sheet.write_number(count, 6, rate / 100, amount)
        sheet.write_number(count, 7, total / 100, amount)
        sheet.write_string(count, 8, currency)
        sheet.write_string(count, 9, reason)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(count, 1), len(INVOICE_COLUMNS) - 1)
    sheet.set_column(0, 2, 16)
    sheet.set_column(3, 4, 12)
    sheet.set_column(6, 7, 12)
    sheet.set_column(9, 9, 40)
    book.close()
    return buffer.getvalue()


def write_invoice_xlsx(path: Path | str, basis: InvoiceBasis) -> int:
    write_bytes_atomically(path, render_invoice_xlsx(basis))
    return len(basis.lines) + len(basis.corrections)


def render_compensation_xlsx(owed: list[Owed]) -> bytes:
    """The compensation rows with typed cells: nights as numbers, amounts with two decimals."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("compensation")
    bold = book.add_format({"bold": True})
    amount = book.add_format({"num_format": "#,##0.00"})
    sheet.write_row(0, 0, COMPENSATION_COLUMNS, bold)
    for row, r in enumerate(owed, start=1):
        fmt = bold if r.is_year else None
        sheet.write_string(row, 0, r.site, fmt)
        sheet.write_string(row, 1, r.area, fmt)
        sheet.write_string(row, 2, r.period, fmt)
        sheet.write_number(row, 3, r.nights, fmt)
        sheet.write_number(row, 4, r.amount / 100, amount)
        sheet.write_string(row, 5, r.currency, fmt)
        sheet.write_number(row, 6, r.nights_without_rate, fmt)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(owed), 1), len(COMPENSATION_COLUMNS) - 1)
    sheet.set_column(0, 1, 20)
    sheet.set_column(4, 4, 12)
    book.close()
    return buffer.getvalue()

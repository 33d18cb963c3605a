"""The invoice basis (and the host families' compensation) as a machine file: CSV (the
machine formats of csvio: `450.00`, ISO dates) or xlsx (the shared writer,
services/exports/xlsx.py: dates, amounts in a currency format, text as text; a frozen header
and a filter). One row per nights line and per correction, the same columns in both."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from bedboard.services.billing.compensation import COMPENSATION_COLUMNS, Owed, compensation_rows
from bedboard.services.billing.invoice import InvoiceBasis
from bedboard.services.csvio import write_csv
from bedboard.services.exports.export import Export
from bedboard.services.exports.outfile import atomic_text_file
from bedboard.services.exports.xlsx import INTEGER, Sheet
from bedboard.services.money import money
from bedboard.states import AdjustmentKind

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
COMPENSATION_KINDS = {"nights_without_rate": INTEGER, "period": "text"}
NIGHTS_CHANGE: dict[str, int] = {
    AdjustmentKind.REBILL: 1,
    AdjustmentKind.CREDIT: -1,
    AdjustmentKind.ADJUSTMENT: 0,
}


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


def invoice_sheet(basis: InvoiceBasis) -> Sheet:
    """One sheet named after the payer, for the shared writer (amounts in a currency format,
    dates as dates, codes and references as text)."""
    return Sheet(basis.payer.name, Export(INVOICE_COLUMNS, invoice_csv_rows(basis)))


def is_year_total(row: Sequence[Any]) -> bool:
    """A compensation row whose period is a year (YYYY), not a month (YYYY-MM)."""
    return len(str(row[COMPENSATION_COLUMNS.index("period")])) == len("YYYY")


def compensation_sheet(owed: list[Owed]) -> Sheet:
    """The compensation rows as the CSV has them, typed by the shared writer; each year's
    total in bold under its months, as the first version's workbook had it."""
    export = Export(COMPENSATION_COLUMNS, compensation_rows(owed))
    return Sheet("compensation", export, kinds=COMPENSATION_KINDS, total_row=is_year_total)

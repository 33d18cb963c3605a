"""Every export the program can write, by name, for the board's export screen: what period it
needs, a sensible file name, and how to build it from an open session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bedboard.db.models import Adjustment, BedNight
from bedboard.errors import BadInput
from bedboard.i18n import N_, _
from bedboard.services.clock import check_period
from bedboard.services.exports.billing import (
    BILLING_COLUMNS,
    BILLING_SUMMARY_COLUMNS,
    adjustment_rows_where,
    billing_lines_statement,
    billing_rows,
    billing_summary,
    night_rows_where,
    summary_rows,
)
from bedboard.services.exports.export import Export
from bedboard.services.exports.inventory import inventory_export
from bedboard.services.exports.occupancy import occupancy_export
from bedboard.services.exports.sql_cells import cursor_rows
from bedboard.services.exports.turnaways import turnaway_export
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right


def billing_export(
    session: Session,
    first: dt.date,
    last: dt.date,
    *,
    currency: str,
    payer_id: int | None = None,
    summary: bool = False,
) -> Export:
    """The billing basis: values for a spreadsheet or names, cells the database formats for
    a CSV file, and how to count the rows (two counts on the night index) for when a progress
    bar is shown; nobody counts when none is."""
    require(session, Right.EXPORT)
    require(session, Right.BILLING)
    check_period(first, last)
    if summary:
        totals = billing_summary(session, first, last, currency=currency, payer_id=payer_id)
        return Export(BILLING_SUMMARY_COLUMNS, summary_rows(totals), total=len(totals))

    def count() -> int:
        where = night_rows_where(first, last, payer_id)
        nights = session.scalar(select(func.count()).select_from(BedNight).where(*where))
        adjustments = session.scalar(
            select(func.count())
            .select_from(Adjustment)
            .join(BedNight, BedNight.id == Adjustment.bed_night_id)
            .where(*adjustment_rows_where(first, last, payer_id))
        )
        return (nights or 0) + (adjustments or 0)

    return Export(
        BILLING_COLUMNS,
        billing_rows(session, first, last, currency=currency, payer_id=payer_id),
        count=count,
        cells=partial(
            cursor_rows,
            session,
            billing_lines_statement(first, last, currency=currency, payer_id=payer_id),
        ),
        lines=True,
    )


Builder = Callable[[Session, dt.date, dt.date, str], Export]


@dataclass(frozen=True)
class ExportKind:
    name: str
    title: str  # N_() marked: translated where shown
    period: str  # "night": one night; "range": from..to; "none": no dates
    build: Builder  # (session, first, last, currency)

    def file_name(self, first: dt.date, last: dt.date, suffix: str = ".csv") -> str:
        if self.period == "night":
            return f"{self.name}-{first}{suffix}"
        if self.period == "range":
            return f"{self.name}-{first}--{last}{suffix}"
        return f"{self.name}{suffix}"


KINDS: tuple[ExportKind, ...] = (
    ExportKind(
        "occupancy",
        N_("Occupancy: one row per unit for a night"),
        "night",
        lambda s, first, _last, _cur: occupancy_export(s, first),
    ),
    ExportKind(
        "occupancy-summary",
        N_("Occupancy summary: one row per site for a night"),
        "night",
        lambda s, first, _last, _cur: occupancy_export(s, first, summary=True),
    ),
    ExportKind(
        "billing",
        N_("Billing basis: every occupied night and adjustment in a period"),
        "range",
        lambda s, first, last, cur: billing_export(s, first, last, currency=cur),
    ),
    ExportKind(
        "billing-summary",
        N_("Billing summary: one row per payer for a period"),
        "range",
        lambda s, first, last, cur: billing_export(s, first, last, currency=cur, summary=True),
    ),
    ExportKind(
        "turnaways",
        N_("Turnaways in a period"),
        "range",
        lambda s, first, last, _cur: turnaway_export(s, first, last),
    ),
    ExportKind(
        "turnaways-summary",
        N_("Turnaways per reason and ISO week"),
        "range",
        lambda s, first, last, _cur: turnaway_export(s, first, last, summary=True),
    ),
    ExportKind(
        "inventory",
        N_("Inventory: sites and units, in the form the inventory import reads"),
        "none",
        lambda s, _first, _last, _cur: inventory_export(s),
    ),
)


def export_kind(name: str) -> ExportKind:
    for kind in KINDS:
        if kind.name == name:
            return kind
    raise BadInput(
        _("unknown export {name!r} (use {value})").format(
            name=name, value=", ".join(k.name for k in KINDS)
        )
    )

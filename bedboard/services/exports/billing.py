"""The billing basis: one row per occupied bed-night in a period (billed or not) and one per
adjustment, credit or rebill of such a night, streamed from the database (a year of a region is
millions of rows); and the summary per payer, aggregated by the database.

A posted night shows its posted rate; a night not yet closed shows the rate that applies to it
now (empty when no rate fits). An adjustment, credit or rebill belongs to the period of the
night it corrects and to the payer named on its own row; its reason is the last column.

The rows are built in one place (`billing_statement` and `billing_rows`) for every reader:
the CSV and xlsx exports, the invoice basis and the board."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Select,
    Subquery,
    case,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from bedboard.db.models import Adjustment, BedNight, Guest, Payer, Rate, Site, Unit
from bedboard.services.beds.nights import NIGHT_PLACES
from bedboard.services.billing.rates import RateBook, rule_statement
from bedboard.services.csvio import neutralise
from bedboard.services.exports.sql_cells import (
    csv_line,
    date_text,
    guarded,
    money_text,
    unindexed,
)
from bedboard.services.money import money
from bedboard.states import AdjustmentKind, NightState

BILLING_COLUMNS = (
    "night",
    "payer",
    "payer_reference",
    "site",
    "unit",
    "guest_code",
    "stay_id",
    "rate",
    "currency",
    "posted",
    "kind",
    "reason",
)
BILLING_SUMMARY_COLUMNS = ("payer", "nights", "amount", "currency", "unbilled_nights")
STREAM_BATCH = 2000


def _period(first: dt.date, last: dt.date) -> list[ColumnElement[bool]]:
    return [BedNight.night >= first, BedNight.night <= last, BedNight.state == NightState.OCCUPIED]


def _joined(stmt: Select[Any], payer_of: Any) -> Select[Any]:
    # not NIGHT_PLACES: the adjustments' rows start from Adjustment and join their bed-night
    return (
        stmt.join(Unit, Unit.id == BedNight.unit_id)
        .join(Site, Site.id == Unit.site_id)
        .join(Guest, Guest.id == BedNight.guest_id)
        .outerjoin(Payer, Payer.id == payer_of)
    )


def night_rows_where(first: dt.date, last: dt.date, payer_id: int | None) -> list[Any]:
    where = _period(first, last)
    if payer_id is not None:
        where.append(BedNight.payer_id == payer_id)
    return where


def adjustment_rows_where(first: dt.date, last: dt.date, payer_id: int | None) -> list[Any]:
    """Adjustments, credits and rebills belong to the payer on their own row. They are few:
    the query starts from them, not from every night of the period."""
    night = unindexed(BedNight.night)
    where = [night >= first, night <= last, BedNight.state == NightState.OCCUPIED]
    if payer_id is not None:
        where.append(Adjustment.payer_id == payer_id)
    return where


def billing_statement(first: dt.date, last: dt.date, payer_id: int | None = None) -> Select[Any]:
    both = _billing_union(first, last, payer_id, _stored)
    return select(both).order_by(*_billing_order(both))


def _billing_order(both: Subquery) -> list[Any]:
    return [both.c.night, both.c.site, both.c.unit, both.c.bed_night_id, both.c.ord]


@dataclass(frozen=True)
class _Arm:
    """What differs between a night's row and its corrections' rows."""

    nights: bool  # the nights themselves: a night not yet closed has its rate looked up
    amount: Any
    currency: Any
    reference: Any
    kind: Any
    reason: Any
    order: Any


def _stored(arm: _Arm) -> list[Any]:
    """The columns as stored, for `billing_rows`."""
    return [
        BedNight.night.label("night"),
        Payer.name.label("payer"),
        arm.reference.label("payer_reference"),
        Site.name.label("site"),
        Unit.label.label("unit"),
        Guest.code.label("guest_code"),
        BedNight.stay_id.label("stay_id"),
        arm.amount.label("rate"),
        arm.currency.label("currency"),
        BedNight.posted_at.label("posted_at"),
        arm.kind.label("kind"),
        arm.reason.label("reason"),
        Unit.site_id.label("site_id"),
        Site.kind.label("site_kind"),
        BedNight.payer_id.label("payer_id"),
        arm.order.label("ord"),
        BedNight.id.label("bed_night_id"),
    ]


def _billing_union(
    first: dt.date,
    last: dt.date,
    payer_id: int | None,
    shape: Callable[[_Arm], list[Any]],
    place: CTE | None = None,
) -> Subquery:
    """The nights and their adjustments, credits and rebills (unordered), in `shape`; with
    `place` (`unit_places`) joined to each row's unit when the shape sorts by it."""
    nights = _joined(
        select(
            *shape(
                _Arm(
                    True,
                    BedNight.rate,
                    BedNight.currency,
                    BedNight.payer_reference,
                    literal("night"),
                    literal(""),
                    literal(0),
                )
            )
        ),
        BedNight.payer_id,
    ).where(*night_rows_where(first, last, payer_id))
    if place is not None:
        nights = nights.join(place, place.c.unit_id == Unit.id)
    adjustments = _joined(
        select(
            *shape(
                _Arm(
                    False,
                    Adjustment.amount,
                    Adjustment.currency,
                    Adjustment.payer_reference,
                    Adjustment.kind,
                    Adjustment.reason,
                    Adjustment.id,
                )
            )
        )
        .select_from(Adjustment)
        .join(BedNight, BedNight.id == unindexed(Adjustment.bed_night_id)),
        Adjustment.payer_id,
    ).where(*adjustment_rows_where(first, last, payer_id))
    if place is not None:
        adjustments = adjustments.join(place, place.c.unit_id == Unit.id)
    return union_all(nights, adjustments).subquery()


def unit_places() -> CTE:
    """Each unit's place in the order of site names, then unit labels, as the database compares
    them: the long export sorts by this number instead of carrying both names to the sort
    beside their cells (a year is a million and a half rows to sort). Materialized: worked out
    once, not folded into every row."""
    in_order = func.row_number().over(order_by=(Site.name, Unit.label))
    return (
        select(Unit.id.label("unit_id"), in_order.label("place"))
        .join(Site, Site.id == Unit.site_id)
        .cte("unit_places")
        .prefix_with("MATERIALIZED")
    )


def _cells(currency: str, place: CTE) -> Callable[[_Arm], list[Any]]:
    """The columns as CSV cells, each the text `write_csv` writes for the value `billing_rows`
    gives (money with two decimals, ISO dates, formula-looking text behind a `'`), formatted
    in the arms before the sort, and the sort keys beside them (the night, the unit's place).
    `currency` (the settings') stands in where a row has none. Each guard takes the bare
    column and what stands in for NULL or '' comes after it: SQLite would evaluate a coalesce()
    inside the guard again for each of its tests, on four cells of every row."""
    fallback = literal(neutralise(currency))

    def shape(arm: _Arm) -> list[Any]:
        rate: ColumnElement[Any] = money_text(arm.amount)
        row_currency: ColumnElement[Any] = func.coalesce(
            func.nullif(guarded(arm.currency), ""), fallback
        )
        if arm.nights:  # a night not yet closed: the rate that applies to it now, if any
            rule = rule_statement(BedNight.night, Unit.site_id, Site.kind, BedNight.payer_id)
            looked_up = func.coalesce(
                rule.add_columns(func.nullif(guarded(Rate.currency), "")).scalar_subquery(),
                fallback,
            )
            open_night = BedNight.posted_at.is_(None)
            rate = case(
                (
                    open_night,
                    func.coalesce(rule.add_columns(money_text(Rate.amount)).scalar_subquery(), ""),
                ),
                else_=rate,
            )
            row_currency = case((open_night, looked_up), else_=row_currency)
        return [
            date_text(BedNight.night).label("night_cell"),
            func.coalesce(guarded(Payer.name), "").label("payer"),
            func.coalesce(guarded(arm.reference), "").label("payer_reference"),
            guarded(Site.name).label("site_cell"),
            guarded(Unit.label).label("unit_cell"),
            guarded(Guest.code).label("guest_code"),
            BedNight.stay_id.label("stay_id"),
            rate.label("rate"),
            row_currency.label("currency"),
            case((BedNight.posted_at.is_(None), "false"), else_="true").label("posted"),
            arm.kind.label("kind"),  # night, or an adjustment's kind: the database checks it
            # a night's reason is the literal '': nothing to guard
            (arm.reason if arm.nights else func.coalesce(guarded(arm.reason), "")).label("reason"),
            BedNight.night.label("night"),
            place.c.place.label("place"),
            arm.order.label("ord"),
            BedNight.id.label("bed_night_id"),
        ]

    return shape


def billing_cells_statement(
    first: dt.date, last: dt.date, *, currency: str, payer_id: int | None = None
) -> Select[Any]:
    """The rows of `billing_rows`, in the same order, as the CSV cells the database writes."""
    place = unit_places()
    both = _billing_union(first, last, payer_id, _cells(currency, place), place)
    return select(*list(both.c)[:12]).order_by(
        both.c.night, both.c.place, both.c.bed_night_id, both.c.ord
    )


# Which of the cells are text a person typed (quoted as csv.writer would when needed); the
# others are numbers, dates, true/false and kinds the database checks.
TEXT_CELLS = (False, True, True, True, True, True, False, False, True, False, False, True)


def billing_lines_statement(
    first: dt.date, last: dt.date, *, currency: str, payer_id: int | None = None
) -> Select[Any]:
    """`billing_cells_statement` with each row as its whole CSV line, as `csv.writer` writes
    it from the cells (issue 16: the CSV writer scanning every character was a fifth of the
    export)."""
    cells = billing_cells_statement(first, last, currency=currency, payer_id=payer_id)
    return cells.with_only_columns(csv_line(list(cells.selected_columns), TEXT_CELLS))


def billing_rows(
    session: Session,
    first: dt.date,
    last: dt.date,
    *,
    currency: str,
    payer_id: int | None = None,
) -> Iterator[list[Any]]:
    """The CSV rows, fetched in batches (a server-side cursor on PostgreSQL). Core rows,
    unpacked as tuples: no ORM row processing per bed-night (a year is millions of them)."""
    book = RateBook.load(session)
    # Per statement: Connection.execution_options() changes the session's connection in place,
    # which would stream (DECLARE CURSOR) every later statement of the transaction too.
    connection = session.connection()
    for (
        night,
        payer,
        payer_reference,
        site,
        unit,
        guest_code,
        stay_id,
        rate,
        row_currency,
        posted_at,
        kind,
        reason,
        site_id,
        site_kind,
        row_payer_id,
        _ord,
        _bed_night_id,
    ) in connection.execute(
        billing_statement(first, last, payer_id), execution_options={"yield_per": STREAM_BATCH}
    ):
        if posted_at is None and kind == "night":
            rule = book.find(night, site_id, site_kind, row_payer_id)
            rate, row_currency = (rule.amount, rule.currency) if rule else (None, currency)
        yield [
            night.isoformat(),
            payer or "",
            payer_reference or "",
            site,
            unit,
            guest_code,
            stay_id,
            money(rate),
            row_currency or currency,
            "false" if posted_at is None else "true",
            kind,
            reason or "",
        ]


@dataclass
class PayerTotal:
    payer: str  # "" for nights nobody pays
    currency: str
    nights: int = 0
    amount: int = 0  # minor units
    unbilled_nights: int = 0


def billing_summary(
    session: Session,
    first: dt.date,
    last: dt.date,
    *,
    currency: str,
    payer_id: int | None = None,
) -> list[PayerTotal]:
    """Per payer and currency: nights, amount (rates plus adjustments, credits and rebills),
    unbilled nights. A rebill adds a night to its payer and a credit takes one away, so a
    corrected night counts once, for the payer it is billed to now. The database groups; only
    nights not yet closed are priced here, per (night, site, payer)."""
    totals: dict[tuple[int | None, str], PayerTotal] = {}
    names = {a: b for a, b in session.execute(select(Payer.id, Payer.name))}

    def total(pid: int | None, cur: str) -> PayerTotal:
        key = (pid, cur)
        if key not in totals:
            totals[key] = PayerTotal(names.get(pid, "") if pid is not None else "", cur)
        return totals[key]

    where = night_rows_where(first, last, payer_id)
    posted = (
        select(BedNight.payer_id, BedNight.currency, func.count(), func.sum(BedNight.rate))
        .where(*where, BedNight.posted_at.is_not(None))
        .group_by(BedNight.payer_id, BedNight.currency)
    )
    for pid, cur, count, amount in session.execute(posted):
        t = total(pid, cur or currency)
        t.nights += count
        t.amount += int(amount or 0)
    book = RateBook.load(session)
    open_nights = (
        select(BedNight.payer_id, BedNight.night, Unit.site_id, Site.kind, func.count())
        .select_from(NIGHT_PLACES)
        .where(*where, BedNight.posted_at.is_(None))
        .group_by(BedNight.payer_id, BedNight.night, Unit.site_id, Site.kind)
    )
    for pid, night, site_id, kind, count in session.execute(open_nights):
        rule = book.find(night, site_id, kind, pid)
        t = total(pid, rule.currency if rule else currency)
        t.nights += count
        t.amount += rule.amount * count if rule else 0
    adjustments = (
        select(
            Adjustment.payer_id,
            Adjustment.currency,
            Adjustment.kind,
            func.count(),
            func.sum(Adjustment.amount),
        )
        .join(BedNight, BedNight.id == Adjustment.bed_night_id)
        .where(*adjustment_rows_where(first, last, payer_id))
        .group_by(Adjustment.payer_id, Adjustment.currency, Adjustment.kind)
    )
    night_change: dict[str, int] = {AdjustmentKind.REBILL: 1, AdjustmentKind.CREDIT: -1}
    for pid, cur, kind, count, amount in session.execute(adjustments):
        t = total(pid, cur)
        t.amount += int(amount or 0)
        t.nights += night_change.get(kind, 0) * count
    by_payer: dict[str, list[PayerTotal]] = defaultdict(list)
    for (pid, _cur), t in totals.items():
        if pid is None:
            if t.nights == 0 and t.amount == 0:
                continue  # every unbilled night was corrected to a payer: nothing to show
            t.unbilled_nights = t.nights
        by_payer[t.payer].append(t)
    billed = sorted((p for p in by_payer if p), key=str.lower)
    ordered = [*billed, ""] if "" in by_payer else billed
    return [t for p in ordered for t in sorted(by_payer[p], key=lambda t: t.currency)]


def summary_rows(totals: list[PayerTotal]) -> Iterator[list[Any]]:
    for t in totals:
        yield [t.payer, t.nights, money(t.amount), t.currency, t.unbilled_nights]

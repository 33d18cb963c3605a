"""The rows of the occupancy export (DESIGN.md fixes the columns): for a CSV file, cells the
database formats (issue 16); for a spreadsheet, `--with-names` and `availability --json`, the
units as the board reads them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Date, DateTime, Select, and_, case, func, literal, select
from sqlalchemy.orm import Session

from bedboard.db.models import BedNight, Payer, Rate, Unit
from bedboard.services.beds.availability import (
    SiteCounts,
    UnitNight,
    availability,
    unit_night_statement,
)
from bedboard.services.beds.units import natural_key
from bedboard.services.billing.rates import rule_statement
from bedboard.services.clock import utcnow
from bedboard.services.exports.export import Export
from bedboard.services.exports.occupancy_rates import fill_rates
from bedboard.services.exports.sql_cells import cursor_rows, guarded, money_text
from bedboard.services.money import money
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right
from bedboard.states import SiteKind, UnitStatus

OCCUPANCY_COLUMNS = (
    "night",
    "site",
    "site_kind",
    "area",
    "room",
    "unit",
    "status",
    "guest_code",
    "stay_id",
    "payer",
    "payer_reference",
    "rate",
    "currency",
    "posted",
)
OCCUPANCY_SUMMARY_COLUMNS = (
    "night",
    "site",
    "site_kind",
    "area",
    "capacity",
    "occupied",
    "held",
    "free",
    "out_of_service",
    "occupancy_rate",
)


def occupancy_record(u: UnitNight) -> dict[str, Any]:
    """One unit as the export and `availability --json` show it."""
    return {
        "night": u.night.isoformat(),
        "site": u.site,
        "site_kind": u.site_kind,
        "area": u.area,
        "room": u.room,
        "unit": u.unit,
        "status": u.status,
        "guest_code": u.guest_code,
        "stay_id": u.stay_id,
        "payer": u.payer,
        "payer_reference": u.payer_reference,
        "rate": money(u.rate),
        "currency": u.currency,
        "posted": u.posted,
    }


def occupancy_rows(units: list[UnitNight]) -> Iterator[list[Any]]:
    for u in units:
        record = occupancy_record(u)
        record["stay_id"] = "" if u.stay_id is None else u.stay_id
        record["posted"] = "true" if u.posted else "false"
        yield [record[c] for c in OCCUPANCY_COLUMNS]


def _as_is(column: Any) -> Any:
    return column


def occupancy_cells_statement(night: dt.date, now: dt.datetime, *, csv: bool = True) -> Select[Any]:
    """Every unit on `night` as the CSV cells of `occupancy_rows` (status with an expired hold
    as free, money with two decimals, formula-looking text behind a `'`, the rate that applies
    now to an occupied night not yet closed), then the raw site, room, label and id to sort by,
    and the raw area for the summary:
    the same row per unit that `availability` reads, without what only the board shows (stay
    spans, visits, households, tags) and with no Python per cell.
    `csv=False`: the values of `occupancy_record` instead (no guard; `posted` as 1 or 0, the
    driver's truth), for `availability --json`."""
    cell: Callable[[Any], Any] = guarded if csv else _as_is
    units = unit_night_statement(BedNight.night == night).add_columns(Unit.site_id).subquery()
    unit_id, site, kind, area, room, label, _tags, state, stay_id, code, *rest = units.c
    payer, reference, rate, currency, posted_at, _hold_id, expires_at = rest[:7]
    site_id = rest[-1]
    # the payer by the name shown, as fill_rates finds it; two levels down, so named
    payer_id = select(Payer.id).where(Payer.name == payer).correlate(units).scalar_subquery()
    rule = rule_statement(literal(night, Date), site_id, kind, payer_id)
    priced_now = and_(state == UnitStatus.OCCUPIED, posted_at.is_(None), rate.is_(None))
    held_out = and_(state == UnitStatus.HELD, expires_at <= literal(now, DateTime))
    no_currency = cell(func.coalesce(currency, ""))
    return select(
        literal(night.isoformat()),
        cell(site),
        kind,  # a site kind: words the database's check allows
        cell(area),
        cell(room),
        cell(label),
        case((state.is_(None), UnitStatus.FREE), (held_out, UnitStatus.FREE), else_=state),
        cell(func.coalesce(code, "")),
        stay_id,  # NULL: the CSV writer's empty cell
        cell(func.coalesce(payer, "")),
        cell(func.coalesce(reference, "")),
        case(
            (
                priced_now,
                func.coalesce(rule.add_columns(money_text(Rate.amount)).scalar_subquery(), ""),
            ),
            else_=money_text(rate),
        ),
        case(
            (
                priced_now,
                func.coalesce(rule.add_columns(cell(Rate.currency)).scalar_subquery(), no_currency),
            ),
            else_=no_currency,
        ),
        case((posted_at.is_(None), "false"), else_="true") if csv else posted_at.is_not(None),
        site,
        room,
        label,
        unit_id,
        area,
    )


SORT_FROM = len(OCCUPANCY_COLUMNS)  # the raw site, room, label, id and area after the cells


def _in_unit_order(session: Session, night: dt.date, *, csv: bool = True) -> list[Sequence[Any]]:
    """The rows of `occupancy_cells_statement` in the board's order (`unit_order`: shelters
    first, then by site name, room and label as people read numbers), sorted here because the
    database's lower() and sort do not read names and numbers as Python does."""
    rows = list(cursor_rows(session, occupancy_cells_statement(night, utcnow(), csv=csv)))
    number_order = lru_cache(maxsize=None)(natural_key)  # labels and rooms repeat
    lower = lru_cache(maxsize=None)(str.lower)

    def key(r: Sequence[Any]) -> tuple[Any, ...]:
        site, room, label, unit_id, _area = r[SORT_FROM:]
        return (
            r[2] != SiteKind.SHELTER,
            lower(site),
            number_order(room),
            number_order(label),
            unit_id,
        )

    rows.sort(key=key)
    return rows


POSTED = OCCUPANCY_COLUMNS.index("posted")


def occupancy_records(session: Session, night: dt.date) -> list[dict[str, Any]]:
    """Every unit on `night` as `occupancy_record` makes it from what `availability` and
    `fill_rates` read, in the board's order, from one query and no object per unit (issue 16:
    `availability --json` against importing SQLAlchemy's ORM)."""
    require(session, Right.SEE_AVAILABILITY)
    values = OCCUPANCY_COLUMNS[:POSTED]
    return [
        dict(zip(values, r, strict=False), posted=bool(r[POSTED]))  # 1 or 0 from SQLite
        for r in _in_unit_order(session, night, csv=False)
    ]


def occupancy_summary_rows(night: dt.date, rows: list[Sequence[Any]]) -> Iterator[list[Any]]:
    """One row per site, in the order of its first unit."""
    by_site: dict[str, list[Sequence[Any]]] = {}
    for r in rows:
        by_site.setdefault(r[SORT_FROM], []).append(r)
    for site, members in by_site.items():
        status = Counter(r[6] for r in members)
        c = SiteCounts(
            site=site,
            site_kind=members[0][2],
            area=members[0][-1],
            capacity=len(members),
            occupied=status[UnitStatus.OCCUPIED],
            held=status[UnitStatus.HELD],
            free=status[UnitStatus.FREE],
            out_of_service=status[UnitStatus.OUT_OF_SERVICE],
            unbilled=0,  # not a column of the summary
        )
        yield [
            night.isoformat(),
            c.site,
            c.site_kind,
            c.area,
            c.capacity,
            c.occupied,
            c.held,
            c.free,
            c.out_of_service,
            f"{c.occupancy_rate:.2f}",
        ]


def occupancy_export(session: Session, night: dt.date, *, summary: bool = False) -> Export:
    """One night is one row per unit: the list is as long as the inventory, not the history.
    A CSV file takes the cells the database makes; a spreadsheet or `--with-names` reads the
    units as the board does (typed values, guest codes as stored)."""
    require(session, Right.EXPORT)
    require(session, Right.SEE_AVAILABILITY)
    if summary:
        rows = _in_unit_order(session, night)
        return Export(OCCUPANCY_SUMMARY_COLUMNS, occupancy_summary_rows(night, rows))

    def units() -> Iterator[list[Any]]:
        yield from occupancy_rows(fill_rates(session, availability(session, night)))

    def cells() -> Iterable[Sequence[Any]]:
        return [r[:SORT_FROM] for r in _in_unit_order(session, night)]

    return Export(
        OCCUPANCY_COLUMNS,
        units(),
        count=lambda: session.scalar(select(func.count()).select_from(Unit)) or 0,
        cells=cells,
    )

"""The rows of the occupancy export (DESIGN.md fixes the columns)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from bedboard.services.beds.availability import UnitNight, availability, site_counts
from bedboard.services.exports.export import Export
from bedboard.services.exports.occupancy_rates import fill_rates
from bedboard.services.money import money
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right

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


def occupancy_summary_rows(units: list[UnitNight]) -> Iterator[list[Any]]:
    night = units[0].night.isoformat() if units else ""
    for c in site_counts(units):
        yield [
            night,
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
    """One night is one row per unit: the list is as long as the inventory, not the history."""
    require(session, Right.EXPORT)
    units = fill_rates(session, availability(session, night))
    if summary:
        return Export(OCCUPANCY_SUMMARY_COLUMNS, occupancy_summary_rows(units))
    return Export(OCCUPANCY_COLUMNS, occupancy_rows(units), total=len(units))

"""Rows of the occupancy export (DESIGN.md fixes the columns)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bedboard.services.availability import UnitNight, site_counts
from bedboard.services.csvio import money

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

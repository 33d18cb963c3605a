"""What every export is (a header, rows streamed from an open session, how many rows to
expect), writing one to a file, and the rows of the occupancy export (DESIGN.md fixes the
columns)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy.orm import Session

from bedboard.services.beds.availability import UnitNight, availability, site_counts
from bedboard.services.exports.csvio import money, write_csv
from bedboard.services.exports.occupancy_rates import fill_rates
from bedboard.services.exports.outfile import atomic_text_file

Progress = Callable[[int], None]


@dataclass
class Export:
    """Rows are produced lazily while the session they came from is still open."""

    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    total: int | None = None  # rows to expect, for a progress bar; None when unknown


def reporting(rows: Iterable[Sequence[Any]], progress: Progress, every: int) -> Iterator[Any]:
    """Pass rows through, telling `progress` how many have gone by every `every` rows."""
    count = 0
    for row in rows:
        yield row
        count += 1
        if count % every == 0:
            progress(count)
    progress(count)


def write_export(
    stream: IO[str],
    export: Export,
    *,
    excel: bool = False,
    progress: Progress | None = None,
    every: int = 500,
) -> int:
    rows = export.rows if progress is None else reporting(export.rows, progress, every)
    return write_csv(stream, export.header, rows, excel=excel)


def write_export_file(
    path: Path | str,
    export: Export,
    *,
    excel: bool = False,
    progress: Progress | None = None,
    every: int = 500,
) -> int:
    """The whole file or nothing under `path`; returns the rows written."""
    with atomic_text_file(path) as stream:
        return write_export(stream, export, excel=excel, progress=progress, every=every)


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
    units = fill_rates(session, availability(session, night))
    if summary:
        return Export(OCCUPANCY_SUMMARY_COLUMNS, occupancy_summary_rows(units))
    return Export(OCCUPANCY_COLUMNS, occupancy_rows(units), total=len(units))

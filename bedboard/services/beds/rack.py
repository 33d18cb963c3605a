"""The rack: units by nights, like a hotel room rack. Each cell is that unit's night, with the
stay it belongs to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bedboard.services.beds.availability import UnitNight, availability
from bedboard.services.clock import nights, utcnow

RACK_NIGHTS = 14


@dataclass(frozen=True)
class Rack:
    nights: list[dt.date]
    units: list[UnitNight]  # one per unit, as on the first night (for names and order)
    cells: dict[tuple[int, dt.date], UnitNight]

    def cell(self, unit_id: int, night: dt.date) -> UnitNight | None:
        return self.cells.get((unit_id, night))


def rack(
    session: Session,
    first: dt.date,
    count: int = RACK_NIGHTS,
    now: dt.datetime | None = None,
) -> Rack:
    now = now or utcnow()
    shown = nights(first, count)
    cells: dict[tuple[int, dt.date], UnitNight] = {}
    units: list[UnitNight] = []
    for night in shown:
        for u in availability(session, night, now):
            cells[(u.unit_id, night)] = u
            if night == first:
                units.append(u)
    return Rack(nights=shown, units=units, cells=cells)

"""The rack: units by nights, like a hotel room rack. Each cell is that unit's night, with the
stay it belongs to.

One query reads the two weeks (every unit with its bed-nights in them), not one per night: at
5,000 units reading the night fourteen times was most of the rack's five seconds. A cell
becomes a UnitNight only when asked for (the rack draws the rows on screen), so 70,000 cells
cost what their rows cost to fetch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from bedboard.db.models import BedNight
from bedboard.services.beds.availability import (
    Lookups,
    UnitNight,
    unit_night,
    unit_night_statement,
    unit_order,
)
from bedboard.services.clock import nights, utcnow
from bedboard.states import UnitStatus

RACK_NIGHTS = 14


@dataclass
class Rack:
    nights: list[dt.date]
    units: list[UnitNight]  # one per unit, as on the first night (for names and order)
    now: dt.datetime
    lookups: Lookups
    rows: dict[tuple[int, dt.date], Any]  # the bed-nights shown, as fetched
    bare: dict[int, Any]  # each unit's row without a bed-night: its free nights
    _made: dict[tuple[int, dt.date], UnitNight] = field(default_factory=dict, repr=False)

    def cell(self, unit_id: int, night: dt.date) -> UnitNight | None:
        """The unit on that night (free if nothing is booked); None outside the rack."""
        key = (unit_id, night)
        made = self._made.get(key)
        if made is not None:
            return made
        row = self.rows.get(key)
        if row is None:
            row = self.bare.get(unit_id)
            if row is None or night not in self.nights:
                return None
        made = self._made[key] = unit_night(row, night, self.now, self.lookups)
        return made

    def row_of(self, unit_id: int) -> tuple[Any, ...]:
        """What a unit's line shows, comparable between two reads: its fetched rows by night."""
        return tuple(self.rows.get((unit_id, n)) for n in self.nights)

    def held(self) -> Iterator[UnitNight]:
        """The holds shown (their expiry reloads the rack)."""
        for (unit_id, night), row in self.rows.items():
            if row.state == UnitStatus.HELD:
                cell = self.cell(unit_id, night)
                if cell is not None:
                    yield cell


class _Bare:
    """A unit's fetched row with its bed-night columns emptied: it reads like the row of a
    night nothing is booked (the unit's own columns come first in unit_night_statement)."""

    UNIT_COLUMNS = 7  # id, site name, kind, area, room, label, tags

    def __init__(self, row: Any) -> None:
        self._values = tuple(v if i < self.UNIT_COLUMNS else None for i, v in enumerate(row))
        self._names = {
            name: (value if i < self.UNIT_COLUMNS else None)
            for i, (name, value) in enumerate(row._mapping.items())
        }

    def __getitem__(self, index: int) -> Any:
        return self._values[index]

    def __getattr__(self, name: str) -> Any:
        try:
            return self._names[name]
        except KeyError:
            raise AttributeError(name) from None


def rack(
    session: Session,
    first: dt.date,
    count: int = RACK_NIGHTS,
    now: dt.datetime | None = None,
) -> Rack:
    now = now or utcnow()
    shown = nights(first, count)
    on = BedNight.night.between(shown[0], shown[-1])
    rows: dict[tuple[int, dt.date], Any] = {}
    bare: dict[int, Any] = {}
    for row in session.execute(unit_night_statement(on)):
        unit_id = row[0]
        if unit_id not in bare:
            bare[unit_id] = _Bare(row)
        if row.night is not None:
            rows[(unit_id, row.night)] = row
    data = Rack(shown, [], now, Lookups.read(session, on), rows, bare)
    units = [data.cell(unit_id, first) for unit_id in bare]
    data.units = sorted((u for u in units if u is not None), key=unit_order)
    return data

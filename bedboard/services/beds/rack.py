"""The rack: units by nights, like a hotel room rack. Each cell is that unit's night, with the
stay it belongs to.

Read in two steps, so the rack paints before the details are in. `rack_grid` (rack_grid.py)
reads what the cells show, in one statement of one row a unit. `rack` reads everything the
detail line and the actions need (payers, holds, stays' spans, visits, households): one query
for the two weeks, not one per night (at 5,000 units reading the night fourteen times was most
of the rack's five seconds), and a cell becomes a UnitNight only when asked for.
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
    PlaceKey,
    UnitNight,
    place_order,
    unit_night,
    unit_night_statement,
)
from bedboard.services.beds.rack_grid import GridCell, RackGrid, rack_grid
from bedboard.services.clock import nights, utcnow
from bedboard.states import UnitStatus

# the grid is read apart from the details (rack_grid.py); the rack's screen takes both from here
__all__ = ["RACK_NIGHTS", "GridCell", "Rack", "RackGrid", "rack", "rack_grid"]

RACK_NIGHTS = 14


@dataclass
class Rack:
    nights: list[dt.date]
    order: list[tuple[int, str]]  # (unit id, SITE/UNIT) of every unit, in the board's order
    now: dt.datetime
    lookups: Lookups
    rows: dict[tuple[int, dt.date], Any]  # the bed-nights shown, as fetched
    bare: dict[int, Any]  # each unit's row without a bed-night: its free nights
    _made: dict[tuple[int, dt.date], UnitNight] = field(default_factory=dict, repr=False)

    @property
    def units(self) -> list[UnitNight]:
        """Every unit as on the first night (made on demand: the table needs only `order`)."""
        first = self.nights[0]
        return [c for unit_id, _ in self.order if (c := self.cell(unit_id, first))]

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

    def __init__(self, row: Any, places: dict[str, int]) -> None:
        self._row = row
        self._places = places  # column name -> its place, shared by every unit

    def __getitem__(self, index: int) -> Any:
        return self._row[index] if index < self.UNIT_COLUMNS else None

    def __getattr__(self, name: str) -> Any:
        try:
            return self[self._places[name]]
        except KeyError:
            raise AttributeError(name) from None


def _order(row: Any) -> PlaceKey:
    """unit_order on a fetched row."""
    return place_order(row.kind, row.name, row.room, row.label)


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
    # Core rows straight from the connection: the ORM's result machinery adds to each of the
    # 70,000 rows and nothing here needs it.
    result = session.connection().execute(unit_night_statement(on))
    places: dict[str, int] = {}
    for place, name in enumerate(result.keys()):
        places.setdefault(name, place)  # the first of two `id`s is the unit's
    for row in result:
        unit_id = row[0]
        if unit_id not in bare:
            bare[unit_id] = _Bare(row, places)
        if row.night is not None:
            rows[(unit_id, row.night)] = row
    lookups = Lookups.read_range(session, shown[0], shown[-1], rows.values())
    units = sorted(bare.values(), key=_order)
    order = [(u[0], f"{u[1]}/{u.label}") for u in units]
    return Rack(shown, order, now, lookups, rows, bare)

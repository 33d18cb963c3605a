"""The rack: units by nights, like a hotel room rack. Each cell is that unit's night, with the
stay it belongs to.

Read in two steps, so the rack paints before the details are in. `rack_grid` reads what the
cells show (a state, a guest code, whether anyone pays, whether a stay starts) in two lean
statements: the units, and the two weeks' bed-nights with four narrow columns; a cell is a
plain tuple. `rack` reads everything the detail line and the actions need (payers, holds,
stays' spans, visits, households): one query for the two weeks, not one per night (at 5,000
units reading the night fourteen times was most of the rack's five seconds), and a cell
becomes a UnitNight only when asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, and_, func, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased

from bedboard.db.models import Adjustment, BedNight, Guest, Hold, Site, Unit
from bedboard.services.beds.availability import (
    Lookups,
    PlaceKey,
    UnitNight,
    place_order,
    unit_night,
    unit_night_statement,
)
from bedboard.services.beds.units import natural_key
from bedboard.services.clock import nights, utcnow
from bedboard.states import AdjustmentKind, SiteKind, UnitStatus

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


# A cell of the grid: None (free), or (state, guest code, the stay starts here, nobody pays).
GridCell = tuple[str, str, bool, bool] | None


@dataclass(frozen=True)
class RackGrid:
    """What the rack draws, and nothing more: every unit's line of nights, as plain tuples
    that compare equal when the line looks the same (a new read repaints only changed lines)."""

    nights: list[dt.date]
    order: list[tuple[int, str]]  # (unit id, SITE/UNIT) of every unit, in the board's order
    lines: dict[int, tuple[GridCell, ...]]  # unit id -> its cells, night by night
    codes: frozenset[str]  # the guest codes shown (the nights' width follows the longest)


def rack_grid(session: Session, shown: list[dt.date], now: dt.datetime) -> RackGrid:
    """The grid of the nights `shown` (consecutive), as at `now` (a hold that ran out is free)."""
    connection = session.connection()  # Core rows: 70,000 of them, the ORM adds nothing here
    units = list(
        connection.execute(
            select(Unit.id, Site.name, Site.kind, Unit.room, Unit.label).join(
                Site, Site.id == Unit.site_id
            )
        )
    )
    units.sort(key=lambda u: (u[2] != SiteKind.SHELTER, u[1].lower(), *_labels(u[3], u[4])))
    # a night comes as its ISO text from SQLite and as a date from PostgreSQL (type_coerce
    # below skips converting 56,000 of them): either finds its place
    place: dict[object, int] = {n: i for i, n in enumerate(shown)}
    place.update({n.isoformat(): i for i, n in enumerate(shown)})
    empty: list[GridCell] = [None] * len(shown)
    lines: dict[int, list[GridCell]] = {}
    stays: dict[tuple[int, int], int] = {}  # (unit, place) -> the stay on that night
    rows = connection.execute(_grid_statement(shown[0], shown[-1], now)).all()
    for unit_id, night, state, stay, code, unbilled in rows:
        i = place[night]
        line = lines.get(unit_id)
        if line is None:
            line = lines[unit_id] = empty.copy()
        if stay is not None:
            stays[unit_id, i] = stay
        line[i] = (state, code or "", stay is not None, unbilled)
    for (unit_id, i), stay in stays.items():  # a stay that began the night before goes on
        if i and stays.get((unit_id, i - 1)) == stay:
            cell = lines[unit_id][i]
            assert cell is not None
            lines[unit_id][i] = (cell[0], cell[1], False, cell[3])
    blank = tuple(empty)
    return RackGrid(
        shown,
        [(u[0], f"{u[1]}/{u[4]}") for u in units],
        {u[0]: tuple(lines[u[0]]) if u[0] in lines else blank for u in units},
        frozenset(r[4] for r in rows if r[4] is not None),
    )


def _labels(room: str, label: str) -> tuple[tuple[object, ...], tuple[object, ...]]:
    return natural_key(room), natural_key(label)


def _grid_statement(first: dt.date, last: dt.date, now: dt.datetime) -> Any:
    """The bed-nights of the nights first..last with what a cell shows, less the holds that have
    run out (free, here as everywhere). Nobody pays: no payer, nor a latest rebill's payer (a
    closed night moved by a correction)."""
    rebill = aliased(Adjustment)
    latest = (
        select(func.max(Adjustment.id))
        .where(Adjustment.bed_night_id == BedNight.id, Adjustment.kind == AdjustmentKind.REBILL)
        .correlate(BedNight)
        .scalar_subquery()
    )
    rebilled = select(rebill.id).where(rebill.id == latest, rebill.payer_id.is_not(None)).exists()
    unbilled = and_(BedNight.state == UnitStatus.OCCUPIED, BedNight.payer_id.is_(None), ~rebilled)
    return (
        select(
            BedNight.unit_id,
            type_coerce(BedNight.night, String),
            BedNight.state,
            BedNight.stay_id,
            Guest.code,
            unbilled,
        )
        .outerjoin(Guest, Guest.id == BedNight.guest_id)
        .outerjoin(Hold, Hold.id == BedNight.hold_id)
        .where(
            BedNight.night.between(first, last),
            or_(BedNight.state != UnitStatus.HELD, Hold.expires_at > now),
        )
    )

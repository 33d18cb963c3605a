"""The rack: units by nights, like a hotel room rack. Each cell is that unit's night, with the
stay it belongs to.

Read in two steps, so the rack paints before the details are in. `rack_grid` reads what the
cells show (a state, a guest code, whether anyone pays, whether a stay starts) in one
statement of one row a unit, its two weeks packed into text by the database; a cell is a
plain tuple. `rack` reads everything the detail line and the actions need (payers, holds,
stays' spans, visits, households): one query for the two weeks, not one per night (at 5,000
units reading the night fourteen times was most of the rack's five seconds), and a cell
becomes a UnitNight only when asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, and_, case, cast, func, or_, select
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
    connection = session.connection()  # Core rows: the ORM adds nothing here
    units = list(connection.execute(_grid_statement(shown, now)))
    units.sort(key=lambda u: (u[2] != SiteKind.SHELTER, u[1].lower(), *_labels(u[3], u[4])))
    blank: tuple[GridCell, ...] = (None,) * len(shown)
    lines: dict[int, tuple[GridCell, ...]] = {}
    codes: set[str] = set()
    known: dict[str, _Known] = {}
    for unit_id, _site, _kind, _room, _label, offsets, packed in units:
        if offsets is None:
            lines[unit_id] = blank
            continue
        places = [int(i) for i in offsets.split(" ")]
        cells = packed.split(_SEPARATOR)
        if len(cells) != len(places):  # a guest code holds the separator: read that unit's rows
            found = connection.execute(_cells_statement(shown, now, unit_id)).all()
            places, cells = [i for i, _ in found], [c for _, c in found]
        lines[unit_id] = _line(blank, zip(places, cells, strict=True), known, codes)
    return RackGrid(shown, [(u[0], f"{u[1]}/{u[4]}") for u in units], lines, frozenset(codes))


# A packed cell read once: its stay, and its cell as a stay's first night and as a night after
_Known = tuple[str, GridCell, GridCell]


def _line(
    blank: tuple[GridCell, ...],
    cells: Iterable[tuple[int, str]],
    known: dict[str, _Known],
    codes: set[str],
) -> tuple[GridCell, ...]:
    """A unit's line from its (night's place, packed cell) pairs, in any order. `known` keeps
    the cells already read (a stay's nights pack alike) and `codes` gets the codes seen."""
    line = list(blank)
    last, last_stay = -2, ""
    for i, packed in sorted(cells):  # by night: a stay that began the night before goes on
        cell = known.get(packed)
        if cell is None:
            state, stay, rest = packed.split(" ", 2)
            code, unbilled = rest[1:], rest[0] == "1"
            if state == UnitStatus.OCCUPIED:
                codes.add(code)
            cell = known[packed] = (
                stay,
                (state, code, bool(stay), unbilled),
                (state, code, False, unbilled),
            )
        stay = cell[0]
        line[i] = cell[2] if stay == last_stay and i == last + 1 else cell[1]
        last, last_stay = i, stay
    return tuple(line)


def _labels(room: str, label: str) -> tuple[tuple[object, ...], tuple[object, ...]]:
    return natural_key(room), natural_key(label)


# Between a unit's cells in its packed row: a guest code is printable text (clean_text), so it
# never holds this; one that did anyway would show as a count that does not match, and that
# unit is read row by row.
_SEPARATOR = "\x1f"


def _grid_statement(shown: list[dt.date], now: dt.datetime) -> Any:
    """Every unit (id, site name, site kind, room, label) with its cells packed into two texts:
    the nights' places ("0 1 5") and the cells, in the same order. One row a unit, not one a
    bed-night: the database joins 70,000 cells into 5,000 texts far faster than Python reads
    them as rows (issue 16)."""
    cells = _cells_statement(shown, now).subquery()
    packed = (
        select(
            cells.c.unit_id,
            func.aggregate_strings(cast(cells.c.place, String), " ").label("places"),
            func.aggregate_strings(cells.c.cell, _SEPARATOR).label("cells"),
        )
        .group_by(cells.c.unit_id)
        .subquery()
    )
    return (
        select(
            Unit.id, Site.name, Site.kind, Unit.room, Unit.label, packed.c.places, packed.c.cells
        )
        .join(Site, Site.id == Unit.site_id)
        .outerjoin(packed, packed.c.unit_id == Unit.id)
    )


def _cells_statement(shown: list[dt.date], now: dt.datetime, unit_id: int | None = None) -> Any:
    """The cells of the nights shown: (unit id, the night's place, "STATE STAY UCODE"; STAY is
    empty without a stay, U is 1 if nobody pays), less the holds that have run out (free, here
    as everywhere). Nobody pays: no payer, nor a latest rebill's payer (a closed night moved by
    a correction); asked only of occupied nights nobody is set to pay, a few in a hundred."""
    rebill = aliased(Adjustment)
    latest = (
        select(func.max(Adjustment.id))
        .where(Adjustment.bed_night_id == BedNight.id, Adjustment.kind == AdjustmentKind.REBILL)
        .correlate(BedNight)
        .scalar_subquery()
    )
    rebilled = select(rebill.id).where(rebill.id == latest, rebill.payer_id.is_not(None)).exists()
    unbilled = case(
        (and_(BedNight.state == UnitStatus.OCCUPIED, BedNight.payer_id.is_(None), ~rebilled), "1"),
        else_="0",
    )
    place = case({night: i for i, night in enumerate(shown)}, value=BedNight.night)
    cell = (
        BedNight.state
        + " "
        + func.coalesce(cast(BedNight.stay_id, String), "")
        + " "
        + unbilled
        + func.coalesce(Guest.code, "")
    )
    statement = (
        select(BedNight.unit_id, place.label("place"), cell.label("cell"))
        .outerjoin(Guest, Guest.id == BedNight.guest_id)
        .outerjoin(Hold, Hold.id == BedNight.hold_id)
        .where(
            BedNight.night.between(shown[0], shown[-1]),
            or_(BedNight.state != UnitStatus.HELD, Hold.expires_at > now),
        )
    )
    if unit_id is None:
        return statement
    return statement.with_only_columns(place, cell).where(BedNight.unit_id == unit_id)

"""The rack's grid: what each cell of the rack shows (a state, a guest code, whether a stay
starts there, whether anyone pays), read before the details (rack.py) so the rack paints first.

5,000 units by 14 nights are 70,000 cells. The database packs each unit's two weeks into one
row (group_concat on SQLite, string_agg on PostgreSQL), so Python reads 5,000 rows, not 70,000
(issue 16); and a unit's packed row becomes cells only when its line is asked for: the table
draws the screenful in view, and making every cell up front was a quarter of the read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import String, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session, aliased

from bedboard.db.models import Adjustment, BedNight, Guest, Hold, Site, Unit
from bedboard.services.beds.units import natural_key
from bedboard.states import AdjustmentKind, SiteKind, UnitStatus

# A cell of the grid: None (free), or (state, guest code, the stay starts here, nobody pays).
GridCell = tuple[str, str, bool, bool] | None
Line = tuple[GridCell, ...]

# Between a unit's cells in its packed row: a guest code is printable text (clean_text), so it
# never holds this; one that did anyway would show as a count that does not match, and that
# unit is read row by row.
SEPARATOR = "\x1f"
# The code of every occupied cell in packed rows ("occupied STAY UCODE", see _cells_statement)
_OCCUPIED_CODE = re.compile(f"(?:^|{SEPARATOR}){UnitStatus.OCCUPIED} [0-9]+ [01]([^{SEPARATOR}]*)")


class Packed(NamedTuple):
    """A unit's nights as the database packed them: the nights' places ("0 1 5") and their
    cells, in the same order. Two reads that pack a unit alike draw its line alike."""

    places: str
    cells: str


def line_of(packed: Packed | Line, width: int) -> Line:
    """A unit's line of `width` nights from its packed row (a line read row by row is itself)."""
    if not isinstance(packed, Packed):
        return packed
    places = [int(i) for i in packed.places.split(" ")]
    return _line(width, zip(places, packed.cells.split(SEPARATOR), strict=True))


def _line(width: int, cells: Iterable[tuple[int, str]]) -> Line:
    """A line from its (night's place, cell) pairs, in any order."""
    line: list[GridCell] = [None] * width
    last, last_stay = -2, ""
    for i, cell in sorted(cells):  # by night: a stay that began the night before goes on
        state, stay, rest = cell.split(" ", 2)
        starts = bool(stay) and not (stay == last_stay and i == last + 1)
        line[i] = (state, rest[1:], starts, rest[0] == "1")
        last, last_stay = i, stay
    return tuple(line)


class GridLines(Mapping[int, Line]):
    """Every unit's line (unit id -> its cells, night by night), made from its packed row when
    first asked for."""

    def __init__(self, width: int, packed: dict[int, Packed | Line]) -> None:
        self._width = width
        self._packed = packed
        self._made: dict[int, Line] = {}

    def __getitem__(self, unit_id: int) -> Line:
        line = self._made.get(unit_id)
        if line is None:
            line = self._made[unit_id] = line_of(self._packed[unit_id], self._width)
        return line

    def __iter__(self) -> Iterator[int]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)

    def packed(self, unit_id: int) -> Packed | Line:
        """The unit's line as read (line_of makes it cells): cheap to keep and to compare."""
        return self._packed[unit_id]


@dataclass(frozen=True)
class RackGrid:
    """What the rack draws, and nothing more: every unit's line of nights."""

    nights: list[dt.date]
    order: list[tuple[int, str]]  # (unit id, SITE/UNIT) of every unit, in the board's order
    lines: GridLines  # unit id -> its cells, night by night
    codes: frozenset[str]  # the guest codes shown (the nights' width follows the longest)


def rack_grid(session: Session, shown: list[dt.date], now: dt.datetime) -> RackGrid:
    """The grid of the nights `shown` (consecutive), as at `now` (a hold that ran out is free)."""
    connection = session.connection()  # Core rows: the ORM adds nothing here
    units = list(connection.execute(_grid_statement(shown, now)))
    units.sort(key=lambda u: (u[2] != SiteKind.SHELTER, u[1].lower(), *_labels(u[3], u[4])))
    blank: Line = (None,) * len(shown)
    packed: dict[int, Packed | Line] = {}
    codes: set[str] = set()
    for unit_id, _site, _kind, _room, _label, places, cells in units:
        if places is None:
            packed[unit_id] = blank
        elif cells.count(SEPARATOR) == places.count(" "):
            packed[unit_id] = Packed(places, cells)
        else:  # a guest code holds the separator: read that unit's rows
            found = connection.execute(_cells_statement(shown, now, unit_id)).all()
            line = packed[unit_id] = _line(len(shown), ((i, c) for i, c in found))
            codes.update(c[1] for c in line if c and c[0] == UnitStatus.OCCUPIED)
    everything = SEPARATOR.join(p.cells for p in packed.values() if isinstance(p, Packed))
    codes.update(_OCCUPIED_CODE.findall(everything))
    return RackGrid(
        shown,
        [(u[0], f"{u[1]}/{u[4]}") for u in units],
        GridLines(len(shown), packed),
        frozenset(codes),
    )


def _labels(room: str, label: str) -> tuple[tuple[object, ...], tuple[object, ...]]:
    return natural_key(room), natural_key(label)


def _grid_statement(shown: list[dt.date], now: dt.datetime) -> Any:
    """Every unit (id, site name, site kind, room, label) with its cells packed into two texts:
    the nights' places ("0 1 5") and the cells, in the same order (both aggregates of one group
    see its rows in one order). One row a unit, not one a bed-night: the database joins 70,000
    cells into 5,000 texts far faster than Python reads them as rows (issue 16)."""
    cells = _cells_statement(shown, now).subquery()
    packed = (
        select(
            cells.c.unit_id,
            func.aggregate_strings(cast(cells.c.place, String), " ").label("places"),
            func.aggregate_strings(cells.c.cell, SEPARATOR).label("cells"),
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
    a correction); asked only of occupied nights nobody is set to pay, a few in a hundred.
    With `unit_id`, that unit's (place, cell) pairs."""
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

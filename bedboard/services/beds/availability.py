"""What every unit is doing on one night. An expired hold counts as free here and everywhere,
without any job having to run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, fields, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from bedboard.db.models import Adjustment, BedNight, Guest, Hold, Payer, Site, Unit
from bedboard.services.beds.units import natural_key, split_tags
from bedboard.services.clock import utcnow
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right
from bedboard.states import AdjustmentKind, SiteKind, UnitStatus

STATUSES = tuple(UnitStatus)


@dataclass(frozen=True)
class UnitNight:
    night: dt.date
    unit_id: int
    site: str
    site_kind: str
    area: str
    room: str
    unit: str
    tags: tuple[str, ...]
    status: str
    guest_code: str = ""
    stay_id: int | None = None
    payer: str = ""
    payer_reference: str = ""
    rate: int | None = None
    currency: str = ""
    posted: bool = False
    hold_id: int | None = None
    hold_expires_at: dt.datetime | None = None
    held_for: str = ""
    reason: str = ""
    first_night: dt.date | None = None  # of the stay: the nights in this unit
    last_night: dt.date | None = None
    # Of the visit: the guest's consecutive nights, across a move from one unit to another.
    visit_first: dt.date | None = None
    visit_last: dt.date | None = None
    household_head: str = ""  # the first member's code, when the guest is in a household
    household_size: int = 0

    @property
    def guest_label(self) -> str:
        """`G-201 +2` on the household's first member: the family reads as one."""
        extra = self.household_size - 1
        if self.household_head and self.household_head == self.guest_code and extra > 0:
            return f"{self.guest_code} +{extra}"
        return self.guest_code

    @property
    def ref(self) -> str:
        return f"{self.site}/{self.unit}"

    @property
    def unbilled(self) -> bool:
        return self.status == UnitStatus.OCCUPIED and not self.payer


def availability(
    session: Session,
    night: dt.date,
    now: dt.datetime | None = None,
    unit_ids: Collection[int] | None = None,
    *,
    with_visits: bool = True,
) -> list[UnitNight]:
    """Every unit on `night`, or only those of `unit_ids` (a board reading what changed).
    Without visits, stays' spans, visits and households are not read and their fields stay
    empty: for a list that shows none of them (`availability --json`)."""
    require(session, Right.SEE_AVAILABILITY)
    now = now or utcnow()
    on = BedNight.night == night
    stmt = unit_night_statement(on)
    if unit_ids is not None:
        stmt = stmt.where(Unit.id.in_(unit_ids))
        on = and_(on, BedNight.unit_id.in_(unit_ids))
    rows = session.connection().execute(stmt).all()  # Core rows: no ORM loading per row
    lookups = Lookups.read(session, on) if with_visits else NO_LOOKUPS
    result = [unit_night(r, night, now, lookups) for r in rows]
    result.sort(key=unit_order)
    return result


PlaceKey = tuple[bool, str, tuple[object, ...], tuple[object, ...]]


def place_order(site_kind: str, site: str, room: str, unit: str) -> PlaceKey:
    """Shelters first, then by site, room and unit, numbers by their value (2 before 10)."""
    return (site_kind != SiteKind.SHELTER, site.lower(), natural_key(room), natural_key(unit))


def unit_order(u: UnitNight) -> PlaceKey:
    return place_order(u.site_kind, u.site, u.room, u.unit)


STAY_PLACE, CODE_PLACE, NIGHT_PLACE = 8, 9, 19  # columns of unit_night_statement


def unit_night_statement(on: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    """Every unit with its bed-nights that match `on` (one night, or the rack's two weeks): a
    unit with none comes once, its bed-night columns empty (free). The last column is the
    bed-night's night."""
    # A closed night moved to another payer by a correction shows who it is billed to now:
    # its latest rebill's payer, reference and amount (rebills are few; the posted row stays).
    latest_rebill = (
        select(func.max(Adjustment.id).label("id"))
        .where(Adjustment.kind == AdjustmentKind.REBILL)
        .group_by(Adjustment.bed_night_id)
        .subquery()
    )
    rebill = aliased(Adjustment)
    rebill_payer = aliased(Payer)
    stmt = (
        select(
            Unit.id,
            Site.name,
            Site.kind,
            Site.area,
            Unit.room,
            Unit.label,
            Unit.tags,
            BedNight.state,
            BedNight.stay_id,
            Guest.code,
            func.coalesce(rebill_payer.name, Payer.name),
            func.coalesce(rebill.payer_reference, BedNight.payer_reference).label(
                "payer_reference"
            ),
            func.coalesce(rebill.amount, BedNight.rate).label("rate"),
            func.coalesce(rebill.currency, BedNight.currency).label("currency"),
            BedNight.posted_at,
            Hold.id,
            Hold.expires_at,
            Hold.held_for,
            BedNight.reason,
            BedNight.night,
        )
        .join(Site, Site.id == Unit.site_id)
        .outerjoin(BedNight, and_(BedNight.unit_id == Unit.id, on))
        .outerjoin(Guest, Guest.id == BedNight.guest_id)
        .outerjoin(Payer, Payer.id == BedNight.payer_id)
        .outerjoin(Hold, Hold.id == BedNight.hold_id)
        .outerjoin(
            rebill,
            and_(
                rebill.bed_night_id == BedNight.id,
                rebill.id.in_(select(latest_rebill.c.id)),
            ),
        )
        .outerjoin(rebill_payer, rebill_payer.id == rebill.payer_id)
    )
    return stmt


@dataclass(frozen=True)
class Lookups:
    """What a unit's night shows beyond its own row, for the bed-nights that match `on`: each
    stay's first and last night, each guest's stays (a visit runs across moves), households."""

    spans: dict[int, tuple[dt.date, dt.date]]
    visits: dict[str, list[tuple[dt.date, dt.date]]]
    families: dict[str, tuple[str, int]]

    @classmethod
    def read(cls, session: Session, on: ColumnElement[bool]) -> Lookups:
        spans, visits = _stays_around(session, on)
        return cls(spans, visits, _households(session, on))

    @classmethod
    def read_range(
        cls, session: Session, first: dt.date, last: dt.date, rows: Iterable[Any]
    ) -> Lookups:
        """The same for the nights first..last whose bed-nights (`rows`, fetched by
        unit_night_statement) are in hand: only stays on the first or last night can reach
        beyond them, so only those are read; the rest come from the rows."""
        spans, visits = _stays_around(session, BedNight.night.in_([first, last]))
        inner: dict[int, list[dt.date]] = {}
        codes: dict[int, str] = {}
        for r in rows:  # by place, not name: tens of thousands of rows
            stay, night = r[STAY_PLACE], r[NIGHT_PLACE]
            if stay is None or stay in spans:
                continue
            found = inner.setdefault(stay, [night, night])
            found[0], found[1] = min(found[0], night), max(found[1], night)
            if r[CODE_PLACE] is not None:
                codes[stay] = r[CODE_PLACE]
        for stay, (begin, end) in inner.items():
            spans[stay] = (begin, end)
            code = codes.get(stay)
            if code is not None:
                visits.setdefault(code, []).append((begin, end))
        return cls(spans, visits, _households(session, BedNight.night.between(first, last)))


NO_LOOKUPS = Lookups({}, {}, {})


def unit_night(r: Any, night: dt.date, now: dt.datetime, lookups: Lookups) -> UnitNight:
    """One row of unit_night_statement as the unit's `night` (a row without a bed-night is a
    free night; an expired hold is free too). Columns by place, not by name: 5,000 of these
    are the board's start-up."""
    state, stay_id, code, expires_at = r[7], r[8], r[9], r[16]
    status = state or UnitStatus.FREE  # the stored string, or free (no row)
    if status == UnitStatus.HELD and expires_at is not None and expires_at <= now:
        status = UnitStatus.FREE
    live = status != UnitStatus.FREE
    span = lookups.spans.get(stay_id) if stay_id is not None else None
    visits = lookups.visits.get(code) if code else None
    visit = _run_holding(night, visits) if visits else None
    family = lookups.families.get(code, NO_FAMILY) if code else NO_FAMILY
    return _made(
        night,
        r[0],  # unit id
        r[1],  # site
        r[2],  # site kind
        r[3],  # area
        r[4],  # room
        r[5],  # unit label
        split_tags(r[6]),
        status,
        code or "",
        stay_id,
        r[10] or "",  # payer
        r[11] or "",  # payer reference
        r[12],  # rate
        r[13] or "",  # currency
        r[14] is not None,  # posted
        r[15] if live else None,  # hold id
        expires_at if live else None,
        (r[17] or "") if live else "",  # held for
        r[18] or "",  # reason
        span[0] if span else None,
        span[1] if span else None,
        visit[0] if visit else None,
        visit[1] if visit else None,
        *family,
    )


NO_FAMILY = ("", 0)
_FIELDS = tuple(f.name for f in fields(UnitNight))


def _made(*values: Any) -> UnitNight:
    """A UnitNight from every field's value in order. The frozen dataclass's __init__ sets each
    of its 26 fields through object.__setattr__, a third of reading a night; this fills the
    same instance dict at once (equality, hashing and repr are the dataclass's own)."""
    unit = object.__new__(UnitNight)
    unit.__dict__.update(zip(_FIELDS, values, strict=True))
    return unit


Span = tuple[dt.date, dt.date]
CHAIN_CHUNK = 300  # (guest, night) pairs in one statement: SQLite parses an OR that deep


def _stays_around(
    session: Session, on: ColumnElement[bool]
) -> tuple[dict[int, Span], dict[str, list[Span]]]:
    """The first and last night of every stay with a bed-night matching `on`, and for each of
    their guests the stays that make up the visit around them: a visit is the guest's
    consecutive nights, though a move split them into stays (moved on night 3 of 5, the new unit
    shows "3 of 5", not "1 of 3"). A guest's other stays are read only while they join on night
    by night, so a guest's years of earlier visits cost nothing (reading them all took seconds
    with three years of history). Usually one statement; one more for each step of a chain of
    moves that reaches past the stays in hand."""
    spans: dict[int, Span] = {}
    visits: dict[str, list[Span]] = {}
    day = dt.timedelta(days=1)
    joined: set[tuple[int, dt.date]] = set()  # (guest, night) of a stay that adjoins one read
    connection = session.connection()  # Core rows: the ORM's result handling is a third more
    while True:
        rows = connection.execute(_stays_statement(on)).all()  # one fetch, not one a row
        for stay, guest, code, first, last, before, after in rows:
            if stay in spans:
                continue
            spans[stay] = (first, last)
            visits.setdefault(code, []).append((first, last))
            if before is not None and before + day == first:
                joined.add((guest, before))
            if after is not None and after - day == last:
                joined.add((guest, after))
        if not joined:
            return spans, visits
        pairs = [joined.pop() for _ in range(min(CHAIN_CHUNK, len(joined)))]
        on = or_(*(and_(BedNight.guest_id == g, BedNight.night == n) for g, n in pairs))


def _stays_statement(on: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    """Each stay with a bed-night matching `on`: its guest, first and last night, and the guest's
    nearest night before and after it in any stay (through the guest-night index, so a guest's
    history is not read)."""
    shown = select(BedNight.stay_id).where(on, BedNight.stay_id.is_not(None))
    stays = (
        select(
            BedNight.stay_id.label("stay"),
            func.max(BedNight.guest_id).label("guest"),
            func.min(BedNight.night).label("first"),
            func.max(BedNight.night).label("last"),
        )
        .where(BedNight.stay_id.in_(shown))
        .group_by(BedNight.stay_id)
        .subquery()
    )
    other = aliased(BedNight)
    before = select(func.max(other.night)).where(
        other.guest_id == stays.c.guest, other.night < stays.c.first
    )
    after = select(func.min(other.night)).where(
        other.guest_id == stays.c.guest, other.night > stays.c.last
    )
    return select(
        stays.c.stay,
        stays.c.guest,
        Guest.code,
        stays.c.first,
        stays.c.last,
        before.scalar_subquery(),
        after.scalar_subquery(),
    ).join(Guest, Guest.id == stays.c.guest)


def _run_holding(night: dt.date, spans: list[tuple[dt.date, dt.date]]) -> tuple[dt.date, dt.date]:
    """Join stays that follow each other without a night between; the run that holds `night`."""
    day = dt.timedelta(days=1)
    runs: list[list[dt.date]] = []
    for first, last in sorted(spans):
        if runs and first <= runs[-1][1] + day:
            runs[-1][1] = max(runs[-1][1], last)
        else:
            runs.append([first, last])
    for first, last in runs:
        if first <= night <= last:
            return first, last
    return night, night  # unreachable: the guest is in a bed on `night`


def _households(session: Session, on: ColumnElement[bool]) -> dict[str, tuple[str, int]]:
    """guest code -> (the household's first member, its size), for guests in a bed on the
    nights shown who belong to a household. Two small queries, whatever the history."""
    shown = select(BedNight.guest_id).where(on, BedNight.guest_id.is_not(None))
    ids = select(Guest.household_id).where(Guest.id.in_(shown), Guest.household_id.is_not(None))
    rows = session.execute(
        select(Guest.household_id, Guest.id, Guest.code)
        .where(Guest.household_id.in_(ids))
        .order_by(Guest.household_id, Guest.id)
    ).all()
    groups: dict[int | None, list[str]] = {}
    for household_id, _id, code in rows:
        groups.setdefault(household_id, []).append(code)
    return {code: (codes[0], len(codes)) for codes in groups.values() for code in codes}


@dataclass(frozen=True)
class SiteCounts:
    site: str
    site_kind: str
    area: str
    capacity: int
    occupied: int
    held: int
    free: int
    out_of_service: int
    unbilled: int

    @property
    def occupancy_rate(self) -> float:
        usable = self.capacity - self.out_of_service
        return self.occupied / usable if usable else 0.0


def recount(counts: SiteCounts, old: UnitNight, new: UnitNight) -> SiteCounts:
    """A site's counts after one of its units changed from `old` to `new` (a live board's
    change, without counting the site's other units again)."""
    moved = {s: (new.status == s) - (old.status == s) for s in STATUSES}
    return replace(
        counts,
        occupied=counts.occupied + moved[UnitStatus.OCCUPIED],
        held=counts.held + moved[UnitStatus.HELD],
        free=counts.free + moved[UnitStatus.FREE],
        out_of_service=counts.out_of_service + moved[UnitStatus.OUT_OF_SERVICE],
        unbilled=counts.unbilled + new.unbilled - old.unbilled,
    )


def site_counts(units: list[UnitNight]) -> list[SiteCounts]:
    by_site: dict[str, list[UnitNight]] = {}
    for u in units:
        by_site.setdefault(u.site, []).append(u)
    result = []
    for site, members in by_site.items():
        count = {s: sum(1 for u in members if u.status == s) for s in STATUSES}
        result.append(
            SiteCounts(
                site=site,
                site_kind=members[0].site_kind,
                area=members[0].area,
                capacity=len(members),
                occupied=count[UnitStatus.OCCUPIED],
                held=count[UnitStatus.HELD],
                free=count[UnitStatus.FREE],
                out_of_service=count[UnitStatus.OUT_OF_SERVICE],
                unbilled=sum(1 for u in members if u.unbilled),
            )
        )
    return result

"""Figures for the reports screen, each from one aggregate query: occupancy per night (all sites
and per site), held and unbilled nights, turnaways per week, each payer's nights per month.

The database counts; Python only arranges the few hundred or thousand counted rows into series.
Capacity is today's units (the inventory has no history). Held means held by a hold that has not
run out: an expired hold's row lingers until someone takes the unit, but the place is free, as
the board shows it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from bedboard.db.models import BedNight, Hold, Payer, Site, Unit
from bedboard.services.clock import iso_week, utcnow
from bedboard.services.people.turnaways import weekly_counts
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right
from bedboard.states import NightState, SiteKind

UNBILLED = "(unbilled)"


@dataclass
class NightCounts:
    """One night at one site, or at all sites together."""

    night: dt.date
    capacity: int = 0
    occupied: int = 0
    held: int = 0
    out_of_service: int = 0
    unbilled: int = 0

    @property
    def free(self) -> int:
        return max(self.capacity - self.occupied - self.held - self.out_of_service, 0)

    @property
    def occupancy_rate(self) -> float:
        usable = self.capacity - self.out_of_service
        return self.occupied / usable if usable > 0 else 0.0


@dataclass(frozen=True)
class SiteSeries:
    site: str
    site_kind: str
    capacity: int
    nights: list[NightCounts]


@dataclass(frozen=True)
class WeekCount:
    week: str  # ISO week, '2026-W48'
    turnaways: int
    people: int
    by_reason: dict[str, int] = field(default_factory=dict)  # reason -> people


@dataclass(frozen=True)
class PayerMonths:
    payer: str  # UNBILLED for occupied nights nobody pays for
    nights: dict[str, int]  # 'YYYY-MM' -> nights

    @property
    def total(self) -> int:
        return sum(self.nights.values())


@dataclass(frozen=True)
class Report:
    first: dt.date
    last: dt.date
    all_sites: list[NightCounts]  # one per night, first..last
    sites: list[SiteSeries]
    weeks: list[WeekCount]
    months: list[str]  # 'YYYY-MM', oldest first
    payers: list[PayerMonths]

    @property
    def nights(self) -> list[dt.date]:
        return [n.night for n in self.all_sites]


def build_report(
    session: Session,
    last: dt.date,
    nights: int = 30,
    months: int = 6,
    now: dt.datetime | None = None,
) -> Report:
    """The `nights` nights ending with `last`, and the `months` calendar months ending with
    last's month. `now` (naive UTC) decides which holds have run out."""
    require(session, Right.EXPORT)
    first = last - dt.timedelta(days=nights - 1)
    sites = occupancy_per_site(session, first, last, now or utcnow())
    total: list[NightCounts] = []
    for i in range(nights):
        night = first + dt.timedelta(days=i)
        counts = NightCounts(night)
        for s in sites:
            one = s.nights[i]
            counts.capacity += one.capacity
            counts.occupied += one.occupied
            counts.held += one.held
            counts.out_of_service += one.out_of_service
            counts.unbilled += one.unbilled
        total.append(counts)
    month_keys = month_range(last, months)
    return Report(
        first=first,
        last=last,
        all_sites=total,
        sites=sites,
        weeks=turnaways_per_week(session, first, last),
        months=month_keys,
        payers=payer_nights_per_month(session, month_keys, last),
    )


def occupancy_per_site(
    session: Session, first: dt.date, last: dt.date, now: dt.datetime
) -> list[SiteSeries]:
    capacity_stmt = (
        select(Site.id, Site.name, Site.kind, func.count(Unit.id))
        .outerjoin(Unit, Unit.site_id == Site.id)
        .group_by(Site.id, Site.name, Site.kind)
    )
    sites = list(session.execute(capacity_stmt))
    sites.sort(key=lambda s: (s.kind != SiteKind.SHELTER, s.name.lower()))  # as on the board
    unbilled = func.sum(
        case((BedNight.payer_id.is_(None) & (BedNight.state == NightState.OCCUPIED), 1), else_=0)
    )
    counts_stmt = (
        select(Unit.site_id, BedNight.night, BedNight.state, func.count(), unbilled)
        .join(Unit, Unit.id == BedNight.unit_id)
        .outerjoin(Hold, Hold.id == BedNight.hold_id)
        .where(BedNight.night >= first, BedNight.night <= last)
        # an expired hold's lingering row is a free place, as on the board
        .where(or_(BedNight.hold_id.is_(None), Hold.expires_at > now))
        .group_by(Unit.site_id, BedNight.night, BedNight.state)
    )
    found: dict[tuple[int, dt.date], dict[str, int]] = defaultdict(dict)
    for site_id, night, state, count, unpaid in session.execute(counts_stmt):
        cell = found[(site_id, night)]
        cell[state] = count
        cell["unbilled"] = cell.get("unbilled", 0) + int(unpaid or 0)
    days = (last - first).days + 1
    result = []
    for site_id, name, kind, capacity in sites:
        series = []
        for i in range(days):
            night = first + dt.timedelta(days=i)
            cell = found.get((site_id, night), {})
            series.append(
                NightCounts(
                    night,
                    capacity=capacity,
                    occupied=cell.get(NightState.OCCUPIED, 0),
                    held=cell.get(NightState.HELD, 0),
                    out_of_service=cell.get(NightState.OUT_OF_SERVICE, 0),
                    unbilled=cell.get("unbilled", 0),
                )
            )
        result.append(SiteSeries(name, kind, capacity, series))
    return result


def turnaways_per_week(session: Session, first: dt.date, last: dt.date) -> list[WeekCount]:
    """Every ISO week the period touches, empty weeks included (a gap is a figure too)."""
    counts = weekly_counts(session, first, last)
    weeks: dict[str, list[int]] = {}
    reasons: dict[str, dict[str, int]] = defaultdict(dict)
    day = first
    while day <= last:
        weeks.setdefault(iso_week(day), [0, 0])
        day += dt.timedelta(days=1)
    for (week, reason), (turnaways, people) in counts.items():
        weeks[week][0] += turnaways
        weeks[week][1] += people
        reasons[week][reason] = people
    return [WeekCount(w, t, p, reasons.get(w, {})) for w, (t, p) in weeks.items()]


def month_range(last: dt.date, months: int) -> list[str]:
    year, month = last.year, last.month
    keys = []
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


def payer_nights_per_month(session: Session, months: list[str], last: dt.date) -> list[PayerMonths]:
    """Occupied nights per payer and calendar month up to `last` (nights booked ahead are not
    yet nights anyone can bill), the unbilled ones as their own row."""
    first = dt.date.fromisoformat(months[0] + "-01")
    # Grouping by the night itself walks the night index with no function per row; the few
    # thousand (night, payer) groups are folded into months here.
    stmt = (
        select(BedNight.night, BedNight.payer_id, func.count())
        .where(
            BedNight.state == NightState.OCCUPIED, BedNight.night >= first, BedNight.night <= last
        )
        .group_by(BedNight.night, BedNight.payer_id)
    )
    names = {pid: name for pid, name in session.execute(select(Payer.id, Payer.name))}
    by_payer: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for night, payer_id, count in session.execute(stmt):
        payer = names.get(payer_id, UNBILLED) if payer_id is not None else UNBILLED
        by_payer[payer][f"{night.year:04d}-{night.month:02d}"] += count
    rows = [PayerMonths(p, dict(n)) for p, n in by_payer.items() if p != UNBILLED]
    rows.sort(key=lambda p: (-p.total, p.payer.lower()))
    if UNBILLED in by_payer:
        rows.append(PayerMonths(UNBILLED, dict(by_payer[UNBILLED])))
    return rows

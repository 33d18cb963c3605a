"""What each host family is owed: its occupied nights times its compensation rate (what the
family is paid per night, set apart from what payers are billed). A rate is for one host
family site, or for every host family (site kind `host_family`); the site's own rate wins,
then the latest `valid_from`, then the newest. Per family and month, and a year's totals.

Every occupied night counts, closed or not, billed or not: the family housed the guest
whoever pays. A night without a compensation rate is counted apart, never as 0.00."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bedboard.db.models import BedNight, CompensationRate, Site, Unit
from bedboard.errors import BadInput, NotFound
from bedboard.i18n import _
from bedboard.services.beds.nights import NIGHT_PLACES
from bedboard.services.clock import check_period
from bedboard.services.money import money
from bedboard.services.safety import audit
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right
from bedboard.states import NightState
from bedboard.words import applies_to

HOST_FAMILY = "host_family"
COMPENSATION_COLUMNS = (
    "site",
    "area",
    "period",
    "nights",
    "amount",
    "currency",
    "nights_without_rate",
)


def set_compensation_rate(
    session: Session,
    *,
    amount: int,
    currency: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    site: str | None = None,
    site_kind: str | None = None,
    actor: str,
) -> CompensationRate:
    require(session, Right.RATES)
    if amount < 0:
        raise BadInput(_("a compensation rate must not be negative"))
    if valid_to is not None and valid_to < valid_from:
        raise BadInput(
            _("the rate ends ({last}) before it starts ({first})").format(
                last=valid_to, first=valid_from
            )
        )
    if bool(site) == bool(site_kind):
        raise BadInput(_("give either a host family site or the site kind host_family"))
    if site_kind is not None and site_kind != HOST_FAMILY:
        raise BadInput(_("compensation is paid to host families (site kind host_family)"))
    site_id = None
    if site:
        row = session.execute(select(Site.id, Site.kind).where(Site.name == site.strip())).first()
        if row is None:
            raise NotFound(_("no site named {name!r}").format(name=site))
        if row.kind != HOST_FAMILY:
            raise BadInput(
                _("{name} is not a host family; compensation is paid to host families").format(
                    name=site.strip()
                )
            )
        site_id = row.id
    rate = CompensationRate(
        amount=amount,
        currency=currency,
        valid_from=valid_from,
        valid_to=valid_to,
        site_kind=HOST_FAMILY if site_id is None else None,
        site_id=site_id,
    )
    session.add(rate)
    session.flush()
    audit.record(
        session,
        actor,
        "set_compensation_rate",
        f"compensation_rate:{rate.id}",
        amount=amount,
        currency=currency,
        valid_from=valid_from,
        valid_to=valid_to,
        site=site,
    )
    return rate


class CompensationBook:
    def __init__(self, rules: list[CompensationRate]) -> None:
        self.rules = rules

    @classmethod
    def load(cls, session: Session) -> CompensationBook:
        return cls(list(session.scalars(select(CompensationRate).order_by(CompensationRate.id))))

    def find(self, night: dt.date, site_id: int) -> CompensationRate | None:
        best: CompensationRate | None = None
        best_rank: tuple[int, dt.date, int] | None = None
        for r in self.rules:
            if night < r.valid_from or (r.valid_to is not None and night > r.valid_to):
                continue
            if r.site_id is not None and r.site_id != site_id:
                continue
            rank = (1 if r.site_id is not None else 0, r.valid_from, r.id)
            if best_rank is None or rank > best_rank:
                best, best_rank = r, rank
        return best


@dataclass
class Owed:
    site: str
    area: str
    period: str  # "2026-11" for a month, "2026" for a year's total
    currency: str
    nights: int = 0
    amount: int = 0
    nights_without_rate: int = 0

    @property
    def is_year(self) -> bool:
        return len(self.period) == 4


def compensation(
    session: Session,
    first: dt.date,
    last: dt.date,
    *,
    currency: str,
    site: str | None = None,
) -> list[Owed]:
    """Per host family: one row per month, then one per year with that year's total."""
    require(session, Right.BILLING)
    check_period(first, last)
    stmt = (
        select(Unit.site_id, Site.name, Site.area, BedNight.night, func.count())
        .select_from(NIGHT_PLACES)
        .where(
            BedNight.state == NightState.OCCUPIED,
            BedNight.night >= first,
            BedNight.night <= last,
            Site.kind == HOST_FAMILY,
        )
        .group_by(Unit.site_id, Site.name, Site.area, BedNight.night)
    )
    if site is not None:
        found = session.execute(select(Site.id, Site.kind).where(Site.name == site.strip())).first()
        if found is None:
            raise NotFound(_("no site named {name!r}").format(name=site))
        if found.kind != HOST_FAMILY:
            raise BadInput(_("{name} is not a host family").format(name=site.strip()))
        stmt = stmt.where(Unit.site_id == found.id)
    book = CompensationBook.load(session)
    rows: dict[tuple[str, str, str], Owed] = {}

    def owed(name: str, area: str, period: str, cur: str) -> Owed:
        key = (name, period, cur)
        if key not in rows:
            rows[key] = Owed(name, area, period, cur)
        return rows[key]

    for site_id, name, area, night, count in session.execute(stmt):
        rule = book.find(night, site_id)
        cur = rule.currency if rule else currency
        for period in (f"{night.year}-{night.month:02d}", str(night.year)):
            row = owed(name, area, period, cur)
            row.nights += count
            if rule is None:
                row.nights_without_rate += count
            else:
                row.amount += rule.amount * count
    by_site: dict[str, list[Owed]] = defaultdict(list)
    for row in rows.values():
        by_site[row.site].append(row)
    ordered: list[Owed] = []
    for name in sorted(by_site, key=str.lower):
        months = sorted((r for r in by_site[name] if not r.is_year), key=lambda r: r.period)
        years = sorted((r for r in by_site[name] if r.is_year), key=lambda r: r.period)
        for year in years:
            ordered.extend(r for r in months if r.period.startswith(year.period))
            ordered.append(year)
    return ordered


def compensation_rows(owed: list[Owed]) -> Iterator[list[Any]]:
    for r in owed:
        yield [r.site, r.area, r.period, r.nights, money(r.amount), r.currency,
               r.nights_without_rate]  # fmt: skip


@dataclass(frozen=True)
class CompensationRateLine:
    id: int
    amount: int
    currency: str
    valid_from: dt.date
    valid_to: dt.date | None
    applies_to: str


def list_compensation_rates(session: Session) -> list[CompensationRateLine]:
    require(session, Right.BILLING)
    stmt = (
        select(CompensationRate, Site.name)
        .outerjoin(Site, Site.id == CompensationRate.site_id)
        .order_by(CompensationRate.valid_from, CompensationRate.id)
    )
    return [
        CompensationRateLine(
            r.id, r.amount, r.currency, r.valid_from, r.valid_to,
            applies_to(name, r.site_kind),
        )
        for r, name in session.execute(stmt)
    ]  # fmt: skip

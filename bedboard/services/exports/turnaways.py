"""The turnaways export: every turnaway in a period, or a count per reason and ISO week."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bedboard.db.models import Site, Turnaway
from bedboard.services.clock import check_period
from bedboard.services.exports.export import Export
from bedboard.services.people.turnaways import weekly_counts
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right

TURNAWAY_COLUMNS = ("night", "site", "reason", "people", "referred_to", "needs")
TURNAWAY_SUMMARY_COLUMNS = ("week", "reason", "turnaways", "people")


def turnaway_export(
    session: Session, first: dt.date, last: dt.date, *, summary: bool = False
) -> Export:
    require(session, Right.EXPORT)
    check_period(first, last)
    if summary:
        return Export(TURNAWAY_SUMMARY_COLUMNS, _summary_rows(session, first, last))
    total = session.scalar(
        select(func.count()).where(Turnaway.night >= first, Turnaway.night <= last)
    )
    return Export(TURNAWAY_COLUMNS, _rows(session, first, last), total=total or 0)


def _rows(session: Session, first: dt.date, last: dt.date) -> Iterator[list[Any]]:
    stmt = (
        select(
            Turnaway.night,
            Site.name,
            Turnaway.reason,
            Turnaway.people,
            Turnaway.referred_to,
            Turnaway.needs,
        )
        .outerjoin(Site, Site.id == Turnaway.site_id)
        .where(Turnaway.night >= first, Turnaway.night <= last)
        .order_by(Turnaway.night, Turnaway.id)
        .execution_options(yield_per=1000)
    )
    for night, site, reason, people, referred_to, needs in session.execute(stmt):
        yield [night.isoformat(), site or "", reason, people, referred_to, needs]


def _summary_rows(session: Session, first: dt.date, last: dt.date) -> Iterator[list[Any]]:
    for (week, reason), (turnaways, people) in weekly_counts(session, first, last).items():
        yield [week, reason, turnaways, people]

"""The turnaways export: every turnaway in a period, or a count per reason and ISO week."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bedboard.db.models import Site, Turnaway
from bedboard.services.clock import check_period
from bedboard.services.exports.occupancy import Export

TURNAWAY_COLUMNS = ("night", "site", "reason", "people", "referred_to", "needs")
TURNAWAY_SUMMARY_COLUMNS = ("week", "reason", "turnaways", "people")


def iso_week(night: dt.date) -> str:
    """'2026-W48': the ISO year can differ from the calendar year around New Year."""
    year, week, _ = night.isocalendar()
    return f"{year}-W{week:02d}"


def turnaway_export(
    session: Session, first: dt.date, last: dt.date, *, summary: bool = False
) -> Export:
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


def weekly_counts(
    session: Session, first: dt.date, last: dt.date
) -> dict[tuple[str, str], tuple[int, int]]:
    """(ISO week, reason) -> (turnaways, people). The database sums per night and reason;
    folding at most a few hundred of those into weeks is done here, the same on every
    backend (SQLite has no ISO week)."""
    stmt = (
        select(Turnaway.night, Turnaway.reason, func.count(), func.sum(Turnaway.people))
        .where(Turnaway.night >= first, Turnaway.night <= last)
        .group_by(Turnaway.night, Turnaway.reason)
    )
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for night, reason, turnaways, people in session.execute(stmt):
        cell = counts[(iso_week(night), reason)]
        cell[0] += turnaways
        cell[1] += int(people or 0)
    return {key: (c[0], c[1]) for key, c in sorted(counts.items())}


def _summary_rows(session: Session, first: dt.date, last: dt.date) -> Iterator[list[Any]]:
    for (week, reason), (turnaways, people) in weekly_counts(session, first, last).items():
        yield [week, reason, turnaways, people]

"""Turnaways: requests for a place that could not be met. They are the evidence of unmet need."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bedboard.db.models import Turnaway
from bedboard.errors import BadInput
from bedboard.i18n import _
from bedboard.services.clock import iso_week, utcnow
from bedboard.services.lookup import site_id_named
from bedboard.services.people.intake_text import NEEDS
from bedboard.services.safety import audit
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right
from bedboard.services.text import clean_text
from bedboard.states import TurnawayReason, values

TURNAWAY_REASONS = values(TurnawayReason)
MAX_PEOPLE = 50


def record_turnaway(
    session: Session,
    *,
    night: dt.date,
    reason: str,
    people: int = 1,
    site: str | None = None,
    referred_to: str = "",
    needs: str = "",
    actor: str,
) -> Turnaway:
    """`needs`: the needs that could not be met (women_only;children;...), kept with the
    turnaway as evidence of what is missing."""
    if reason not in TURNAWAY_REASONS:
        raise BadInput(
            _("unknown reason {reason!r} (use {value})").format(
                reason=reason, value=", ".join(TURNAWAY_REASONS)
            )
        )
    if not 1 <= people <= MAX_PEOPLE:
        raise BadInput(
            _("people must be from 1 to {MAX_PEOPLE}, not {people}").format(
                MAX_PEOPLE=MAX_PEOPLE, people=people
            )
        )
    site_id = site_id_named(session, site)
    require(session, Right.TURNAWAY, site_ids=[site_id] if site_id is not None else [])
    row = Turnaway(
        night=night,
        site_id=site_id,
        reason=reason,
        people=people,
        referred_to=clean_text(referred_to, Turnaway.referred_to, "referred to"),
        needs=_clean_needs(needs),
        created_at=utcnow(),
        created_by=actor,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "turnaway",
        f"site:{site or ''}",
        night=night,
        reason=reason,
        people=people,
        referred_to=row.referred_to,
        needs=row.needs,
    )
    return row


def _clean_needs(text: str) -> str:
    parts = sorted({p.strip().lower() for p in text.replace(",", ";").split(";") if p.strip()})
    bad = [p for p in parts if p not in NEEDS and not re.fullmatch(r"language_[a-z]{2,3}", p)]
    if bad:
        raise BadInput(
            _("unknown need {need!r} (use {known} or language_xx)").format(
                need=bad[0], known=", ".join(NEEDS)
            )
        )
    return ";".join(parts)


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

"""Out of service: a unit taken off the board for some nights (repairs, a closed room), with
a reason. Its nights are bed-nights of their own, so nobody can book them meanwhile."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedboard.db.models import BedNight
from bedboard.errors import BadInput, RuleViolation
from bedboard.i18n import _
from bedboard.services.beds.nights import refuse_closed, refuse_taken
from bedboard.services.clock import night_range, utcnow
from bedboard.services.lookup import find_unit, unit_ref
from bedboard.services.safety import audit
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right
from bedboard.services.text import clean_text
from bedboard.states import NightState


def mark_out_of_service(
    session: Session,
    *,
    unit: str,
    first: dt.date,
    last: dt.date,
    reason: str,
    actor: str,
    now: dt.datetime | None = None,
) -> int:
    now = now or utcnow()
    reason = clean_text(reason, BedNight.reason, "the reason")
    if not reason:
        raise BadInput(_("say why the unit is out of service"))
    wanted = night_range(first, last)
    if len(wanted) > 366:
        raise BadInput(_("out of service for more than a year at once is not allowed"))
    site, target = find_unit(session, unit)
    require(session, Right.BOOK, site_id=site.id)
    ref = unit_ref(site, target)
    refuse_closed(session, wanted)
    refuse_taken(session, target.id, ref, wanted, now)
    session.add_all(
        BedNight(unit_id=target.id, night=n, state=NightState.OUT_OF_SERVICE, reason=reason)
        for n in wanted
    )
    session.flush()
    audit.record(
        session, actor, "out_of_service", f"unit:{ref}", first=first, last=last, reason=reason
    )
    return len(wanted)


def return_to_service(
    session: Session, *, unit: str, first: dt.date, last: dt.date, actor: str
) -> int:
    site, target = find_unit(session, unit)
    require(session, Right.BOOK, site_id=site.id)
    wanted = night_range(first, last)
    refuse_closed(session, wanted)
    rows = list(
        session.scalars(
            select(BedNight).where(
                BedNight.unit_id == target.id,
                BedNight.night.in_(wanted),
                BedNight.state == NightState.OUT_OF_SERVICE,
            )
        )
    )
    if not rows:
        raise RuleViolation(
            _("{unit_ref} is not out of service then").format(unit_ref=unit_ref(site, target))
        )
    for r in rows:
        session.delete(r)
    session.flush()
    audit.record(
        session,
        actor,
        "return_to_service",
        f"unit:{unit_ref(site, target)}",
        first=first,
        last=last,
    )
    return len(rows)

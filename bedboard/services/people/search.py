"""Find a guest by code or name and where they sleep; reveal a protected name on purpose only
(every reveal is written to the audit log)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bedboard.db import pg_access
from bedboard.db.models import BedNight, Guest, Site, Unit
from bedboard.i18n import _
from bedboard.services.beds.nights import NIGHT_PLACES
from bedboard.services.lookup import find_guest
from bedboard.services.safety import audit
from bedboard.services.safety.disclosures import (
    check_reason,
    confirm_protected,
    require_reveal,
)
from bedboard.services.staff.access import Actor, require
from bedboard.services.staff.rights import Right

MAX_HITS = 20


@dataclass(frozen=True)
class GuestHit:
    code: str
    protected: bool
    night: dt.date | None  # the guest's night nearest to the one asked about
    unit_ref: str
    by_name: bool = False  # found through the name, not the code

    @property
    def where(self) -> str:
        if not self.night:
            return _("no bed booked")
        return _("{unit} on {night}").format(unit=self.unit_ref, night=self.night)


def search_guests(session: Session, text: str, around: dt.date) -> list[GuestHit]:
    """Codes or names containing `text` (any case). Protected guests are returned by code only,
    whichever matched."""
    needle = text.strip().lower()
    if not needle:
        return []
    # autoescape: a typed % or _ is a character, not a wildcard
    matches = [func.lower(Guest.code).contains(needle, autoescape=True)]
    if not session.info.get("db_login"):  # a PostgreSQL staff login cannot read names
        matches.append(func.lower(Guest.name).contains(needle, autoescape=True))
    guests = session.scalars(
        select(Guest).where(or_(*matches)).order_by(Guest.code).limit(MAX_HITS)
    ).all()
    return [
        replace(_where(session, g, around), by_name=needle not in g.code.lower()) for g in guests
    ]


def record_name_search(session: Session, *, hits: list[GuestHit], actor: str, reason: str) -> int:
    """Finding a protected guest by name links the name to a bed: that is written to the audit
    log like a reveal, with the reason given (by code; the name typed is not stored). Refused
    without a reason, or for someone who may not reveal names. Returns how many were logged."""
    found = [h for h in hits if h.protected and h.by_name]
    if found:
        require(session, Right.REVEAL)
        reason = check_reason(reason)
    for hit in found:
        audit.record(session, actor, "find_guest_by_name", f"guest:{hit.code}", reason=reason)
    return len(found)


def _where(session: Session, guest: Guest, around: dt.date) -> GuestHit:
    stmt = (
        select(BedNight.night, Site.name, Unit.label)
        .select_from(NIGHT_PLACES)
        .where(BedNight.guest_id == guest.id)
    )
    upcoming = session.execute(
        stmt.where(BedNight.night >= around).order_by(BedNight.night).limit(1)
    ).first()
    row = upcoming or session.execute(stmt.order_by(BedNight.night.desc()).limit(1)).first()
    if row is None:
        return GuestHit(guest.code, guest.protected, None, "")
    return GuestHit(guest.code, guest.protected, row.night, f"{row.name}/{row.label}")


def reveal_name(
    session: Session,
    *,
    guest_code: str,
    actor: str,
    reason: str,
    confirmed_by: Actor | None = None,
) -> str:
    """The guest's name, for someone who asked on purpose and said why; a protected guest's
    name also needs a second staff member (`confirmed_by`, signed in by the caller). Recorded
    in the audit log before the name is returned."""
    guest = find_guest(session, guest_code)
    who = require_reveal(session, guest)
    reason = check_reason(reason)
    confirmer = confirm_protected(session, guest, confirmed_by)
    if session.info.get("db_login"):
        # PostgreSQL staff login: the name is readable only through the database's function,
        # which checks the right (and the confirmation) again and writes the audit entry.
        name = pg_access.reveal_name(
            session, guest_code=guest.code, reason=reason, confirmed_by=confirmer
        )
        return name or _("(no name recorded)")
    audit.record(
        session,
        who.login if who.role else actor,
        "reveal_name",
        f"guest:{guest.code}",
        protected=guest.protected,
        reason=reason,
        confirmed_by=confirmer,
    )
    return guest.name or _("(no name recorded)")

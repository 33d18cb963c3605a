"""Everything held on one person, for an access request (GDPR art. 15): the guest's own fields,
their stays and nights with site, unit and payer, adjustments to those nights, and every audit
entry about them (including who saw their data, and why). Written only after the extract
itself is in the audit log, so no copy of a person leaves without its entry.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bedboard.db import pg_access
from bedboard.db.models import Adjustment, AuditEntry, BedNight, Guest, Payer, Site, Stay, Unit
from bedboard.services.beds.nights import NIGHT_PLACES
from bedboard.services.lookup import find_guest
from bedboard.services.safety import audit
from bedboard.services.safety.disclosures import check_reason, confirm_protected
from bedboard.services.staff.access import Actor, require
from bedboard.services.staff.rights import Right


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _guest_fields(
    session: Session, guest: Guest, reason: str, confirmer: str | None
) -> dict[str, Any]:
    """Every column, so fields added later (needs, households ...) are never left out. A
    PostgreSQL staff login cannot read the name and notes: they come through the database's
    audited reveal and the notes function instead."""
    hidden = {"name", "notes"} if session.info.get("db_login") else set()
    fields = {
        c.key: _plain(getattr(guest, c.key))
        for c in Guest.__table__.columns
        if c.key != "id" and c.key not in hidden
    }
    if hidden:
        name = pg_access.reveal_name(
            session, guest_code=guest.code, reason=reason, confirmed_by=confirmer
        )
        fields["name"] = name or None
        fields["notes"] = pg_access.guest_private(session, guest.code)[1]
    return fields


def extract(
    session: Session,
    *,
    guest_code: str,
    reason: str,
    out: str,
    confirmed_by: Actor | None = None,
) -> dict[str, Any]:
    """The person's data as one JSON-ready object; audited (`guest_extract`) first."""
    actor = require(session, Right.AUDIT)
    require(session, Right.REVEAL)
    reason = check_reason(reason)
    guest = find_guest(session, guest_code)
    confirmer = confirm_protected(session, guest, confirmed_by)
    audit.record(
        session,
        actor.login,
        "guest_extract",
        f"guest:{guest.code}",
        reason=reason,
        file=out,
        confirmed_by=confirmer,
    )
    nights = session.execute(
        select(BedNight, Site.name, Unit.label, Payer.name)
        .select_from(NIGHT_PLACES)
        .outerjoin(Payer, Payer.id == BedNight.payer_id)
        .where(BedNight.guest_id == guest.id)
        .order_by(BedNight.night)
    ).all()
    stays = session.scalars(select(Stay).where(Stay.guest_id == guest.id).order_by(Stay.id))
    adjustments = session.scalars(
        select(Adjustment)
        .join(BedNight, BedNight.id == Adjustment.bed_night_id)
        .where(BedNight.guest_id == guest.id)
        .order_by(Adjustment.id)
    )
    target = f"guest:{guest.code}"
    mention = json.dumps(guest.code)[1:-1]
    entries = [
        e
        for e in session.scalars(
            select(AuditEntry)
            .where(
                or_(
                    AuditEntry.target == target,
                    AuditEntry.detail.contains(mention, autoescape=True),
                )
            )
            .order_by(AuditEntry.id)
        )
        if e.target == target or guest.code in _codes_in(e.detail)
    ]
    return {
        "guest": _guest_fields(session, guest, reason, confirmer),
        "stays": [
            {"id": s.id, "created_at": _plain(s.created_at), "created_by": s.created_by}
            for s in stays
        ],
        "nights": [
            {
                "night": n.night.isoformat(),
                "site": site,
                "unit": label,
                "state": n.state,
                "stay_id": n.stay_id,
                "payer": payer or "",
                "payer_reference": n.payer_reference,
                "posted": n.posted_at is not None,
            }
            for n, site, label, payer in nights
        ],
        "adjustments": [
            {
                "bed_night_id": a.bed_night_id,
                "amount_minor": a.amount,
                "currency": a.currency,
                "reason": a.reason,
                "actor": a.actor,
                "at": _plain(a.created_at),
            }
            for a in adjustments
        ],
        "audit": [
            {
                "id": e.id,
                "at": _plain(e.at),
                "actor": e.actor,
                "action": e.action,
                "target": e.target,
                "detail": e.detail,
            }
            for e in entries
        ],
    }


def _codes_in(detail: str) -> set[str]:
    """Guest codes an entry's detail names (as `guest` or in `guests`)."""
    try:
        data = json.loads(detail or "{}")
    except ValueError:
        return set()
    codes = set(data.get("guests") or [])
    if isinstance(data.get("guest"), str):
        codes.add(data["guest"])
    return codes

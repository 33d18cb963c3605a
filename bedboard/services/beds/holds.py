"""Holds: a unit kept for a person on their way, until an expiry time. An expired hold is free
everywhere at once (availability compares with the clock); its row is cleared lazily."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bedboard.db.models import BedNight, Hold, HoldUnit, Stay
from bedboard.errors import BadInput, NotFound, RuleViolation
from bedboard.services.beds.nights import refuse_closed, refuse_taken
from bedboard.services.beds.stays import check_in
from bedboard.services.clock import utcnow
from bedboard.services.lookup import find_unit, unit_by_id, unit_ref
from bedboard.services.safety import audit

DEFAULT_HOLD_MINUTES = 90
MAX_HOLD_MINUTES = 24 * 60
MAX_HELD_FOR = 300  # the column's length


def hold(
    session: Session,
    *,
    unit: str,
    night: dt.date,
    held_for: str = "",
    minutes: int = DEFAULT_HOLD_MINUTES,
    actor: str,
    now: dt.datetime | None = None,
) -> Hold:
    now = now or utcnow()
    if not 1 <= minutes <= MAX_HOLD_MINUTES:
        raise BadInput(f"a hold lasts 1 to {MAX_HOLD_MINUTES} minutes, not {minutes}")
    if len(held_for.strip()) > MAX_HELD_FOR or not held_for.strip().isprintable():
        raise BadInput(f"who the hold is for: at most {MAX_HELD_FOR} printable characters")
    site, target = find_unit(session, unit)
    ref = unit_ref(site, target)
    refuse_closed(session, [night])
    refuse_taken(session, target.id, ref, [night], now)
    row = Hold(
        unit_id=target.id,
        night=night,
        expires_at=now + dt.timedelta(minutes=minutes),
        held_for=held_for.strip(),
        created_by=actor,
        status="active",
    )
    session.add(row)
    session.flush()
    session.add(HoldUnit(hold_id=row.id, position=0, unit_id=target.id))
    session.add(BedNight(unit_id=target.id, night=night, state="held", hold_id=row.id, reason=""))
    session.flush()
    audit.record(
        session,
        actor,
        "hold",
        f"unit:{ref}",
        hold=row.id,
        night=night,
        minutes=minutes,
        held_for=row.held_for,
    )
    return row


def active_hold(session: Session, hold_id: int, now: dt.datetime) -> Hold:
    row = session.get(Hold, hold_id)
    if row is None:
        raise NotFound(f"no hold #{hold_id}")
    if row.status != "active":
        raise RuleViolation(f"hold #{hold_id} is already {row.status}")
    if row.expires_at <= now:
        raise RuleViolation(f"hold #{hold_id} expired at {row.expires_at:%H:%M} UTC")
    return row


def _release(session: Session, row: Hold, status: str) -> str:
    session.execute(delete(BedNight).where(BedNight.hold_id == row.id))
    row.status = status
    session.flush()
    site, unit = unit_by_id(session, row.unit_id)
    return unit_ref(site, unit)


def confirm_hold(
    session: Session,
    *,
    hold_id: int,
    guest_code: str,
    nights_count: int = 1,
    payer: str | None = None,
    reference: str = "",
    actor: str,
    now: dt.datetime | None = None,
) -> Stay:
    """Turn a hold into a stay that starts on the held night."""
    now = now or utcnow()
    row = active_hold(session, hold_id, now)
    ref = _release(session, row, "confirmed")
    audit.record(session, actor, "confirm_hold", f"unit:{ref}", hold=row.id, guest=guest_code)
    return check_in(
        session,
        unit=ref,
        guest_code=guest_code,
        night=row.night,
        nights_count=nights_count,
        payer=payer,
        reference=reference,
        actor=actor,
        now=now,
    )


def cancel_hold(
    session: Session, *, hold_id: int, actor: str, now: dt.datetime | None = None
) -> None:
    now = now or utcnow()
    row = active_hold(session, hold_id, now)
    ref = _release(session, row, "cancelled")
    audit.record(session, actor, "cancel_hold", f"unit:{ref}", hold=row.id)

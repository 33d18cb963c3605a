"""Shared checks on bed-nights used by every change: closed nights, conflicts, expired holds."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, join, select
from sqlalchemy.orm import Session

from bedboard.db.models import BedNight, ClosedNight, Guest, Hold, Site, Unit
from bedboard.errors import NightClosed, RuleViolation, UnitTaken
from bedboard.i18n import _
from bedboard.services.lookup import unit_by_id, unit_ref
from bedboard.services.safety import audit
from bedboard.states import HoldStatus, NightState

# Each bed-night with its unit and the unit's site, for queries that bill, route or show a
# night by where it is: `select(...).select_from(NIGHT_PLACES)`, then join what else they need.
NIGHT_PLACES = join(BedNight, Unit, Unit.id == BedNight.unit_id).join(Site, Site.id == Unit.site_id)

# Who the audit log names for what the clock did (a hold running out).
SYSTEM_ACTOR = "system"


def refuse_closed(session: Session, nights: list[dt.date]) -> None:
    closed = session.scalars(
        select(ClosedNight.night).where(ClosedNight.night.in_(nights)).order_by(ClosedNight.night)
    ).first()
    if closed is not None:
        raise NightClosed(
            _("the night of {closed} is closed; corrections are adjustments").format(closed=closed)
        )


def clear_expired_holds(
    session: Session, nights: list[dt.date], now: dt.datetime, unit_id: int | None = None
) -> None:
    """An expired hold is free: remove its row before anything else takes the unit (or, with
    no unit, before the night is closed). The hold is marked expired (never "cancelled":
    nobody cancelled it), its note about who it was for is erased, and the expiry is audited
    with the time it ran out. A hold expires as a whole: every night and unit of a hold that
    touches these nights is cleared, not only the ones asked about."""
    # found through their bed-nights: a hold may cover several units and nights
    held = select(BedNight.hold_id).where(
        BedNight.night.in_(nights), BedNight.state == NightState.HELD
    )
    if unit_id is not None:
        held = held.where(BedNight.unit_id == unit_id)
    stmt = select(Hold).where(
        Hold.id.in_(held), Hold.expires_at <= now, Hold.status == HoldStatus.ACTIVE
    )
    for row in session.scalars(stmt.order_by(Hold.id)).all():
        expire_hold(session, row)


def expire_hold(session: Session, row: Hold) -> None:
    """Record that an active hold ran out: its bed-night goes, the note goes, an audit entry
    stays. The actor is the clock (`system`): no person ended it."""
    session.execute(delete(BedNight).where(BedNight.hold_id == row.id))
    row.status = HoldStatus.EXPIRED
    row.held_for = ""
    session.flush()
    site, unit = unit_by_id(session, row.unit_id)
    audit.record(
        session,
        SYSTEM_ACTOR,
        "hold_expired",
        f"unit:{unit_ref(site, unit)}",
        hold=row.id,
        night=row.night,
        expired_at=row.expires_at,
    )


def refuse_taken(
    session: Session, unit_id: int, ref: str, nights: list[dt.date], now: dt.datetime
) -> None:
    clear_expired_holds(session, nights, now, unit_id)
    taken = session.execute(
        select(BedNight.night, BedNight.state)
        .where(BedNight.unit_id == unit_id, BedNight.night.in_(nights))
        .order_by(BedNight.night)
    ).first()
    if taken is not None:
        state = taken.state.replace("_", " ")
        raise UnitTaken(
            _("{ref} is taken on the night of {night} ({state})").format(
                ref=ref, night=taken.night, state=state
            )
        )


def refuse_guest_elsewhere(
    session: Session, guest: Guest, nights: list[dt.date], except_stay: int | None = None
) -> None:
    stmt = select(BedNight.night).where(BedNight.guest_id == guest.id, BedNight.night.in_(nights))
    if except_stay is not None:
        stmt = stmt.where(BedNight.stay_id != except_stay)
    night = session.scalars(stmt.order_by(BedNight.night)).first()
    if night is not None:
        raise RuleViolation(
            _("guest {code} already has a bed on the night of {night}").format(
                code=guest.code, night=night
            )
        )


def refuse_posted(session: Session, rows: list[BedNight]) -> None:
    posted = sorted(r.night for r in rows if r.posted_at is not None)
    if posted:
        raise NightClosed(
            _("the night of {posted} is closed and posted; it cannot change").format(
                posted=posted[0]
            )
        )

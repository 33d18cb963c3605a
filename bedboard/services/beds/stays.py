"""Check in, check out, extend and move. Every change writes all its nights in the caller's
single transaction (db.session.write_session), so it lands whole or not at all."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedboard.db.models import BedNight, Guest, Stay
from bedboard.errors import BadInput, RuleViolation
from bedboard.services.beds.availability import split_tags
from bedboard.services.beds.nights import (
    refuse_closed,
    refuse_guest_elsewhere,
    refuse_posted,
    refuse_taken,
)
from bedboard.services.billing.payments import clean_reference
from bedboard.services.billing.routing import route_guest
from bedboard.services.clock import check_night_count, nights, utcnow
from bedboard.services.lookup import (
    find_guest,
    find_payer,
    find_unit,
    guest_or_new,
    unit_by_id,
    unit_ref,
)
from bedboard.services.people import avoid, eligibility
from bedboard.services.safety import audit


def check_in(
    session: Session,
    *,
    unit: str,
    guest_code: str,
    night: dt.date,
    nights_count: int = 1,
    payer: str | None = None,
    reference: str = "",
    override: str = "",
    actor: str,
    now: dt.datetime | None = None,
) -> Stay:
    """Book `nights_count` nights from `night`. The unit must fit the guest (eligibility, unless
    `override` gives a reason) and no keep-away rule may bar it."""
    now = now or utcnow()
    check_night_count(nights_count)
    reference = clean_reference(reference)
    site, target = find_unit(session, unit)
    payer_row = find_payer(session, payer) if payer else None
    wanted = nights(night, nights_count)
    refuse_closed(session, wanted)
    ref = unit_ref(site, target)
    refuse_taken(session, target.id, ref, wanted, now)
    guest, created = guest_or_new(session, guest_code)
    refuse_guest_elsewhere(session, guest, wanted)
    overridden = eligibility.check(guest, ref, split_tags(target.tags), night, override)
    avoid.refuse_barred(session, guest, site, target, wanted)
    stay = Stay(guest_id=guest.id, created_at=now, created_by=actor)
    session.add(stay)
    session.flush()
    session.add_all(
        BedNight(
            unit_id=target.id,
            night=n,
            state="occupied",
            stay_id=stay.id,
            guest_id=guest.id,
            payer_id=payer_row.id if payer_row else None,
            payer_reference=reference.strip(),
            reason="",
        )
        for n in wanted
    )
    session.flush()
    if payer_row is None:
        route_guest(session, guest.id)  # a commitment may already cover these nights
    audit.record(
        session,
        actor,
        "check_in",
        f"unit:{ref}",
        guest=guest.code,
        new_guest=created,
        stay=stay.id,
        first_night=night,
        nights=nights_count,
        payer=payer_row.name if payer_row else None,
        reference=reference.strip(),
    )
    _record_override(session, actor, ref, guest, overridden, override)
    return stay


def _record_override(
    session: Session, actor: str, ref: str, guest: Guest, overridden: list[str], reason: str
) -> None:
    if overridden:
        audit.record(
            session,
            actor,
            "eligibility_override",
            f"unit:{ref}",
            guest=guest.code,
            problems=overridden,
            reason=reason.strip(),
        )


def check_in_many(
    session: Session,
    *,
    pairs: list[tuple[str, str]],
    night: dt.date,
    nights_count: int = 1,
    payer: str | None = None,
    reference: str = "",
    override: str = "",
    actor: str,
    now: dt.datetime | None = None,
) -> list[Stay]:
    """Check in several guests, each to their unit (a household), in the caller's one
    transaction: when any of them is refused, the exception leaves none booked."""
    if not pairs:
        raise BadInput("name at least one unit and guest")
    units = [u.strip() for u, _g in pairs]
    codes = [g.strip() for _u, g in pairs]
    if len(set(units)) != len(units):
        raise BadInput("a unit is named twice; each guest needs their own unit")
    if len(set(codes)) != len(codes):
        raise BadInput("a guest is named twice")
    return [
        check_in(
            session,
            unit=unit,
            guest_code=code,
            night=night,
            nights_count=nights_count,
            payer=payer,
            reference=reference,
            override=override,
            actor=actor,
            now=now,
        )
        for unit, code in pairs
    ]


def guest_nights(session: Session, guest: Guest, from_night: dt.date) -> list[BedNight]:
    return list(
        session.scalars(
            select(BedNight)
            .where(BedNight.guest_id == guest.id, BedNight.night >= from_night)
            .order_by(BedNight.night)
        )
    )


def check_out(session: Session, *, guest_code: str, night: dt.date, actor: str) -> int:
    """Remove the guest's nights from `night` (the first night not stayed) on. That night must
    be one the guest is booked on: a date before their stay would silently delete all of it."""
    guest = find_guest(session, guest_code)
    rows = guest_nights(session, guest, night)
    if not rows:
        raise RuleViolation(f"guest {guest.code} has no nights from {night} on")
    if rows[0].night != night:
        raise RuleViolation(
            f"guest {guest.code} is not booked on the night of {night} (their next night is "
            f"{rows[0].night}); check out from a night of their stay"
        )
    refuse_posted(session, rows)
    for row in rows:
        session.delete(row)
    session.flush()
    audit.record(
        session,
        actor,
        "check_out",
        f"guest:{guest.code}",
        from_night=night,
        nights_removed=len(rows),
    )
    return len(rows)


def latest_night(session: Session, guest: Guest) -> BedNight:
    row = session.scalars(
        select(BedNight).where(BedNight.guest_id == guest.id).order_by(BedNight.night.desc())
    ).first()
    if row is None:
        raise RuleViolation(f"guest {guest.code} has no stay to extend")
    return row


def extend(
    session: Session,
    *,
    guest_code: str,
    extra_nights: int,
    actor: str,
    tonight: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Stay:
    """Add nights after the guest's last night, in the same unit, with the same payer.
    Given `tonight`, a stay that ended before last night is not extended: that guest left,
    and nights in the past would be booked by mistake."""
    now = now or utcnow()
    check_night_count(extra_nights)
    guest = find_guest(session, guest_code)
    last = latest_night(session, guest)
    if tonight is not None and last.night < tonight - dt.timedelta(days=1):
        raise RuleViolation(
            f"guest {guest.code}'s last night was {last.night}; check them in again instead"
        )
    wanted = nights(last.night + dt.timedelta(days=1), extra_nights)
    refuse_closed(session, wanted)
    site, unit = unit_by_id(session, last.unit_id)
    ref = unit_ref(site, unit)
    refuse_taken(session, unit.id, ref, wanted, now)
    refuse_guest_elsewhere(session, guest, wanted)
    session.add_all(
        BedNight(
            unit_id=last.unit_id,
            night=n,
            state="occupied",
            stay_id=last.stay_id,
            guest_id=guest.id,
            payer_id=last.payer_id,
            payer_reference=last.payer_reference,
            commitment_id=last.commitment_id,
            reason="",
        )
        for n in wanted
    )
    session.flush()
    route_guest(session, guest.id)  # the new nights may fall outside the commitment or its cap
    audit.record(
        session,
        actor,
        "extend",
        f"unit:{ref}",
        guest=guest.code,
        stay=last.stay_id,
        nights_added=extra_nights,
        last_night=wanted[-1],
    )
    stay = session.get(Stay, last.stay_id)
    assert stay is not None
    return stay


def move(
    session: Session,
    *,
    guest_code: str,
    to_unit: str,
    from_night: dt.date,
    override: str = "",
    actor: str,
    now: dt.datetime | None = None,
) -> Stay:
    """Move the guest's nights from `from_night` on to another unit, as a new stay there. The
    unit must fit the guest, as at check-in."""
    now = now or utcnow()
    guest = find_guest(session, guest_code)
    rows = guest_nights(session, guest, from_night)
    if not rows:
        raise RuleViolation(f"guest {guest.code} has no nights from {from_night} on to move")
    refuse_posted(session, rows)
    site, target = find_unit(session, to_unit)
    if any(r.unit_id == target.id for r in rows):
        raise BadInput(f"guest {guest.code} is already in {unit_ref(site, target)}")
    ref = unit_ref(site, target)
    refuse_taken(session, target.id, ref, [r.night for r in rows], now)
    overridden = eligibility.check(guest, ref, split_tags(target.tags), rows[0].night, override)
    avoid.refuse_barred(session, guest, site, target, [r.night for r in rows])
    # One new stay per stay moved: the guest's later nights may belong to several stays with
    # gaps between them, and a stay is consecutive nights (one shared stay would have a gap).
    new_stays: dict[int | None, Stay] = {}
    first_stay: Stay | None = None
    for row in rows:
        stay = new_stays.get(row.stay_id)
        if stay is None:
            stay = new_stays[row.stay_id] = Stay(
                guest_id=guest.id, created_at=now, created_by=actor
            )
            session.add(stay)
            session.flush()
        row.unit_id = target.id
        row.stay_id = stay.id
        first_stay = first_stay or stay
    session.flush()
    route_guest(session, guest.id)  # another site may have another rate, against a money cap
    assert first_stay is not None
    audit.record(
        session,
        actor,
        "move",
        f"unit:{ref}",
        guest=guest.code,
        from_night=from_night,
        nights=len(rows),
        stay=first_stay.id,
        stays=sorted(s.id for s in new_stays.values()),
    )
    _record_override(session, actor, ref, guest, overridden, override)
    return first_stay

"""Check in, check out, extend and move. Every change writes all its nights in the caller's
single transaction (db.session.write_session), so it lands whole or not at all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypedDict, Unpack

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bedboard.db.models import BedNight, Guest, Payer, Stay
from bedboard.errors import BadInput, RuleViolation
from bedboard.i18n import _
from bedboard.services.beds.nights import (
    refuse_closed,
    refuse_guest_elsewhere,
    refuse_posted,
    refuse_taken,
)
from bedboard.services.beds.units import split_tags
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
from bedboard.services.staff.access import require, require_at_units
from bedboard.services.staff.rights import Right
from bedboard.services.text import clean_text
from bedboard.states import NightState


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
    reference = clean_text(reference, BedNight.payer_reference, "the payer reference")
    site, target = find_unit(session, unit)
    require(session, Right.BOOK, site_id=site.id)
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
    _occupy(
        session,
        wanted,
        unit_id=target.id,
        stay_id=stay.id,
        guest_id=guest.id,
        payer_id=payer_row.id if payer_row else None,
        reference=reference.strip(),
    )
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


def _occupy(
    session: Session,
    wanted: list[dt.date],
    *,
    unit_id: int,
    stay_id: int | None,
    guest_id: int,
    payer_id: int | None,
    reference: str,
    commitment_id: int | None = None,
) -> None:
    """Write one occupied bed-night per night of `wanted`: check-in and extend build them alike."""
    session.add_all(
        BedNight(
            unit_id=unit_id,
            night=n,
            state=NightState.OCCUPIED,
            stay_id=stay_id,
            guest_id=guest_id,
            payer_id=payer_id,
            payer_reference=reference,
            commitment_id=commitment_id,
            reason="",
        )
        for n in wanted
    )
    session.flush()


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


class StayTerms(TypedDict, total=False):
    """What every guest of a booking of several gets alike, passed on to `check_in`: a
    household's check-in and a hold's confirmation."""

    payer: str | None
    reference: str
    override: str
    now: dt.datetime | None


class BookingTerms(StayTerms, total=False):
    nights_count: int


def check_in_many(
    session: Session,
    *,
    pairs: list[tuple[str, str]],
    night: dt.date,
    actor: str,
    **terms: Unpack[BookingTerms],
) -> list[Stay]:
    """Check in several guests, each to their unit (a household), in the caller's one
    transaction: when any of them is refused, the exception leaves none booked."""
    if not pairs:
        raise BadInput(_("name at least one unit and guest"))
    units = [u.strip() for u, _g in pairs]
    codes = [g.strip() for _u, g in pairs]
    if len(set(units)) != len(units):
        raise BadInput(_("a unit is named twice; each guest needs their own unit"))
    if len(set(codes)) != len(codes):
        raise BadInput(_("a guest is named twice"))
    return [
        check_in(session, unit=unit, guest_code=code, night=night, actor=actor, **terms)
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


def consecutive(rows: list[BedNight]) -> list[BedNight]:
    """The first rows up to the first gap: one visit, even where a move split it into stays.
    A later booking after a gap (a host family next week) is another visit and is left alone."""
    run = rows[:1]
    for row in rows[1:]:
        if row.night != run[-1].night + dt.timedelta(days=1):
            break
        run.append(row)
    return run


def visit_from(session: Session, guest: Guest, night: dt.date, doing: str) -> list[BedNight]:
    """The guest's consecutive nights from `night` on; `night` must be one of them."""
    rows = guest_nights(session, guest, night)
    if not rows:
        raise RuleViolation(
            _("guest {code} has no nights from {night} on").format(code=guest.code, night=night)
        )
    require_at_units(session, Right.BOOK, (r.unit_id for r in rows))
    if rows[0].night != night:
        raise RuleViolation(
            _(
                "guest {code} is not booked on the night of {night} (their next night is "
                "{next}); {doing} from a night of their stay"
            ).format(code=guest.code, night=night, next=rows[0].night, doing=doing)
        )
    return consecutive(rows)


@dataclass(frozen=True)
class LaterBooking:
    """A booking of the guest after a gap, which a check-out or move left as it was."""

    first_night: dt.date
    unit: str


def later_booking(session: Session, guest_code: str, after: dt.date) -> LaterBooking | None:
    """The guest's first booked night after `after`, if any: what the person at the desk is told
    was kept when they check out or move a guest."""
    guest = find_guest(session, guest_code)
    row = session.scalars(
        select(BedNight)
        .where(BedNight.guest_id == guest.id, BedNight.night > after)
        .order_by(BedNight.night)
    ).first()
    if row is None:
        return None
    site, unit = unit_by_id(session, row.unit_id)
    return LaterBooking(row.night, unit_ref(site, unit))


def last_night_of(session: Session, stay: Stay) -> dt.date:
    night = session.scalar(select(func.max(BedNight.night)).where(BedNight.stay_id == stay.id))
    assert night is not None
    return night


def _unit_refs(session: Session, rows: list[BedNight]) -> list[str]:
    refs = set()
    for unit_id in {r.unit_id for r in rows}:
        site, unit = unit_by_id(session, unit_id)
        refs.add(unit_ref(site, unit))
    return sorted(refs)


def drop_empty_stays(session: Session, stay_ids: set[int | None]) -> None:
    """A stay whose every night was removed or moved is no stay: delete its row, so no guest
    has a stay of no nights (a full check-out used to leave one behind)."""
    ids = [i for i in stay_ids if i is not None]
    if not ids:
        return
    session.flush()
    still = set(session.scalars(select(BedNight.stay_id).where(BedNight.stay_id.in_(ids))))
    empty = [i for i in ids if i not in still]
    if empty:
        session.execute(delete(Stay).where(Stay.id.in_(empty)))


def check_out(session: Session, *, guest_code: str, night: dt.date, actor: str) -> int:
    """Remove the guest's nights from `night` (the first night not stayed) to the end of that
    visit. That night must be one the guest is booked on: a date before their stay would
    silently delete all of it. A later booking after a gap is another stay and is kept."""
    guest = find_guest(session, guest_code)
    rows = visit_from(session, guest, night, _("check out"))
    refuse_posted(session, rows)
    units = _unit_refs(session, rows)
    stay_ids = {r.stay_id for r in rows}
    for row in rows:
        session.delete(row)
    drop_empty_stays(session, stay_ids)
    session.flush()
    audit.record(
        session,
        actor,
        "check_out",
        f"guest:{guest.code}",
        from_night=night,
        last_night=rows[-1].night,
        nights_removed=len(rows),
        units=units,
    )
    return len(rows)


def latest_night(session: Session, guest: Guest) -> BedNight:
    row = session.scalars(
        select(BedNight).where(BedNight.guest_id == guest.id).order_by(BedNight.night.desc())
    ).first()
    if row is None:
        raise RuleViolation(_("guest {code} has no stay to extend").format(code=guest.code))
    return row


def _last_of_visit(session: Session, guest: Guest, night: dt.date) -> BedNight | None:
    """The last night of the visit that holds `night`, or None if the guest is not booked then."""
    rows = guest_nights(session, guest, night)
    if not rows or rows[0].night != night:
        return None
    return consecutive(rows)[-1]


@dataclass(frozen=True)
class Extended:
    stay: Stay
    unit: str
    first_night: dt.date
    last_night: dt.date
    # The payer of the stay no longer takes new nights: the new ones are unbilled.
    inactive_payer: str = ""


def extend(
    session: Session,
    *,
    guest_code: str,
    extra_nights: int,
    actor: str,
    tonight: dt.date | None = None,
    night: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Extended:
    """Add nights after the last night of a visit, in the same unit, with the same payer.

    The visit is the one that holds `night` when given (the stay shown on the board), else the
    one that holds `tonight` or last night, else the guest's latest booking. Given `tonight`, a
    stay that ended before last night is not extended: that guest left, and nights in the past
    would be booked by mistake. A payer that has been deactivated takes no new nights: they are
    left unbilled, and the result says so."""
    now = now or utcnow()
    check_night_count(extra_nights)
    guest = find_guest(session, guest_code)
    last: BedNight | None = None
    if night is not None:
        last = _last_of_visit(session, guest, night)
        if last is None:
            raise RuleViolation(
                _("guest {code} is not booked on the night of {night}").format(
                    code=guest.code, night=night
                )
            )
    elif tonight is not None:
        last = _last_of_visit(session, guest, tonight) or _last_of_visit(
            session, guest, tonight - dt.timedelta(days=1)
        )
    if last is None:
        last = latest_night(session, guest)
    require_at_units(session, Right.BOOK, [last.unit_id])
    if tonight is not None and last.night < tonight - dt.timedelta(days=1):
        raise RuleViolation(
            _("guest {code}'s last night was {night}; check them in again instead").format(
                code=guest.code, night=last.night
            )
        )
    if last.night == dt.date.max:  # a night typed far ahead; the next one is past the calendar
        raise BadInput(
            _("the stay ends on {night}, the last night of the calendar").format(night=last.night)
        )
    wanted = nights(last.night + dt.timedelta(days=1), extra_nights)
    refuse_closed(session, wanted)
    site, unit = unit_by_id(session, last.unit_id)
    ref = unit_ref(site, unit)
    refuse_taken(session, unit.id, ref, wanted, now)
    refuse_guest_elsewhere(session, guest, wanted)
    payer = session.get(Payer, last.payer_id) if last.payer_id is not None else None
    billed = payer is not None and payer.active
    _occupy(
        session,
        wanted,
        unit_id=last.unit_id,
        stay_id=last.stay_id,
        guest_id=guest.id,
        payer_id=last.payer_id if billed else None,
        reference=last.payer_reference if billed else "",
        commitment_id=last.commitment_id if billed else None,
    )
    route_guest(session, guest.id)  # the new nights may fall outside the commitment or its cap
    if not billed and payer is not None:
        # a commitment may have given the new nights a payer after all: then they are billed
        routed = session.scalar(
            select(func.count()).where(
                BedNight.guest_id == guest.id,
                BedNight.night.in_(wanted),
                BedNight.payer_id.is_not(None),
            )
        )
        if routed:
            payer = None
    audit.record(
        session,
        actor,
        "extend",
        f"unit:{ref}",
        guest=guest.code,
        stay=last.stay_id,
        nights_added=extra_nights,
        last_night=wanted[-1],
        unbilled_payer_inactive=payer.name if payer is not None and not billed else None,
    )
    stay = session.get(Stay, last.stay_id)
    assert stay is not None
    return Extended(
        stay, ref, wanted[0], wanted[-1], payer.name if payer is not None and not billed else ""
    )


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
    """Move the guest's nights from `from_night` to the end of that visit to another unit, as a
    new stay there. A later booking after a gap is another stay and stays where it is. The unit
    must fit the guest, as at check-in."""
    now = now or utcnow()
    guest = find_guest(session, guest_code)
    rows = visit_from(session, guest, from_night, _("move"))
    refuse_posted(session, rows)
    site, target = find_unit(session, to_unit)
    require_at_units(session, Right.BOOK, [target.id, *(r.unit_id for r in rows)])
    ref = unit_ref(site, target)
    already = [r.night for r in rows if r.unit_id == target.id]
    if already:
        raise RuleViolation(
            _("guest {code} is already in {unit} on the night of {night}").format(
                code=guest.code, unit=ref, night=already[0]
            )
        )
    refuse_taken(session, target.id, ref, [r.night for r in rows], now)
    overridden = eligibility.check(guest, ref, split_tags(target.tags), rows[0].night, override)
    avoid.refuse_barred(session, guest, site, target, [r.night for r in rows])
    from_units = _unit_refs(session, rows)
    old_stays = {r.stay_id for r in rows}
    stay = Stay(guest_id=guest.id, created_at=now, created_by=actor)
    session.add(stay)
    session.flush()
    for row in rows:
        row.unit_id = target.id
        row.stay_id = stay.id
    drop_empty_stays(session, old_stays)
    session.flush()
    route_guest(session, guest.id)  # another site may have another rate, against a money cap
    audit.record(
        session,
        actor,
        "move",
        f"unit:{ref}",
        guest=guest.code,
        from_night=from_night,
        last_night=rows[-1].night,
        nights=len(rows),
        stay=stay.id,
        units=from_units,
    )
    _record_override(session, actor, ref, guest, overridden, override)
    return stay

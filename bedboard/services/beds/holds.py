"""Holds: units kept for people on their way, for one or more nights, until an expiry time. A hold
has all its units and all its nights under one id and expires as a whole: an expired hold is free
everywhere at once (availability compares with the clock), whichever night is asked about, and
its rows are cleared lazily. Confirming books every held night, each unit for the guest paired
with it, in the caller's one transaction.

Who a hold is for is free text that may name a person: it lives on the hold only while the hold
is active, is erased when the hold ends (confirmed, cancelled, expired), and never enters the
append-only audit log, which records only that a note was given. An expired hold is marked
`expired` with an audit entry when its rows are cleared (services.beds.nights.expire_hold)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Unpack

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bedboard.db.models import BedNight, Hold, HoldUnit, Site, Stay, Unit
from bedboard.errors import BadInput, NotFound, RuleViolation
from bedboard.i18n import _
from bedboard.services.beds.nights import refuse_closed, refuse_taken
from bedboard.services.beds.stays import StayTerms, check_in_many
from bedboard.services.clock import check_night_count, local_time, nights, utcnow
from bedboard.services.lookup import find_unit, unit_ref
from bedboard.services.safety import audit
from bedboard.services.staff.access import require, require_at_units
from bedboard.services.staff.rights import Right
from bedboard.services.text import clean_text, column_length
from bedboard.states import HoldStatus, NightState
from bedboard.words import word

DEFAULT_HOLD_MINUTES = 90
MAX_HOLD_MINUTES = 24 * 60
MAX_HOLD_UNITS = 20
# The column's length, read from it: forms cut a suggested "held for" text to fit.
MAX_HELD_FOR = column_length(Hold.held_for)


def hold(
    session: Session,
    *,
    unit: str | None = None,
    units: Sequence[str] = (),
    night: dt.date,
    nights_count: int = 1,
    held_for: str = "",
    minutes: int = DEFAULT_HOLD_MINUTES,
    actor: str,
    now: dt.datetime | None = None,
) -> Hold:
    """Hold `units` (or the one `unit`) for `nights_count` nights from `night`: all or none."""
    now = now or utcnow()
    refs = [*([unit] if unit is not None else []), *units]
    if not refs:
        raise BadInput(_("name at least one unit to hold"))
    if len(refs) > MAX_HOLD_UNITS:
        raise BadInput(_("a hold covers at most {n} units").format(n=MAX_HOLD_UNITS))
    if not 1 <= minutes <= MAX_HOLD_MINUTES:
        raise BadInput(
            _("a hold lasts 1 to {MAX_HOLD_MINUTES} minutes, not {minutes}").format(
                MAX_HOLD_MINUTES=MAX_HOLD_MINUTES, minutes=minutes
            )
        )
    held_for = clean_text(held_for, Hold.held_for, "who the hold is for")
    check_night_count(nights_count)
    wanted = nights(night, nights_count)
    targets = [find_unit(session, ref) for ref in refs]
    require(session, Right.HOLD, site_ids=[site.id for site, _ in targets])
    seen: set[int] = set()
    for site, target in targets:
        if target.id in seen:
            raise BadInput(
                _("{unit} is named twice in one hold").format(unit=unit_ref(site, target))
            )
        seen.add(target.id)
    refuse_closed(session, wanted)
    for site, target in targets:
        refuse_taken(session, target.id, unit_ref(site, target), wanted, now)
    row = Hold(
        unit_id=targets[0][1].id,
        night=night,
        nights=nights_count,
        expires_at=now + dt.timedelta(minutes=minutes),
        held_for=held_for,
        created_by=actor,
        status=HoldStatus.ACTIVE,
    )
    session.add(row)
    session.flush()
    for position, (_site, target) in enumerate(targets):
        session.add(HoldUnit(hold_id=row.id, position=position, unit_id=target.id))
        session.add_all(
            BedNight(unit_id=target.id, night=n, state=NightState.HELD, hold_id=row.id, reason="")
            for n in wanted
        )
    session.flush()
    refs_held = [unit_ref(site, target) for site, target in targets]
    audit.record(
        session,
        actor,
        "hold",
        f"unit:{refs_held[0]}",
        hold=row.id,
        units=refs_held,
        night=night,
        nights=nights_count,
        minutes=minutes,
        note_given=bool(row.held_for),
    )
    return row


def held_units(session: Session, hold_id: int) -> list[str]:
    """The hold's units as SITE/UNIT, in the order guests are paired with them."""
    rows = session.execute(
        select(Site.name, Unit.label)
        .join(Unit, Unit.site_id == Site.id)
        .join(HoldUnit, HoldUnit.unit_id == Unit.id)
        .where(HoldUnit.hold_id == hold_id)
        .order_by(HoldUnit.position)
    ).all()
    return [f"{name}/{label}" for name, label in rows]


def hold_unit_ids(session: Session, row: Hold) -> list[int]:
    return [
        row.unit_id,
        *session.scalars(select(HoldUnit.unit_id).where(HoldUnit.hold_id == row.id)),
    ]


def active_hold(session: Session, hold_id: int, now: dt.datetime) -> Hold:
    row = session.get(Hold, hold_id)
    if row is None:
        raise NotFound(_("no hold #{id}").format(id=hold_id))
    if row.status == HoldStatus.EXPIRED or (
        row.status == HoldStatus.ACTIVE and row.expires_at <= now
    ):
        raise RuleViolation(
            _("hold #{id} expired at {time}; the place is free again").format(
                id=hold_id, time=f"{local_time(row.expires_at):%H:%M}"
            )
        )
    if row.status != HoldStatus.ACTIVE:
        raise RuleViolation(
            _("hold #{id} is already {status}").format(
                id=hold_id, status=word(HoldStatus, row.status)
            )
        )
    return row


def _release(session: Session, row: Hold, status: str) -> list[str]:
    session.execute(delete(BedNight).where(BedNight.hold_id == row.id))
    row.status = status
    row.held_for = ""  # the note served the hold; it ends with it
    session.flush()
    return held_units(session, row.id)


def confirm(
    session: Session,
    *,
    hold_id: int,
    guest_codes: Sequence[str],
    nights_count: int | None = None,
    actor: str,
    **terms: Unpack[StayTerms],
) -> list[Stay]:
    """Book every held night: the first guest in the first unit held, and so on, all in the
    caller's one transaction. `nights_count` other than the hold's books that many nights from
    the first held night instead."""
    now = terms.get("now") or utcnow()
    terms["now"] = now  # the hold's expiry and the stays read one clock
    row = active_hold(session, hold_id, now)
    refs = held_units(session, row.id)
    codes = [c.strip() for c in guest_codes]
    if len(codes) != len(refs):
        raise BadInput(
            _(
                "hold #{id} has {units} unit(s): name {units} guest(s), one for each, in order"
            ).format(id=hold_id, units=len(refs))
        )
    if len(set(codes)) != len(codes):
        raise BadInput(_("a guest is named twice for one hold"))
    _release(session, row, HoldStatus.CONFIRMED)
    count = nights_count if nights_count is not None else row.nights
    audit.record(
        session, actor, "confirm_hold", f"unit:{refs[0]}", hold=row.id, guests=codes, units=refs
    )
    pairs = list(zip(refs, codes, strict=True))
    return check_in_many(
        session, pairs=pairs, night=row.night, nights_count=count, actor=actor, **terms
    )


class ConfirmOptions(StayTerms, total=False):
    """What `confirm` takes besides the hold, its guests and the actor."""

    nights_count: int | None


def confirm_hold(
    session: Session,
    *,
    hold_id: int,
    guest_code: str,
    actor: str,
    **options: Unpack[ConfirmOptions],
) -> Stay:
    """A hold of one unit, for one guest."""
    return confirm(session, hold_id=hold_id, guest_codes=[guest_code], actor=actor, **options)[0]


def cancel_hold(
    session: Session, *, hold_id: int, actor: str, now: dt.datetime | None = None
) -> None:
    now = now or utcnow()
    row = active_hold(session, hold_id, now)
    require_at_units(session, Right.HOLD, hold_unit_ids(session, row))
    refs = _release(session, row, HoldStatus.CANCELLED)
    audit.record(session, actor, "cancel_hold", f"unit:{refs[0]}", hold=row.id, units=refs)

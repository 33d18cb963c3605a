"""Who pays which nights: a guest's nights split among payers by date range, each with a
reference (decision or case number), and the "who pays?" list of nights nobody pays yet.

An explicit payer for a night wins over any commitment (billing.routing). Re-routing from a
night on changes only nights not yet closed: a posted night keeps its payer (the database
refuses any change to it); moving it to another payer is a correction (billing.corrections)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from bedboard.db.models import Adjustment, BedNight, Guest, Site, Unit
from bedboard.errors import BadInput, NightsPosted, RuleViolation
from bedboard.i18n import _
from bedboard.services.beds.nights import NIGHT_PLACES
from bedboard.services.lookup import find_guest, find_payer
from bedboard.services.safety import audit
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right
from bedboard.services.text import clean_text
from bedboard.states import AdjustmentKind, NightState


@dataclass(frozen=True)
class PayResult:
    changed: int  # nights re-routed to the payer
    kept_closed: int  # nights in the range already posted, left as they were
    first: dt.date
    last: dt.date


def assign_payer(
    session: Session,
    *,
    guest_code: str,
    payer: str,
    first: dt.date,
    last: dt.date | None = None,
    reference: str = "",
    actor: str,
) -> PayResult:
    """The payer (and reference) of the guest's nights first..last, or from first on."""
    require(session, Right.BILLING)
    if last is not None and last < first:
        raise BadInput(
            _("the range ends ({last}) before it starts ({first})").format(last=last, first=first)
        )
    reference = clean_text(reference, BedNight.payer_reference, "the payer reference")
    guest = find_guest(session, guest_code)
    payer_row = find_payer(session, payer)
    stmt = select(BedNight.id, BedNight.night, BedNight.posted_at).where(
        BedNight.guest_id == guest.id,
        BedNight.state == NightState.OCCUPIED,
        BedNight.night >= first,
    )
    if last is not None:
        stmt = stmt.where(BedNight.night <= last)
    rows = session.execute(stmt.order_by(BedNight.night)).all()
    if not rows:
        if last is None:
            refusal = _("guest {code} has no nights from {first} on")
        else:
            refusal = _("guest {code} has no nights from {first} to {last}")
        raise RuleViolation(refusal.format(code=guest.code, first=first, last=last))
    open_rows = [r for r in rows if r.posted_at is None]
    if not open_rows:
        raise NightsPosted(
            _(
                "every night of {code} in that range is closed; move them to another "
                "payer with a correction"
            ).format(code=guest.code)
        )
    ids = [r.id for r in open_rows]
    for start in range(0, len(ids), 500):
        session.execute(
            update(BedNight)
            .where(BedNight.id.in_(ids[start : start + 500]), BedNight.posted_at.is_(None))
            .values(payer_id=payer_row.id, payer_reference=reference, commitment_id=None)
        )
    result = PayResult(len(open_rows), len(rows) - len(open_rows), rows[0].night, rows[-1].night)
    audit.record(
        session,
        actor,
        "pay",
        f"guest:{guest.code}",
        payer=payer_row.name,
        reference=reference,
        first=open_rows[0].night,
        last=open_rows[-1].night,
        nights=len(open_rows),
        kept_closed=result.kept_closed,
    )
    return result


@dataclass(frozen=True)
class Unbilled:
    """One stay's open (or, from `closed_unbilled`, closed) nights that nobody pays."""

    stay_id: int
    guest_code: str
    site: str
    unit: str
    first_night: dt.date
    last_night: dt.date
    nights: int
    beyond_cap_of: int | None = None  # a commitment covers them but its cap is used up

    @property
    def key(self) -> str:
        """One line per stay, and apart the stay's nights beyond a commitment's cap."""
        return f"{self.stay_id}:{self.beyond_cap_of or ''}"

    @property
    def ref(self) -> str:
        return f"{self.site}/{self.unit}"


def who_pays(session: Session, limit: int = 1000) -> list[Unbilled]:
    """Every stay with occupied, not yet closed nights that have no payer; oldest first."""
    require(session, Right.BILLING)
    return _unbilled_per_stay(session, limit, BedNight.posted_at.is_(None))


def closed_unbilled(session: Session, limit: int = 1000) -> list[Unbilled]:
    """Closed nights that nobody pays, not even after a correction: per stay, oldest first.
    They are billed only by correcting them to a payer."""
    rebilled = select(Adjustment.bed_night_id).where(Adjustment.kind == AdjustmentKind.REBILL)
    return _unbilled_per_stay(
        session, limit, BedNight.posted_at.is_not(None), BedNight.id.not_in(rebilled)
    )


def _unbilled_per_stay(session: Session, limit: int, *which: ColumnElement[bool]) -> list[Unbilled]:
    """Occupied nights without a payer that match `which`, one row per stay, oldest first."""
    stmt = (
        select(
            BedNight.stay_id,
            Guest.code,
            Site.name,
            Unit.label,
            func.min(BedNight.night),
            func.max(BedNight.night),
            func.count(),
            BedNight.commitment_id,
        )
        .select_from(NIGHT_PLACES)
        .join(Guest, Guest.id == BedNight.guest_id)
        .where(BedNight.state == NightState.OCCUPIED, BedNight.payer_id.is_(None), *which)
        .group_by(BedNight.stay_id, Guest.code, Site.name, Unit.label, BedNight.commitment_id)
        .order_by(func.min(BedNight.night), BedNight.stay_id)
        .limit(limit)
    )
    return [
        Unbilled(stay_id or 0, code, site, label, first, last, count, commitment)
        for stay_id, code, site, label, first, last, count, commitment in session.execute(stmt)
    ]

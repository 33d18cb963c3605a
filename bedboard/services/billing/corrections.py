"""Corrections after close: a closed night moves to another payer without touching its posted
row. One transaction writes, per night, a **credit** (the amount billed so far back, negative,
to whoever it was billed to - nobody, for a night closed unbilled) and a **rebill** (the new
payer's rate that night). Both are adjustment rows, locked by the database like the night.

Who a closed night is billed to now is the payer of its latest rebill, else its posted payer;
so a night can be corrected again, and each correction credits exactly what the last one
billed. Over all payers, a night's nights-and-corrections always add up to its rate once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedboard.db.models import Adjustment, BedNight, Payer, Site, Unit
from bedboard.errors import BadInput, RuleViolation
from bedboard.i18n import _
from bedboard.services.beds.nights import NIGHT_PLACES
from bedboard.services.billing.billed import billed_now
from bedboard.services.billing.rates import RateBook
from bedboard.services.clock import night_range, utcnow
from bedboard.services.lookup import find_guest, find_payer
from bedboard.services.safety import audit
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right
from bedboard.services.text import clean_text
from bedboard.states import AdjustmentKind, NightState


@dataclass(frozen=True)
class Corrected:
    night: dt.date
    old_payer: str  # "" when it was unbilled
    credit: int
    rebill: int
    currency: str


def clean_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise BadInput(_("say why: a correction needs a reason"))
    return clean_text(reason, Adjustment.reason, _("the reason"))


def correct(
    session: Session,
    *,
    guest_code: str,
    first: dt.date,
    last: dt.date | None = None,
    payer: str,
    reference: str = "",
    reason: str,
    actor: str,
    now: dt.datetime | None = None,
) -> list[Corrected]:
    """Move the guest's closed nights first..last (or just `first`) to `payer`."""
    require(session, Right.CORRECT)
    reason = clean_reason(reason)
    reference = clean_text(reference, BedNight.payer_reference, _("the payer reference"))
    wanted = night_range(first, last or first)
    guest = find_guest(session, guest_code)
    new_payer = find_payer(session, payer)
    rows = session.execute(
        select(BedNight, Unit.site_id, Site.kind)
        .select_from(NIGHT_PLACES)
        .where(
            BedNight.guest_id == guest.id,
            BedNight.state == NightState.OCCUPIED,
            BedNight.night >= wanted[0],
            BedNight.night <= wanted[-1],
        )
        .order_by(BedNight.night)
    ).all()
    if not rows:
        raise RuleViolation(
            _("guest {code} has no nights from {first} to {last}").format(
                code=guest.code, first=wanted[0], last=wanted[-1]
            )
        )
    still_open = [r.BedNight.night for r in rows if r.BedNight.posted_at is None]
    if still_open:
        raise RuleViolation(
            _(
                "the night of {night} is not closed yet: set its payer instead; only closed "
                "nights are corrected"
            ).format(night=still_open[0])
        )
    names = {a: b for a, b in session.execute(select(Payer.id, Payer.name))}
    book = RateBook.load(session)
    created = (now or utcnow()).replace(microsecond=0)
    done: list[Corrected] = []
    for night, site_id, site_kind in rows:
        billed = billed_now(session, night)
        if billed.payer_id == new_payer.id:
            raise RuleViolation(
                _("the night of {night} is already billed to {payer}").format(
                    night=night.night, payer=new_payer.name
                )
            )
        rule = book.find(night.night, site_id, site_kind, new_payer.id)
        if rule is None:
            raise RuleViolation(
                _("no rate for {payer} on the night of {night}").format(
                    payer=new_payer.name, night=night.night
                )
            )
        # the same night, reason and moment on both sides: a credit to the old, a rebill to the new
        same = {"bed_night_id": night.id, "reason": reason, "actor": actor, "created_at": created}
        session.add_all(
            [
                Adjustment(
                    kind=AdjustmentKind.CREDIT,
                    amount=-billed.amount,
                    currency=billed.currency or rule.currency,
                    payer_id=billed.payer_id,
                    payer_reference=billed.reference,
                    **same,
                ),
                Adjustment(
                    kind=AdjustmentKind.REBILL,
                    amount=rule.amount,
                    currency=rule.currency,
                    payer_id=new_payer.id,
                    payer_reference=reference,
                    **same,
                ),
            ]
        )
        old = names.get(billed.payer_id, "") if billed.payer_id is not None else ""
        done.append(Corrected(night.night, old, -billed.amount, rule.amount, rule.currency))
    session.flush()
    audit.record(
        session,
        actor,
        "correct",
        f"guest:{guest.code}",
        first=wanted[0],
        last=wanted[-1],
        payer=new_payer.name,
        reference=reference,
        reason=reason,
        nights=[
            {"night": c.night, "from": c.old_payer, "credit": c.credit, "rebill": c.rebill}
            for c in done
        ],
    )
    return done

"""Who a posted night is billed to now: the payer and amount of its latest rebill (a
correction moved it), else what was posted. Adjustments and corrections both start here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedboard.db.models import Adjustment, BedNight
from bedboard.states import AdjustmentKind


@dataclass(frozen=True)
class Billed:
    """Who a posted night is billed to now, and how much."""

    payer_id: int | None
    reference: str
    amount: int
    currency: str


def billed_now(session: Session, night: BedNight) -> Billed:
    rebill = session.scalars(
        select(Adjustment)
        .where(Adjustment.bed_night_id == night.id, Adjustment.kind == AdjustmentKind.REBILL)
        .order_by(Adjustment.id.desc())
        .limit(1)
    ).first()
    if rebill is not None:
        return Billed(rebill.payer_id, rebill.payer_reference, rebill.amount, rebill.currency)
    return Billed(night.payer_id, night.payer_reference, night.rate or 0, night.currency or "")

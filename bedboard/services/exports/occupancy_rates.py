"""The occupancy export's `rate` for occupied nights not yet closed: the rate that applies now
(a posted night already carries its own)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedboard.db.models import Payer, Unit
from bedboard.services.beds.availability import UnitNight
from bedboard.services.billing.rates import RateBook
from bedboard.states import UnitStatus


def fill_rates(session: Session, units: list[UnitNight]) -> list[UnitNight]:
    if not any(u.status == UnitStatus.OCCUPIED and not u.posted for u in units):
        return units
    book = RateBook.load(session)
    site_of = {a: b for a, b in session.execute(select(Unit.id, Unit.site_id))}
    payer_ids = {a: b for a, b in session.execute(select(Payer.name, Payer.id))}
    filled = []
    for u in units:
        if u.status == UnitStatus.OCCUPIED and not u.posted and u.rate is None:
            rule = book.find(u.night, site_of[u.unit_id], u.site_kind, payer_ids.get(u.payer))
            if rule is not None:
                u = replace(u, rate=rule.amount, currency=rule.currency)
        filled.append(u)
    return filled

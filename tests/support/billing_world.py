"""A small world for the billing tests: sites and units added straight through the ORM (the
inventory import has its own tests), payers, rates and adjustments through the billing services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session

from bedboard.db.models import Adjustment, Site, Unit
from bedboard.services.billing import close


def add_site(session: Session, name: str, kind: str, units: int = 1, area: str = "Nacka") -> int:
    site = Site(name=name, kind=kind, area=area)
    session.add(site)
    session.flush()
    session.add_all(Unit(site_id=site.id, room="", label=str(i + 1), tags="") for i in range(units))
    session.flush()
    return site.id


def nights_from(first: dt.date) -> Callable[[int], dt.date]:
    """`night(i)`: the night `i` nights after `first` (before it when negative)."""
    return lambda i: first + dt.timedelta(days=i)


def adjust(
    session: Session, guest: str, night: dt.date, amount: int, reason: str, *, actor: str = "t"
) -> Adjustment:
    """An adjustment in SEK (öre) as the tests write it most often, through the real service."""
    return close.adjust(
        session,
        guest_code=guest,
        night=night,
        amount=amount,
        reason=reason,
        currency="SEK",
        actor=actor,
    )

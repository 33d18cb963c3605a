"""A check-in as the tests write it most often: unit, guest, first night and count in one line,
through the real service (tests that test check-in itself spell the call out)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from bedboard.db.models import Stay
from bedboard.services.beds import stays


def book(
    session: Session,
    unit: str,
    guest: str,
    night: dt.date,
    nights: int = 1,
    *,
    payer: str | None = None,
    reference: str = "",
    actor: str = "t",
    now: dt.datetime | None = None,
) -> Stay:
    return stays.check_in(
        session,
        unit=unit,
        guest_code=guest,
        night=night,
        nights_count=nights,
        payer=payer,
        reference=reference,
        actor=actor,
        now=now,
    )

"""A check-in as the tests write it most often: unit, guest, first night and count in one line,
through the real service (tests that test check-in itself spell the call out)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from bedboard.db.models import Stay
from bedboard.services.beds import stays


def book(
    session: Session, unit: str, guest: str, night: dt.date, nights: int = 1, **options: Any
) -> Stay:
    """`options` (payer, reference, now, actor: "t" unless given) go to the service as is."""
    options.setdefault("actor", "t")
    return stays.check_in(
        session, unit=unit, guest_code=guest, night=night, nights_count=nights, **options
    )

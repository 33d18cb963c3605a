"""Lists the board offers to choose from: active payers, known guest codes, sites."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedboard.db.models import Guest, Payer, Site


@dataclass(frozen=True)
class Choices:
    payers: tuple[str, ...] = ()
    guest_codes: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()


def choices(session: Session) -> Choices:
    return Choices(
        payers=tuple(session.scalars(select(Payer.name).where(Payer.active).order_by(Payer.name))),
        guest_codes=tuple(session.scalars(select(Guest.code).order_by(Guest.code))),
        sites=tuple(session.scalars(select(Site.name).order_by(Site.name))),
    )

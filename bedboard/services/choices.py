"""Lists the board offers to choose from: active payers and sites. (Guest codes are completed
from the database as they are typed: ui/widgets/code_suggester.py.)"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedboard.db.models import Payer, Site


@dataclass(frozen=True)
class Choices:
    payers: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()


def choices(session: Session) -> Choices:
    return Choices(
        payers=tuple(session.scalars(select(Payer.name).where(Payer.active).order_by(Payer.name))),
        sites=tuple(session.scalars(select(Site.name).order_by(Site.name))),
    )

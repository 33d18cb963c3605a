"""Households: people booked together (a mother and her children). A household exists from the
first time a guest joins its code; it is found by that code everywhere else."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedboard.db.models import Guest, Household
from bedboard.errors import NotFound
from bedboard.i18n import _
from bedboard.services.clock import utcnow
from bedboard.services.lookup import clean_code


def find_household(session: Session, code: str) -> Household:
    row = session.scalar(select(Household).where(Household.code == code.strip()))
    if row is None:
        raise NotFound(_("no household with code {code!r}").format(code=code))
    return row


def household_or_new(session: Session, code: str) -> tuple[Household, bool]:
    code = clean_code(code)
    row = session.scalar(select(Household).where(Household.code == code))
    if row is not None:
        return row, False
    row = Household(code=code, created_at=utcnow())
    session.add(row)
    session.flush()
    return row, True


def members(session: Session, household_id: int) -> list[Guest]:
    """The household's guests in code order (the first is who the board shows it by)."""
    return list(
        session.scalars(select(Guest).where(Guest.household_id == household_id).order_by(Guest.id))
    )


def household_code(session: Session, household_id: int | None) -> str:
    if household_id is None:
        return ""
    row = session.get(Household, household_id)
    return row.code if row else ""

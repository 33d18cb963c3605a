"""The guest record at intake: register, edit, show and list. A guest is known by a code; the
name, if any, is written here but never returned (names leave only through the audited reveal in
services/people/search.py and services/safety/privacy.py). The audit log names fields changed,
never their values."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bedboard.db import pg_access
from bedboard.db.models import AvoidRule, Guest
from bedboard.errors import BadInput, RuleViolation
from bedboard.i18n import _
from bedboard.services.lookup import clean_code, find_guest
from bedboard.services.people import households
from bedboard.services.people.intake_text import (
    clean_birth_year,
    clean_gender,
    clean_languages,
    clean_name,
    clean_needs,
    clean_notes,
)
from bedboard.services.safety import audit
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right

DEFAULT_PREFIX = "G-"


@dataclass(frozen=True)
class GuestFields:
    """What intake may set. None leaves a field as it is (on edit) or empty (on add)."""

    name: str | None = None
    birth_year: int | None = None
    gender: str | None = None
    languages: str | None = None
    needs: str | None = None
    protected: bool | None = None
    household: str | None = None  # "" leaves the household
    notes: str | None = None


@dataclass(frozen=True)
class GuestView:
    """A guest as the desk may see them: everything but the name."""

    code: str
    household: str
    household_members: tuple[str, ...]
    gender: str
    birth_year: int | None
    languages: tuple[str, ...]
    needs: tuple[str, ...]
    protected: bool
    name_recorded: bool
    notes: str
    avoid_rules: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "household": self.household or None,
            "household_members": list(self.household_members),
            "gender": self.gender or None,
            "birth_year": self.birth_year,
            "languages": list(self.languages),
            "needs": list(self.needs),
            "protected": self.protected,
            "name_recorded": self.name_recorded,
            "notes": self.notes,
            "avoid_rules": self.avoid_rules,
        }


def next_code(session: Session, prefix: str = DEFAULT_PREFIX) -> str:
    """The prefix and one more than the highest number already used after it (G-1, G-2, ...)."""
    prefix = prefix.strip() or DEFAULT_PREFIX
    used = session.scalars(
        select(Guest.code).where(Guest.code.startswith(prefix, autoescape=True))
    ).all()
    pattern = re.compile(re.escape(prefix) + r"(\d+)$")
    numbers = [int(m.group(1)) for c in used if (m := pattern.match(c))]
    return f"{prefix}{max(numbers, default=0) + 1}"


# Each plain field of a guest and the function that cleans what is given for it, in the order
# the audit entry names them; the household is not plain (it may create a household).
_CLEANERS: dict[str, Callable[[Any], Any]] = {
    "name": clean_name,
    "birth_year": clean_birth_year,
    "gender": clean_gender,
    "languages": clean_languages,
    "needs": clean_needs,
    "protected": bool,
    "notes": clean_notes,
}


def _apply(session: Session, guest: Guest, fields: GuestFields) -> list[str]:
    """Clean and set every field given; returns the names of the fields set."""
    changed = []
    for name, clean in _CLEANERS.items():
        value = getattr(fields, name)
        if value is not None:
            setattr(guest, name, clean(value))
            changed.append(name)
    if fields.household is not None:
        if fields.household.strip():
            household, _created = households.household_or_new(session, fields.household)
            guest.household_id = household.id
        else:
            guest.household_id = None
        changed.append("household")
    return changed


def _record(session: Session, actor: str, action: str, guest: Guest, changed: list[str]) -> None:
    """The audit entry of an added or edited guest: which fields were set, never their values."""
    household = households.household_code(session, guest.household_id) or None
    audit.record(session, actor, action, f"guest:{guest.code}", fields=changed, household=household)


def add_guest(
    session: Session,
    *,
    code: str | None,
    fields: GuestFields,
    actor: str,
    prefix: str = DEFAULT_PREFIX,
) -> Guest:
    require(session, Right.REGISTER_GUEST)
    code = clean_code(code) if code is not None else next_code(session, prefix)
    if session.scalar(select(Guest.id).where(Guest.code == code)) is not None:
        raise RuleViolation(_("a guest with code {code!r} already exists").format(code=code))
    guest = Guest(code=code, protected=True, languages="", notes="", needs="")
    changed = _apply(session, guest, fields)
    session.add(guest)
    session.flush()
    _record(session, actor, "guest_add", guest, changed)
    return guest


def register_or_update(
    session: Session,
    *,
    code: str | None,
    fields: GuestFields,
    actor: str,
    prefix: str = DEFAULT_PREFIX,
) -> str:
    """At the door: a new (or no) code registers the guest with what was filled in; a known code
    gets the fields filled in, and keeps the rest. Returns the code."""
    known = code is not None and session.scalar(select(Guest.id).where(Guest.code == code.strip()))
    if not known:
        return add_guest(session, code=code, fields=fields, actor=actor, prefix=prefix).code
    assert code is not None
    if any(v is not None for v in fields.__dict__.values()):
        edit_guest(session, code=code, fields=fields, actor=actor)
    return code.strip()


def edit_guest(session: Session, *, code: str, fields: GuestFields, actor: str) -> Guest:
    require(session, Right.REGISTER_GUEST)
    guest = find_guest(session, code)
    changed = _apply(session, guest, fields)
    if not changed:
        raise BadInput(_("nothing to change for guest {code}").format(code=guest.code))
    session.flush()
    _record(session, actor, "guest_edit", guest, changed)
    return guest


def _split(text: str, sep: str) -> tuple[str, ...]:
    return tuple(p for p in text.split(sep) if p)


def view(session: Session, guest: Guest) -> GuestView:
    members: tuple[str, ...] = ()
    if guest.household_id is not None:
        members = tuple(g.code for g in households.members(session, guest.household_id))
    rules = session.scalar(
        select(func.count()).select_from(AvoidRule).where(AvoidRule.guest_id == guest.id)
    )
    if session.info.get("db_login"):  # PostgreSQL staff login: name and notes are not readable
        name_recorded, notes = pg_access.guest_private(session, guest.code)
    else:
        name_recorded, notes = guest.name is not None, guest.notes
    return GuestView(
        code=guest.code,
        household=households.household_code(session, guest.household_id),
        household_members=members,
        gender=guest.gender or "",
        birth_year=guest.birth_year,
        languages=_split(guest.languages, ","),
        needs=_split(guest.needs, ";"),
        protected=guest.protected,
        name_recorded=name_recorded,  # whether, never what
        notes=notes,
        avoid_rules=int(rules or 0),
    )


def show_guest(session: Session, code: str) -> GuestView:
    require(session, Right.REGISTER_GUEST)
    return view(session, find_guest(session, code))


def list_guests(session: Session, household: str | None = None) -> list[GuestView]:
    require(session, Right.REGISTER_GUEST)
    stmt = select(Guest).order_by(Guest.code)
    if household:
        stmt = stmt.where(Guest.household_id == households.find_household(session, household).id)
    return [view(session, g) for g in session.scalars(stmt)]

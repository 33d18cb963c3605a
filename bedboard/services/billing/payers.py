"""Payers: who is billed for nights. A payer is never deleted once it exists (nights, rates and
the audit log point at it); it is deactivated instead and then takes no new nights."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedboard.db.models import PAYER_KINDS, Payer
from bedboard.errors import BadInput, RuleViolation
from bedboard.i18n import N_, _
from bedboard.services.lookup import find_payer
from bedboard.services.safety import audit
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right
from bedboard.services.text import clean_text

FIELD_WORDS = {  # N_() marked: what a refusal calls the field
    "name": N_("the payer name"),
    "org_number": N_("the payer org number"),
    "address": N_("the payer address"),
    "contact": N_("the payer contact"),
}


def clean_field(field: str, value: str) -> str:
    """One of the payer's text fields (name, org_number, address, contact)."""
    return clean_text(value, getattr(Payer, field), _(FIELD_WORDS[field]))


def check_kind(kind: str) -> str:
    if kind not in PAYER_KINDS:
        raise BadInput(
            _("unknown payer kind {kind!r} (use {value})").format(
                kind=kind, value=", ".join(PAYER_KINDS)
            )
        )
    return kind


def any_payer(session: Session, name: str) -> Payer:
    """A payer by name, active or not (lookup.find_payer alone refuses deactivated ones)."""
    return find_payer(session, name, deactivated_too=True)


def add_payer(
    session: Session,
    *,
    name: str,
    kind: str,
    org_number: str = "",
    address: str = "",
    contact: str = "",
    actor: str,
) -> Payer:
    require(session, Right.PAYERS)
    name = clean_field("name", name)
    if not name:
        raise BadInput(_("a payer needs a name"))
    check_kind(kind)
    if session.scalar(select(Payer.id).where(Payer.name == name)) is not None:
        raise RuleViolation(_("a payer named {name!r} already exists").format(name=name))
    payer = Payer(
        name=name,
        kind=kind,
        active=True,
        org_number=clean_field("org_number", org_number),
        address=clean_field("address", address),
        contact=clean_field("contact", contact),
    )
    session.add(payer)
    session.flush()
    audit.record(session, actor, "add_payer", f"payer:{name}", kind=kind)
    return payer


def edit_payer(
    session: Session,
    *,
    name: str,
    new_name: str | None = None,
    kind: str | None = None,
    org_number: str | None = None,
    address: str | None = None,
    contact: str | None = None,
    actor: str,
) -> Payer:
    require(session, Right.PAYERS)
    payer = any_payer(session, name)
    changes: dict[str, str] = {}
    if new_name is not None:
        cleaned = clean_field("name", new_name)
        if not cleaned:
            raise BadInput(_("a payer needs a name"))
        if cleaned != payer.name and session.scalar(select(Payer.id).where(Payer.name == cleaned)):
            raise RuleViolation(
                _("a payer named {cleaned!r} already exists").format(cleaned=cleaned)
            )
        changes["name"] = cleaned
    if kind is not None:
        changes["kind"] = check_kind(kind)
    for field, value in (("org_number", org_number), ("address", address), ("contact", contact)):
        if value is not None:
            changes[field] = clean_field(field, value)
    changed = {k: v for k, v in changes.items() if getattr(payer, k) != v}
    if not changed:
        return payer
    for field, value in changed.items():
        setattr(payer, field, value)
    session.flush()
    audit.record(session, actor, "edit_payer", f"payer:{name.strip()}", **changed)
    return payer


def set_active(session: Session, *, name: str, active: bool, actor: str) -> Payer:
    require(session, Right.PAYERS)
    payer = any_payer(session, name)
    if payer.active == active:
        state = "active" if active else "deactivated"
        raise RuleViolation(
            _("payer {name!r} is already {state}").format(name=payer.name, state=state)
        )
    payer.active = active
    session.flush()
    audit.record(
        session, actor, "activate_payer" if active else "deactivate_payer", f"payer:{payer.name}"
    )
    return payer


def list_payers(session: Session, include_inactive: bool = True) -> list[Payer]:
    require(session, Right.BILLING)
    stmt = select(Payer).order_by(Payer.name)
    if not include_inactive:
        stmt = stmt.where(Payer.active.is_(True))
    return list(session.scalars(stmt))

"""Reveals with a reason, and the disclosure log built from the audit log.

Every time a guest's identity leaves the program (a reveal on the board or on the command line,
names in an export, a protected guest found by name, an extract for an access request, a
backup of the whole database) the audit log holds who, when and why. A protected guest's name
needs a second staff member to confirm before it is shown.

`disclosures` answers "who saw or exported this person's data, and why" from those entries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bedboard.db.models import AuditEntry, BedNight, Guest, Unit
from bedboard.errors import BadInput
from bedboard.i18n import _
from bedboard.services.lookup import clean_text, find_guest
from bedboard.services.staff.access import Actor, NotAllowed, actor_of, require
from bedboard.services.staff.rights import OWN_SITES, Right, scope

MAX_REASON = 300
# Audit actions that disclose a person's data, and what each means to a reader.
DISCLOSURE_ACTIONS = (
    "reveal_name",
    "names_released",
    "find_guest_by_name",
    "guest_extract",
    "avoid_rules_shown",
    "backup",
)


def check_reason(reason: str | None) -> str:
    reason = clean_text(reason or "", MAX_REASON, _("the reason"))
    if not reason:
        raise BadInput(_("say why the name is needed: the reason is written to the audit log"))
    return reason


def guest_site_ids(session: Session, guest: Guest) -> set[int]:
    """The sites where the guest has, had or will have a night."""
    return set(
        session.scalars(
            select(Unit.site_id)
            .join(BedNight, BedNight.unit_id == Unit.id)
            .where(BedNight.guest_id == guest.id)
        )
    )


def require_reveal(session: Session, guest: Guest) -> Actor:
    """REVEAL for this guest: night staff only for a guest who stays (or stayed) at their
    sites, everyone else with the right anywhere."""
    sites = guest_site_ids(session, guest)
    actor = actor_of(session)
    mine = sites & actor.site_ids
    return require(session, Right.REVEAL, site_ids=mine or sites)


def check_confirmer(
    session: Session, *, codes: list[str], sites: set[int], confirmer: Actor | None
) -> str | None:
    """A second staff member, signed in by the caller, who may reveal these guests too; the
    login of whoever confirmed, or None when no one needs to (before the first administrator)."""
    actor = actor_of(session)
    if actor.role is None:
        return None
    if confirmer is None:
        raise NotAllowed(
            _(
                "{codes} protected: a second staff member must confirm before a name is shown"
            ).format(codes=", ".join(codes))
        )
    if confirmer.login == actor.login:
        raise NotAllowed(_("the second staff member must be someone else"))
    where = scope(confirmer.role, Right.REVEAL)
    if where is None or (where == OWN_SITES and not sites & confirmer.site_ids):
        raise NotAllowed(
            _("{login} ({role}) may not confirm this reveal").format(
                login=confirmer.login, role=confirmer.role
            )
        )
    return confirmer.login


def confirm_protected(session: Session, guest: Guest, confirmed_by: Actor | None) -> str | None:
    """`check_confirmer` for one guest, when the guest is protected (nobody else needs one)."""
    if not guest.protected:
        return None
    return check_confirmer(
        session, codes=[guest.code], sites=guest_site_ids(session, guest), confirmer=confirmed_by
    )


@dataclass(frozen=True)
class Disclosure:
    entry_id: int
    at: str
    actor: str
    action: str
    reason: str
    confirmed_by: str
    detail: str


def _mentions(entry: AuditEntry, code: str) -> bool:
    try:
        detail = json.loads(entry.detail or "{}")
    except ValueError:
        return False
    return code in (detail.get("guests") or [])


def disclosures(session: Session, guest_code: str) -> list[Disclosure]:
    """Every entry that disclosed this guest's data, oldest first. Backups are listed too:
    each one holds every guest's identity."""
    require(session, Right.AUDIT)
    guest = find_guest(session, guest_code)
    target = f"guest:{guest.code}"
    entries = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.action.in_(DISCLOSURE_ACTIONS),
            or_(
                AuditEntry.target == target,
                AuditEntry.action.in_(("names_released", "backup")),
            ),
        )
        .order_by(AuditEntry.id)
    )
    found: list[Disclosure] = []
    for e in entries:
        if e.action == "names_released" and not _mentions(e, guest.code):
            continue
        try:
            detail = json.loads(e.detail or "{}")
        except ValueError:
            detail = {}
        found.append(
            Disclosure(
                e.id,
                e.at.isoformat(sep=" "),
                e.actor,
                e.action,
                str(detail.get("reason") or detail.get("purpose") or ""),
                str(detail.get("confirmed_by") or ""),
                str(detail.get("file") or ""),
            )
        )
    return found

"""Who is acting, and the one check every service makes before it acts: `require`.

The acting staff member travels with the session (`session.info["actor"]`, set by the store),
so the CLI and the board are checked by the same code in the services layer. Until the first
administrator exists the local user may do everything (first run, demo).

The API other layers (and the PostgreSQL side) rely on, kept stable:
- who acts: `Actor` (login, role, sites), carried as `session.info["actor"]`; `actor_of(session)`
  reads it, `Store.who` sets it for every session the store opens.
- may this actor do X: `Actor.may(right)` (anywhere, for key bars and menus), and
  `require(session, right, site_id=/site_ids=)` / `require_at_units(...)`, which raise
  `NotAllowed` (a RuleViolation: exit 1, one line) before a service changes anything.
- the rights themselves: `rights.Right`, `rights.scope(role, right)`, one table (`RIGHTS`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedboard.db.models import Staff
from bedboard.errors import RuleViolation
from bedboard.i18n import _
from bedboard.services.staff.rights import OWN_SITES, Right, scope
from bedboard.states import StaffRole
from bedboard.words import word


class NotAllowed(RuleViolation):
    """The acting staff member's role does not give this right (here)."""


class SignInRefused(RuleViolation):
    """Unknown or disabled staff member, wrong PIN, or too many wrong PINs."""


@dataclass(frozen=True)
class Actor:
    login: str
    role: str | None = None  # None: no administrator yet, so the local user may do everything
    site_ids: frozenset[int] = field(default_factory=frozenset)
    site_names: tuple[str, ...] = ()

    def may(self, right: Right) -> bool:
        """Whether the role has this right anywhere (for key bars and menus)."""
        return scope(self.role, right) is not None


def right_text(right: Right) -> str:
    texts = {
        Right.SEE_AVAILABILITY: _("see availability"),
        Right.BOOK: _("book, move or check out guests"),
        Right.HOLD: _("hold beds"),
        Right.TURNAWAY: _("record turnaways"),
        Right.REGISTER_GUEST: _("register guests"),
        Right.REVEAL: _("reveal guests' names"),
        Right.BILLING: _("work with billing"),
        Right.COMMITMENTS: _("record payers' commitments"),
        Right.CORRECT: _("correct closed nights"),
        Right.CLOSE_NIGHT: _("close nights"),
        Right.EXPORT: _("export data"),
        Right.AUDIT: _("read the audit log"),
        Right.STAFF: _("manage staff"),
        Right.INVENTORY: _("change the inventory"),
        Right.PAYERS: _("manage payers"),
        Right.RATES: _("set rates"),
        Right.BACKUP: _("make backups"),
        Right.RESTORE: _("restore backups"),
        Right.FORGET: _("erase guests' personal data"),
    }
    return texts[right]


def actor_of(session: Session) -> Actor:
    actor = session.info.get("actor")
    return actor if isinstance(actor, Actor) else Actor("unknown")


def admin_exists(session: Session) -> bool:
    return (
        session.scalar(
            select(Staff.id).where(Staff.role == StaffRole.ADMIN, Staff.active.is_(True)).limit(1)
        )
        is not None
    )


def require(
    session: Session,
    right: Right,
    *,
    site_id: int | None = None,
    site_ids: Iterable[int] = (),
) -> Actor:
    """Refuse (NotAllowed) unless the acting staff member may do this at these sites."""
    actor = actor_of(session)
    if actor.role is None:
        if admin_exists(session):
            raise NotAllowed(_("staff are set up for this database: sign in as a staff member"))
        return actor
    where = scope(actor.role, right)
    if where is None:
        raise NotAllowed(
            _("{login} ({role}) may not {what}").format(
                login=actor.login, role=word(StaffRole, actor.role), what=right_text(right)
            )
        )
    if where == OWN_SITES:
        sites = set(site_ids) | ({site_id} if site_id is not None else set())
        if not sites or not sites <= actor.site_ids:
            raise NotAllowed(
                _("{login} ({role}) may {what} only at their own sites ({sites})").format(
                    login=actor.login,
                    role=word(StaffRole, actor.role),
                    what=right_text(right),
                    sites=", ".join(actor.site_names) or _("none"),
                )
            )
    return actor


def require_at_units(session: Session, right: Right, unit_ids: Iterable[int]) -> Actor:
    """`require` at the sites of these units."""
    from bedboard.db.models import Unit

    ids = set(unit_ids)
    site_ids = set(session.scalars(select(Unit.site_id).where(Unit.id.in_(ids)))) if ids else set()
    return require(session, right, site_ids=site_ids)

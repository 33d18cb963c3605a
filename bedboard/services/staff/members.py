"""Adding, listing, changing and disabling staff. Only an administrator may (or anyone, before
the first administrator exists). The last active administrator can be neither disabled nor
given another role: without one, the database would be open to every local user again."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bedboard.db import pg_access
from bedboard.db.models import Site, Staff, StaffSite
from bedboard.errors import BadInput, NotFound, RuleViolation
from bedboard.i18n import _
from bedboard.services.clock import utcnow
from bedboard.services.lookup import clean_text
from bedboard.services.safety import audit
from bedboard.services.staff.access import Actor, NotAllowed, actor_of, require
from bedboard.services.staff.pins import check_new_pin, hash_pin
from bedboard.services.staff.rights import Right
from bedboard.states import StaffRole

# Also a PostgreSQL role name: lower case, no quoting surprises, at most 63 bytes.
LOGIN_PATTERN = re.compile(r"[a-z][a-z0-9_.-]{0,62}")


@dataclass(frozen=True)
class StaffRow:
    login: str
    name: str
    role: str
    sites: tuple[str, ...]
    active: bool
    has_pin: bool | None  # None: not for this reader to know (a PostgreSQL staff login)


def check_login(login: str) -> str:
    login = login.strip()
    if not LOGIN_PATTERN.fullmatch(login):
        raise BadInput(
            _(
                "a login is 1 to 63 characters: a lower-case letter, then lower-case letters, "
                "digits, '_', '.' or '-' (not {login!r})"
            ).format(login=login)
        )
    return login


def check_role(role: str) -> StaffRole:
    role = role.strip().lower()
    try:
        return StaffRole(role)
    except ValueError:
        raise BadInput(
            _("no role {role!r}; roles are {roles}").format(role=role, roles=", ".join(StaffRole))
        ) from None


def find_staff(session: Session, login: str) -> Staff:
    member = session.scalar(select(Staff).where(Staff.login == login.strip()))
    if member is None:
        raise NotFound(_("no staff member {login!r}").format(login=login.strip()))
    return member


def _sites(session: Session, names: Sequence[str]) -> list[Site]:
    found: list[Site] = []
    for name in dict.fromkeys(n.strip() for n in names):
        site = session.scalar(select(Site).where(Site.name == name))
        if site is None:
            raise NotFound(_("no site named {name!r}").format(name=name))
        found.append(site)
    return found


def _check_sites_for_role(role: str, sites: Sequence[Site]) -> None:
    if role == StaffRole.NIGHT and not sites:
        raise BadInput(_("night staff work at named sites: give at least one site"))


def site_names_of(session: Session, member: Staff) -> list[str]:
    return list(
        session.scalars(
            select(Site.name)
            .join(StaffSite, StaffSite.site_id == Site.id)
            .where(StaffSite.staff_id == member.id)
            .order_by(Site.name)
        )
    )


def actor_for(session: Session, member: Staff) -> Actor:
    rows = session.execute(
        select(Site.id, Site.name)
        .join(StaffSite, StaffSite.site_id == Site.id)
        .where(StaffSite.staff_id == member.id)
        .order_by(Site.name)
    ).all()
    return Actor(
        member.login,
        member.role,
        frozenset(r.id for r in rows),
        tuple(r.name for r in rows),
    )


def add_staff(
    session: Session,
    *,
    login: str,
    role: str,
    sites: Sequence[str] = (),
    name: str = "",
    pin: str | None = None,
    password: str | None = None,
) -> Staff:
    """`password`: on PostgreSQL, also make the member's own database login with it (the
    server then enforces their rights); the member signs in by connecting, not with a PIN."""
    require(session, Right.STAFF)
    login = check_login(login)
    role = check_role(role)
    name = clean_text(name, Staff.name, _("the name"))
    chosen = _sites(session, sites)
    _check_sites_for_role(role, chosen)
    if session.scalar(select(Staff.id).where(Staff.login == login)) is not None:
        raise RuleViolation(_("there is already a staff member {login!r}").format(login=login))
    if password is not None:
        _create_database_login(session, login, role, password)
    member = Staff(
        login=login,
        name=name,
        role=role,
        pin_hash=hash_pin(check_new_pin(pin)) if pin is not None else None,
        active=True,
        failed_pins=0,
        created_at=utcnow().replace(microsecond=0),
    )
    session.add(member)
    session.flush()
    session.add_all(StaffSite(staff_id=member.id, site_id=s.id) for s in chosen)
    session.flush()
    audit.record(
        session,
        actor_of(session).login,
        "staff_add",
        f"staff:{login}",
        role=role,
        sites=[s.name for s in chosen],
    )
    return member


def check_new_password(password: str) -> str:
    if len(password) < pg_access.MIN_PASSWORD or not password.isprintable():
        raise BadInput(
            _("a database password is at least {n} printable characters").format(
                n=pg_access.MIN_PASSWORD
            )
        )
    return password


def _create_database_login(session: Session, login: str, role: str, password: str) -> None:
    if session.get_bind().dialect.name != "postgresql":
        raise BadInput(_("database logins are made on PostgreSQL only; on SQLite give a PIN"))
    check_new_password(password)
    if pg_access.role_exists(session, login):
        raise RuleViolation(
            _("the PostgreSQL server already has a role {login!r}; choose another login").format(
                login=login
            )
        )
    if not pg_access.may_create_roles(session):
        raise NotAllowed(_("this database login may not create roles (it needs CREATEROLE)"))
    pg_access.create_login(session, login=login, role=role, password=password)


def _other_active_admins(session: Session, member: Staff) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Staff)
            .where(Staff.role == StaffRole.ADMIN, Staff.active.is_(True), Staff.id != member.id)
        )
        or 0
    )


def _keep_an_admin(session: Session, member: Staff) -> None:
    if (
        member.role == StaffRole.ADMIN
        and member.active
        and _other_active_admins(session, member) == 0
    ):
        raise RuleViolation(
            _("{login} is the last administrator; add another administrator first").format(
                login=member.login
            )
        )


def edit_staff(
    session: Session,
    *,
    login: str,
    role: str | None = None,
    sites: Sequence[str] | None = None,
    name: str | None = None,
) -> Staff:
    require(session, Right.STAFF)
    member = find_staff(session, login)
    changed: dict[str, object] = {}
    new_role = check_role(role) if role is not None else member.role
    chosen = _sites(session, sites) if sites is not None else None
    if new_role != member.role:
        _keep_an_admin(session, member)
        changed["role"] = new_role
    if chosen is not None:
        changed["sites"] = [s.name for s in chosen]
    if name is not None:
        member.name = clean_text(name, Staff.name, _("the name"))
        changed["name"] = True
    _check_sites_for_role(
        new_role,
        chosen if chosen is not None else _sites(session, site_names_of(session, member)),
    )
    if pg_access.is_staff_login(session, member.login):
        pg_access.set_group(session, login=member.login, old_role=member.role, new_role=new_role)
    member.role = new_role
    if chosen is not None:
        session.execute(delete(StaffSite).where(StaffSite.staff_id == member.id))
        session.add_all(StaffSite(staff_id=member.id, site_id=s.id) for s in chosen)
    session.flush()
    audit.record(session, actor_of(session).login, "staff_edit", f"staff:{member.login}", **changed)
    return member


def disable_staff(session: Session, *, login: str) -> Staff:
    return _set_active(session, login, active=False)


def enable_staff(session: Session, *, login: str) -> Staff:
    """A disabled staff member may sign in again (with the PIN or password they had)."""
    return _set_active(session, login, active=True)


def _set_active(session: Session, login: str, *, active: bool) -> Staff:
    """Disabled: no sign-in, and on PostgreSQL no connection (the role stays: its name is in
    the audit log). The history of a disabled member stays either way."""
    require(session, Right.STAFF)
    member = find_staff(session, login)
    if active and member.active:
        raise RuleViolation(_("{login} is not disabled").format(login=member.login))
    if not active:
        _keep_an_admin(session, member)
    member.active = active
    if pg_access.is_staff_login(session, member.login):
        if active:
            pg_access.restore_login(session, login=member.login)
        else:
            pg_access.revoke_login(session, login=member.login)
    session.flush()
    action = "staff_enable" if active else "staff_disable"
    audit.record(session, actor_of(session).login, action, f"staff:{member.login}")
    return member


def set_pin(session: Session, *, login: str, pin: str) -> Staff:
    """An administrator sets anyone's PIN; a staff member may change their own."""
    member = find_staff(session, login)
    if actor_of(session).login != member.login or actor_of(session).role is None:
        require(session, Right.STAFF)
    member.pin_hash = hash_pin(check_new_pin(pin))
    member.failed_pins = 0
    member.locked_until = None
    session.flush()
    audit.record(session, actor_of(session).login, "staff_pin", f"staff:{member.login}")
    return member


def list_staff(session: Session) -> list[StaffRow]:
    require(session, Right.STAFF)
    # A PostgreSQL staff login, even an administrator's, may not read PIN hashes (migration
    # 0007); it signs in with its password, so whether others have a PIN is left unsaid.
    pins_readable = not session.info.get("db_login")
    return [
        StaffRow(
            m.login,
            m.name,
            m.role,
            tuple(site_names_of(session, m)),
            m.active,
            bool(m.pin_hash) if pins_readable else None,
        )
        for m in session.scalars(select(Staff).order_by(Staff.login))
    ]

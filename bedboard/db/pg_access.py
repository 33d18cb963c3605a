"""PostgreSQL staff logins: each staff member may be a database role of their own, a member of
the group role of their bedboard role, and then the database enforces the rights table
(migration 0007: GRANTs, row-level security, the audited reveal function).

This module is the only place that speaks to PostgreSQL about roles. A password never goes to
the server in clear: libpq turns it into a SCRAM-SHA-256 verifier on this side, so the
statement text (server logs, pg_stat_statements, an error's SQL) holds only the verifier.

A later migration that adds a table must GRANT it to the groups as migration 0007 does (and
add its sequence): PostgreSQL gives a new table to its owner only, so staff logins would be
refused it until then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from bedboard.errors import DatabaseError, RuleViolation
from bedboard.i18n import _
from bedboard.states import StaffRole

GROUP_PREFIX = "bedboard_"
ALL_STAFF = "bedboard_staff"
GROUPS: dict[str, str] = {role: GROUP_PREFIX + role for role in StaffRole}
MIN_PASSWORD = 10

# The objects migration 0007 makes; `db check` names each one that is missing.
POLICIES = {
    "bed_nights": ("staff_read", "everywhere", "night_own_sites", "outreach_held_only"),
    "holds": ("staff_read", "everywhere", "night_own_sites", "outreach_everywhere"),
    "hold_units": ("staff_read", "everywhere", "night_own_sites", "outreach_everywhere"),
    "stays": ("staff_read", "everywhere", "night_own_sites"),
    "turnaways": ("staff_read", "everywhere", "night_own_sites", "outreach_everywhere"),
}
FUNCTIONS = ("bedboard_reveal_name", "bedboard_confirm_reveal", "bedboard_guest_private")
TRIGGERS = ("audit_log_actor",)
# Grants of later revisions (migration 0007's own are read from it: `expected_grants`). A
# revision that adds a table adds its GRANT here too, and `db check` then asks for it.
LATER_GRANTS = ("GRANT SELECT ON revision_changes TO bedboard_staff",)  # 0008
# (group, table, privilege) that must not hold: rights the table of roles withholds.
MUST_NOT = (
    ("bedboard_night", "adjustments", "INSERT"),
    ("bedboard_night", "audit_log", "SELECT"),
    ("bedboard_outreach", "stays", "INSERT"),
    ("bedboard_coordinator", "staff", "INSERT"),
)
HIDDEN_COLUMNS = ("name", "notes")  # of guests: no group may SELECT them


def database_login(conn: Connection) -> str | None:
    """The connected role when it is a staff login (a member of a bedboard group), else None:
    the owner, SQLite, or a database from before migration 0007."""
    if conn.dialect.name != "postgresql":
        return None
    row = conn.execute(
        text("SELECT current_user, to_regprocedure('bedboard_is_staff_login(name)') IS NOT NULL")
    ).one()
    if not row[1]:
        return None
    is_staff = conn.execute(text("SELECT bedboard_is_staff_login(current_user)")).scalar()
    return str(row[0]) if is_staff else None


def is_staff_login(session: Session, login: str) -> bool:
    """A role of that name exists and is in a bedboard group."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    if session.execute(text("SELECT to_regproc('bedboard_is_staff_login')")).scalar() is None:
        return False
    return bool(session.execute(text("SELECT bedboard_is_staff_login(:r)"), {"r": login}).scalar())


def may_create_roles(session: Session) -> bool:
    return bool(
        session.execute(
            text("SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user")
        ).scalar()
    )


def role_exists(session: Session, login: str) -> bool:
    found = session.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": login})
    return found.first() is not None


def _driver(session: Session) -> Any:
    """The psycopg connection under this session's transaction."""
    return session.connection().connection.driver_connection


def _run(session: Session, statement: Any) -> None:
    """A composed psycopg statement (identifiers quoted by psycopg), in the session's
    transaction: role changes commit or roll back with the staff row. Run on the driver (its
    errors are not SQLAlchemy's), so they are worded here, from the server's message only."""
    import psycopg

    driver = _driver(session)
    try:
        with driver.cursor() as cursor:
            cursor.execute(statement)
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        first = first.removeprefix("bedboard: ")
        if exc.sqlstate == "42501":
            raise RuleViolation(_("the database refused: {why}").format(why=first)) from None
        raise DatabaseError(_("database error: {why}").format(why=first)) from None


def create_login(session: Session, *, login: str, role: str, password: str) -> None:
    """A LOGIN role for a staff member, in the group of their role. The statement carries only
    the SCRAM verifier libpq computes here, never the password."""
    from psycopg import sql

    driver = _driver(session)
    verifier = driver.pgconn.encrypt_password(
        password.encode("utf-8"), login.encode("utf-8"), b"scram-sha-256"
    ).decode("ascii")
    _run(
        session,
        sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
            sql.Identifier(login), sql.Literal(verifier), sql.Identifier(GROUPS[role])
        ),
    )


def set_group(session: Session, *, login: str, old_role: str, new_role: str) -> None:
    from psycopg import sql

    if old_role != new_role:
        _run(
            session,
            sql.SQL("REVOKE {} FROM {}").format(
                sql.Identifier(GROUPS[old_role]), sql.Identifier(login)
            ),
        )
    _run(
        session,
        sql.SQL("GRANT {} TO {}").format(sql.Identifier(GROUPS[new_role]), sql.Identifier(login)),
    )


def revoke_login(session: Session, *, login: str) -> None:
    """The role stays (its name is in the audit log) but can no longer connect."""
    from psycopg import sql

    _run(session, sql.SQL("ALTER ROLE {} NOLOGIN").format(sql.Identifier(login)))


def restore_login(session: Session, *, login: str) -> None:
    """A disabled staff login may connect again (with the password it had)."""
    from psycopg import sql

    _run(session, sql.SQL("ALTER ROLE {} LOGIN").format(sql.Identifier(login)))


def reveal_name(session: Session, *, guest_code: str, reason: str, confirmed_by: str | None) -> str:
    """The name through the audited function: its audit entry is written in this transaction
    before the name comes back."""
    return str(
        session.execute(
            text("SELECT bedboard_reveal_name(:code, :reason, :confirmed_by)"),
            {"code": guest_code, "reason": reason, "confirmed_by": confirmed_by},
        ).scalar()
    )


def confirm_reveal(session: Session, *, guest_code: str, for_login: str) -> None:
    """A second staff member's confirmation, made in their own session (their own login)."""
    session.execute(
        text("SELECT bedboard_confirm_reveal(:code, :for_login)"),
        {"code": guest_code, "for_login": for_login},
    )


def guest_private(session: Session, guest_code: str) -> tuple[bool, str]:
    """Whether a name is recorded, and the notes, for those who register guests."""
    row = session.execute(
        text("SELECT name_recorded, notes FROM bedboard_guest_private(:code)"),
        {"code": guest_code},
    ).one()
    return bool(row.name_recorded), str(row.notes or "")


def missing_access(conn: Connection) -> list[str]:
    """What of migration 0007 is missing: group roles, policies, functions, the actor trigger,
    every grant it (and later revisions) made, and grants that must not be there."""
    if conn.dialect.name != "postgresql":
        return []
    missing: list[str] = []
    roles = set(
        conn.execute(
            text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"),
            {"names": [ALL_STAFF, *GROUPS.values()]},
        ).scalars()
    )
    missing += [f"role {r}" for r in (ALL_STAFF, *GROUPS.values()) if r not in roles]
    if missing:
        return missing  # nothing of the rest can be there
    present = set(
        conn.execute(
            text(
                "SELECT tablename || '.' || policyname FROM pg_policies "
                "WHERE schemaname = current_schema()"
            )
        ).scalars()
    )
    for table, names in POLICIES.items():
        missing += [f"policy {table}.{n}" for n in names if f"{table}.{n}" not in present]
    secured = set(
        conn.execute(
            text(
                "SELECT relname FROM pg_class WHERE relrowsecurity "
                "AND relnamespace = current_schema()::regnamespace"
            )
        ).scalars()
    )
    missing += [f"row-level security on {t}" for t in POLICIES if t not in secured]
    functions = set(
        conn.execute(
            text(
                "SELECT proname FROM pg_proc WHERE prosecdef "
                "AND pronamespace = current_schema()::regnamespace"
            )
        ).scalars()
    )
    missing += [f"function {f}" for f in FUNCTIONS if f not in functions]
    missing += [grant.text for grant in expected_grants() if not grant.held_in(conn)]
    for group, table, privilege in MUST_NOT:
        if Grant(group, table, privilege).held_in(conn):
            missing.append(f"no grant of {privilege} on {table} to {group} (it is granted)")
    for group in GROUPS.values():
        for column in HIDDEN_COLUMNS:
            if conn.execute(
                text("SELECT has_column_privilege(:g, 'guests', :c, 'SELECT')"),
                {"g": group, "c": column},
            ).scalar():
                missing.append(f"guests.{column} hidden from {group} (it is readable)")
    return missing


@dataclass(frozen=True)
class Grant:
    """One privilege of one group on one table (or one column of it)."""

    group: str
    table: str
    privilege: str
    column: str | None = None

    @property
    def text(self) -> str:
        on = f"{self.table} ({self.column})" if self.column else self.table
        return f"grant {self.privilege} on {on} to {self.group}"

    def held_in(self, conn: Connection) -> bool:
        """Held by the group, directly or through bedboard_staff (what a login gets)."""
        if self.column is None:
            query = "SELECT has_table_privilege(:g, :t, :p)"
        else:
            query = "SELECT has_column_privilege(:g, :t, :c, :p)"
        exists = conn.execute(text("SELECT to_regclass(:t) IS NOT NULL"), {"t": self.table})
        if not exists.scalar():
            return False
        values = {"g": self.group, "t": self.table, "p": self.privilege, "c": self.column}
        return bool(conn.execute(text(query), values).scalar())


GRANT_STATEMENT = re.compile(r"GRANT (?P<privileges>.+) ON (?P<tables>.+) TO (?P<group>\w+)$")
PRIVILEGE = re.compile(r"(?P<name>[A-Z]+)(?: \((?P<columns>[^)]*)\))?")


@cache
def expected_grants() -> tuple[Grant, ...]:
    """Every table grant migration 0007 makes, read from its own list of statements (so the
    check cannot drift from what it grants), and those of later revisions. The schema and
    sequence grants are left to the program's own use: no table is there without them."""
    from alembic.script import ScriptDirectory

    from bedboard.db.migrate import alembic_config

    revision = ScriptDirectory.from_config(alembic_config()).get_revision("0007_pg_access")
    assert revision is not None and revision.module is not None
    statements = [*revision.module.GRANTS, *LATER_GRANTS]
    return tuple(grant for statement in statements for grant in parse_grant(statement))


def parse_grant(statement: str) -> list[Grant]:
    """`GRANT SELECT (id, hash), INSERT ON audit_log TO bedboard_staff` -> one Grant per
    privilege, table and column; nothing for a schema's or its sequences' grants."""
    found = GRANT_STATEMENT.match(statement)
    if found is None or "SCHEMA" in found["tables"]:
        return []
    tables = [t.strip() for t in found["tables"].split(",")]
    grants: list[Grant] = []
    for privilege in PRIVILEGE.finditer(found["privileges"]):
        columns = [c.strip() for c in (privilege["columns"] or "").split(",") if c.strip()]
        for table in tables:
            grants += [Grant(found["group"], table, privilege["name"], c) for c in columns] or [
                Grant(found["group"], table, privilege["name"])
            ]
    return grants

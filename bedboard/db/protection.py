"""The database objects that hold the rules (triggers; on PostgreSQL also the staff roles, grants,
row-level security and the reveal function of db.pg_access),
named once so `bedboard db check` can say which one is missing: a dropped trigger silently
turns an invariant into a wish."""

from __future__ import annotations

from sqlalchemy import Connection, text

from bedboard.db import pg_access

TRIGGERS = {
    "sqlite": (
        "bed_nights_posted_no_update",
        "bed_nights_posted_no_delete",
        "bed_nights_closed_night_no_insert",
        "audit_log_no_update",
        "audit_log_no_delete",
        "audit_log_anchor",
        "audit_anchor_forward_only",
        "audit_anchor_no_delete",
    ),
    "postgresql": (
        "bed_nights_posted_locked",
        "bed_nights_closed_night_no_insert",
        "audit_log_append_only",
        "audit_log_anchor",
        "audit_anchor_forward_only",
        "audit_log_actor",
        "reveal_confirmations_expire",
    ),
}


def present_triggers(conn: Connection) -> set[str]:
    if conn.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = (
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
        )
    return set(conn.execute(text(query)).scalars())


def missing_protections(conn: Connection) -> list[str]:
    """Names of the protective objects that should be there and are not."""
    present = present_triggers(conn)
    triggers = [f"trigger {name}" for name in TRIGGERS[conn.dialect.name] if name not in present]
    return triggers + pg_access.missing_access(conn)

"""Bring a database to the newest schema before any command works with it.

Two terminals starting at once must not both migrate: the upgrade runs inside one write
transaction that holds SQLite's write lock (BEGIN IMMEDIATE) or a PostgreSQL advisory lock, and
the revision is read again once the lock is held.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from bedboard.db.engine import writer
from bedboard.errors import DatabaseError

_PG_MIGRATION_LOCK = 4_242_001


def migrations_dir() -> Path:
    package = Path(__file__).resolve().parent.parent
    shipped = package / "_migrations"  # inside the wheel
    return shipped if shipped.is_dir() else package.parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


@cache
def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _check_known(revision: str | None) -> None:
    if revision is None:
        return
    script = ScriptDirectory.from_config(alembic_config())
    try:
        script.get_revision(revision)
    except Exception as exc:
        raise DatabaseError(
            f"the database is at schema revision {revision}, which this version of bedboard "
            "does not know (it was made by a newer bedboard); upgrade bedboard to use it"
        ) from exc


def upgrade(engine: Engine, target: str = "head") -> None:
    with engine.connect() as conn:
        revision = current_revision(conn)
    _check_known(revision)
    if target == "head" and revision == head_revision():
        return
    with writer(engine).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        revision = current_revision(conn)
        _check_known(revision)
        if target == "head" and revision == head_revision():
            return
        config = alembic_config()
        config.attributes["connection"] = conn
        try:
            command.upgrade(config, target)
        finally:
            config.attributes.pop("connection", None)


def downgrade(engine: Engine, target: str) -> None:
    with writer(engine).begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        try:
            command.downgrade(config, target)
        finally:
            config.attributes.pop("connection", None)

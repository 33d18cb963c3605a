"""Bring a database to the newest schema before any command works with it.

Two terminals starting at once must not both migrate: the upgrade runs inside one write
transaction that holds SQLite's write lock (BEGIN IMMEDIATE) or a PostgreSQL advisory lock, and
the revision is read again once the lock is held.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from bedboard.db.engine import is_read_only, writer
from bedboard.errors import DatabaseError, ReadOnlyDatabase
from bedboard.i18n import _

if TYPE_CHECKING:
    from alembic.config import Config

_PG_MIGRATION_LOCK = 4_242_001

# The newest revision in migrations/versions. Every command checks the database against it
# first, and imports Alembic (a tenth of a second) only when they differ.
# tests/test_migrations.py fails when a new revision is added without updating this.
HEAD_REVISION = "0010_covering_indexes"


def migrations_dir() -> Path:
    package = Path(__file__).resolve().parent.parent
    shipped = package / "migrations"  # inside the wheel
    return shipped if shipped.is_dir() else package.parent / "migrations"


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


@cache
def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def stamped_revision(conn: Connection) -> str | None:
    """The database's revision by plain SQL, without importing Alembic."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _check_known(revision: str | None) -> None:
    if revision is None:
        return
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    try:
        script.get_revision(revision)
    except Exception as exc:
        raise DatabaseError(
            _(
                "the database is at schema revision {revision}, which this version of bedboard "
                "does not know (it was made by a newer bedboard); upgrade bedboard to use it"
            ).format(revision=revision)
        ) from exc


@contextmanager
def migration_transaction(engine: Engine) -> Iterator[Connection]:
    """The one write transaction a migration runs in, holding the migration lock.

    On SQLite, foreign keys are off while it runs: Alembic's batch mode rebuilds a table by
    copying it and dropping the old one, which SQLite refuses while other tables refer to its
    rows. The keys are checked before the commit instead, and switched on again after it.
    """
    with writer(engine).connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            _sqlite_pragma(conn, "PRAGMA foreign_keys = OFF")  # only takes effect outside BEGIN
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    # A migration of a big table may rightly take longer than any command.
                    conn.execute(text("SET LOCAL statement_timeout = 0"))
                    conn.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
                    )
                yield conn
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise DatabaseError(
                            _(
                                "the migration would leave rows of {table} pointing at "
                                "missing rows of {parent}; nothing was changed"
                            ).format(table=broken[0], parent=broken[2])
                        )
        finally:
            if sqlite:
                _sqlite_pragma(conn, "PRAGMA foreign_keys = ON")


def _sqlite_pragma(conn: Connection, statement: str) -> None:
    """Run a pragma on the driver connection itself, outside any transaction."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(statement)
    finally:
        cursor.close()


def upgrade(engine: Engine, target: str = "head") -> None:
    with engine.connect() as conn:
        if target == "head" and stamped_revision(conn) == HEAD_REVISION:
            return
        revision = current_revision(conn)
    _check_known(revision)
    if target == "head" and revision == head_revision():
        return
    reason = is_read_only(engine)
    if reason is not None:
        raise ReadOnlyDatabase(
            _(
                "the database is read-only ({reason}) and its schema is older than this "
                "bedboard's: copy it to a writable place to open it"
            ).format(reason=reason)
        )
    with migration_transaction(engine) as conn:
        revision = current_revision(conn)
        _check_known(revision)
        if target == "head" and revision == head_revision():
            return
        from alembic import command

        _run(conn, command.upgrade, target)


def downgrade(engine: Engine, target: str) -> None:
    from alembic import command

    with migration_transaction(engine) as conn:
        _run(conn, command.downgrade, target)


def _run(conn: Connection, step: Callable[[Config, str], None], target: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = conn
    try:
        step(config, target)
    finally:
        config.attributes.pop("connection", None)

"""`bedboard db upgrade|current|check` and `bedboard demo`."""

from __future__ import annotations

import click
from sqlalchemy.exc import DBAPIError

from bedboard.cli import cli
from bedboard.cli.common import common_options, open_from_context, options
from bedboard.config import load_settings
from bedboard.db import migrate
from bedboard.db.engine import normalise_url, sqlite_path
from bedboard.db.session import translate
from bedboard.errors import DatabaseError
from bedboard.services.demo import load_demo
from bedboard.store import connect


@cli.group("db")
def db_group() -> None:
    """The database schema."""


@db_group.command("upgrade")
@common_options
def db_upgrade() -> None:
    """Bring the database to the newest schema."""
    store = open_from_context()
    click.echo(f"database at revision {migrate.head_revision()} (newest)")
    store.close()


def _stored_revision() -> str | None:
    """The database's schema revision, read without migrating anything (and without making a
    new SQLite file where there is none)."""
    settings = load_settings(options(click.get_current_context()).db)
    path = sqlite_path(normalise_url(settings.db))
    if path is not None and not path.exists():
        return None
    engine = connect(settings)
    try:
        with engine.connect() as conn:
            return migrate.current_revision(conn)
    except DBAPIError as exc:  # unreachable server and the like: one line, not a traceback
        raise translate(exc) from exc
    finally:
        engine.dispose()


@db_group.command("current")
@common_options
def db_current() -> None:
    """Show the database's schema revision, without changing anything."""
    revision = _stored_revision()
    head = migrate.head_revision()
    state = "newest" if revision == head else f"newest is {head}"
    click.echo(f"{revision or 'empty'} ({state})")


@db_group.command("check")
@common_options
def db_check() -> None:
    """Exit 0 if the schema is the newest this program knows, 1 if it is not."""
    revision = _stored_revision()
    head = migrate.head_revision()
    if revision != head:
        raise DatabaseError(
            f"the database is at {revision or 'no revision (empty)'}, not {head}; "
            "run `bedboard db upgrade`"
        )
    click.echo(f"ok: database at {head}")


@cli.command("demo")
@common_options
def demo() -> None:
    """Load example sites, units, payers, guests and stays into an empty database."""
    store = open_from_context()
    with store.write() as session:
        load_demo(
            session, tonight=store.tonight(), actor=store.actor, currency=store.settings.currency
        )
    click.echo(f"demo data loaded into {store.settings.db}; tonight is {store.tonight()}")

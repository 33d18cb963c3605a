"""`bedboard db upgrade|current|check` and `bedboard demo`."""

from __future__ import annotations

import click

from bedboard.cli import cli
from bedboard.cli.common import common_options, create_hint, open_from_context, options
from bedboard.config import load_settings
from bedboard.db import migrate
from bedboard.errors import DatabaseError, MissingDatabase
from bedboard.i18n import _
from bedboard.redact import mask_url
from bedboard.services.demo import load_demo
from bedboard.services.demo_people import load_people_and_history
from bedboard.store import missing_file, missing_protections, stored_revision


@cli.group("db")
def db_group() -> None:
    """The database schema."""


@db_group.command("upgrade")
@common_options
def db_upgrade() -> None:
    """Bring the database to the newest schema (making a new one if there is none)."""
    store = open_from_context(create=True)
    click.echo(
        _("database at revision {revision} (newest)").format(revision=migrate.head_revision())
    )
    store.close()


def _stored_revision() -> str | None:
    """The database's schema revision, read without migrating anything (and refusing a SQLite
    file that is not there, like every command that does not make one)."""
    settings = load_settings(options(click.get_current_context()).db)
    if (missing := missing_file(settings)) is not None:
        raise MissingDatabase(
            _("there is no database at {path}").format(path=missing) + f" ({create_hint()})"
        )
    return stored_revision(settings)


@db_group.command("current")
@common_options
def db_current() -> None:
    """Show the database's schema revision, without changing anything."""
    revision = _stored_revision()
    head = migrate.head_revision()
    state = _("newest") if revision == head else _("newest is {head}").format(head=head)
    click.echo(f"{revision or _('empty')} ({state})")


@db_group.command("check")
@common_options
def db_check() -> None:
    """Exit 0 if the schema is the newest this program knows and every protective trigger is
    there, 1 if not."""
    revision = _stored_revision()
    head = migrate.head_revision()
    if revision != head:
        raise DatabaseError(
            _("the database is at {revision}, not {head}; run `bedboard db upgrade`").format(
                revision=revision or _("no revision (empty)"), head=head
            )
        )
    missing = _missing_protections()
    if missing:
        raise DatabaseError(
            _(
                "the database lacks {what}: its rules are not enforced; restore it from a backup"
            ).format(what=", ".join(missing))
        )
    click.echo(_("ok: database at {head}").format(head=head))


def _missing_protections() -> list[str]:
    return missing_protections(load_settings(options(click.get_current_context()).db))


@cli.command("demo")
@common_options
def demo() -> None:
    """Load example sites, units, payers, guests and stays into an empty database."""
    store = open_from_context(create=True)
    with store.write() as session:
        load_demo(
            session, tonight=store.tonight(), actor=store.actor, currency=store.settings.currency
        )
        load_people_and_history(
            session, tonight=store.tonight(), actor=store.actor, currency=store.settings.currency
        )
    click.echo(
        _("demo data loaded into {db}; tonight is {night}").format(
            db=mask_url(store.settings.db), night=store.tonight()
        )
    )

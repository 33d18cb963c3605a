"""`bedboard db upgrade|current|check` and `bedboard demo`."""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import replace

import click

from bedboard.cli import cli
from bedboard.cli.common import (
    common_options,
    create_hint,
    open_from_context,
    options,
    who_acts,
    with_passphrase,
)
from bedboard.config import load_settings
from bedboard.db import migrate
from bedboard.errors import BadInput, DatabaseError, MissingDatabase
from bedboard.i18n import _
from bedboard.redact import mask_url
from bedboard.services.demo import load_demo
from bedboard.services.demo_people import load_people_and_history
from bedboard.services.safety import audit
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right
from bedboard.store import (
    check_new_passphrase,
    encrypt_file,
    missing_file,
    missing_protections,
    open_store,
    plain_file_to_encrypt,
    stored_revision,
)


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
    settings = with_passphrase(load_settings(options(click.get_current_context()).db))
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
    shown = revision or _("empty")
    click.echo(f"{shown} ({state})")


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
    return missing_protections(
        with_passphrase(load_settings(options(click.get_current_context()).db))
    )


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


@db_group.command("encrypt")
@common_options
def db_encrypt() -> None:
    """Encrypt the SQLite database in place with SQLCipher. The passphrase comes from
    $BEDBOARD_DB_KEY or is asked for twice; from then on every command and the board need it.
    Backups of an encrypted database are encrypted with the same passphrase."""
    opts = options(click.get_current_context())
    settings = replace(load_settings(opts.db, opts.user), db_key=None)
    path = plain_file_to_encrypt(settings)
    passphrase = os.environ.get("BEDBOARD_DB_KEY")
    if not passphrase:
        if not sys.stdin.isatty():
            raise BadInput(_("a passphrase is needed: set BEDBOARD_DB_KEY or run in a terminal"))
        passphrase = getpass.getpass(_("new passphrase for {path}: ").format(path=path))
        if getpass.getpass(_("the same passphrase again: ")) != passphrase:
            raise BadInput(_("the two passphrases differ; nothing was changed"))
    check_new_passphrase(passphrase)
    store = open_store(settings)
    try:
        store.who = who_acts(store)
        with store.write() as session:
            require(session, Right.RESTORE)  # the same right as replacing the database
            audit.record(session, store.actor, "db_encrypt", "database")
    finally:
        store.close()
    encrypt_file(path, passphrase)
    click.echo(
        _("encrypted {path}; keep the passphrase safe: without it the data cannot be read").format(
            path=path
        )
    )

"""Keeping the data safe: `backup FILE`, `restore FILE`, `audit verify`, `audit history` and
`forget --guest CODE`."""

from __future__ import annotations

import functools
import getpass
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import click

from bedboard.cli import cli
from bedboard.cli.common import F, common_options, open_from_context, options, with_passphrase
from bedboard.config import Settings, load_settings
from bedboard.errors import BadInput, DatabaseError, NotFound, RuleViolation
from bedboard.i18n import _
from bedboard.services.clock import utcnow
from bedboard.services.exports.export import Export
from bedboard.services.safety import audit, backup, privacy
from bedboard.services.safety.history import guest_history, unit_history
from bedboard.services.staff.access import Actor, require
from bedboard.services.staff.rights import Right
from bedboard.store import Store, open_store, sqlite_file


@dataclass(frozen=True)
class NamesWanted:
    """`--with-names` was given, with why and who confirms."""

    reason: str | None
    confirm_by: str | None


def with_names_option(f: F) -> F:
    """`--with-names --reason TEXT [--confirm-by LOGIN]`: the only way a guest's name leaves
    the program in a file (audited, with the reason and who confirmed). The command gets them
    as one `names: NamesWanted | None`, None without --with-names."""

    @functools.wraps(f)
    def command(
        *args: Any, with_names: bool, reason: str | None, confirm_by: str | None, **kw: Any
    ) -> Any:
        return f(*args, names=NamesWanted(reason, confirm_by) if with_names else None, **kw)

    wrapped = click.option(
        "--confirm-by",
        metavar="LOGIN",
        help=_(
            "A second staff member who confirms releasing protected guests' names (their PIN "
            "from $BEDBOARD_CONFIRM_PIN or a prompt)."
        ),
    )(cast(F, command))
    wrapped = click.option(
        "--reason", metavar="TEXT", help=_("Why the names are needed (written to the audit log).")
    )(wrapped)
    return click.option(
        "--with-names",
        is_flag=True,
        help=_("Add a guest_name column. Names are protected: this is written to the audit log."),
    )(wrapped)


def names_need_rows(names: NamesWanted | None, summary: bool) -> None:
    """Names go on rows with guests; a summary has none (the rules would refuse it too, later)."""
    if names and summary:
        raise BadInput(_("--with-names needs rows with guests (not --summary)"))


def confirmer(store: Store, login: str | None, guest_codes: tuple[str, ...] = ()) -> Actor | None:
    """The second staff member named by --confirm-by, signed in with their own PIN; on a
    PostgreSQL staff login, with their own database login and password, confirming the reveal
    of `guest_codes` in the database."""
    if not login:
        return None
    if store.db_login is not None:
        password = os.environ.get("BEDBOARD_CONFIRM_PASSWORD")
        if not password:
            if not sys.stdin.isatty():
                raise BadInput(
                    _(
                        "the confirming staff member's password is needed: set "
                        "BEDBOARD_CONFIRM_PASSWORD"
                    )
                )
            password = getpass.getpass(_("password of {login}, who confirms: ").format(login=login))
        return store.confirm_reveal_as(login.strip(), password, list(guest_codes))
    from bedboard.services.staff.signin import sign_in

    pin = os.environ.get("BEDBOARD_CONFIRM_PIN")
    if not pin:
        if not sys.stdin.isatty():
            raise BadInput(
                _("the confirming staff member's PIN is needed: set BEDBOARD_CONFIRM_PIN")
            )
        pin = getpass.getpass(_("PIN of {login}, who confirms: ").format(login=login))
    return sign_in(store.read, store.write, login, pin)


def with_names(export: Export, store: Store, names: NamesWanted | None, *, purpose: str) -> Export:
    """The export with a guest_name column when `names` asks for it (audited), else as it is."""
    if names is None:
        return export
    if not (names.reason or "").strip():
        raise BadInput(_("--with-names needs --reason TEXT: why the names are needed"))
    return privacy.add_names(
        export,
        store.write,
        actor=store.actor,
        purpose=purpose,
        reason=names.reason or "",
        confirmed_by=confirmer(store, names.confirm_by),
    )


def _settings() -> Settings:
    opts = options(click.get_current_context())
    return with_passphrase(load_settings(opts.db, opts.user))


def _sqlite_file(settings: Settings) -> Path:
    path = sqlite_file(settings)
    if path is None:
        raise BadInput(_(backup.PG_NOT_BUILT_IN))
    return path


@cli.command("backup")
@click.argument("file", type=click.Path(path_type=Path))
@common_options
def backup_command(file: Path) -> None:
    """Copy the database to FILE (consistent even while others write; created 0600)."""
    settings = _settings()
    db_path = _sqlite_file(settings)
    if not db_path.is_file():
        raise NotFound(_("there is no database at {path} to back up").format(path=db_path))
    store = open_from_context()
    with store.read() as session:
        require(session, Right.BACKUP)

    def record(check: backup.BackupCheck) -> None:
        """A backup holds every guest's identity: who made one, and where, is audited."""
        with store.write() as session:
            audit.record(
                session,
                store.actor,
                "backup",
                "database",
                file=str(file.expanduser().absolute()),
                bed_nights=check.bed_nights,
            )

    check = backup.backup(db_path, file, on_copied=record, passphrase=settings.db_key)
    click.echo(
        _(
            "backup written to {file} (schema {revision}, {nights} bed-night(s), "
            "{entries} audit entries)"
        ).format(
            file=file,
            revision=check.revision,
            nights=check.bed_nights,
            entries=check.audit_entries,
        )
    )


@cli.command("restore")
@click.argument("file", type=click.Path(path_type=Path))
@common_options
def restore_command(file: Path) -> None:
    """Replace the database with the backup FILE, after checking it; the replaced database is
    kept beside it as <db>.before-restore-<time>."""
    settings = _settings()
    db_path = _sqlite_file(settings)
    who = None
    if db_path.is_file():
        # Whoever replaces a database must be allowed to by that database's staff.
        current = open_from_context()
        with current.read() as session:
            require(session, Right.RESTORE)
        who = current.who
        current.close()
    key = settings.db_key
    old_revision = backup.revision_counter(db_path, key) if db_path.is_file() else 0
    check, kept = backup.restore(db_path, file, utcnow(), passphrase=key)
    store = open_store(settings)  # migrates a backup made by an older bedboard
    if who is not None:
        store.who = who
    try:
        with store.write() as session:
            backup.keep_revision_ahead(session, old_revision)
            audit.record(
                session,
                store.actor,
                "restore",
                "database",
                backup=str(file),
                kept=str(kept) if kept else None,
                schema=check.revision,
            )
    finally:
        store.close()
    where = _("; the replaced database was kept as {kept}").format(kept=kept) if kept else ""
    click.echo(
        _("restored {file} ({nights} bed-night(s))").format(file=file, nights=check.bed_nights)
        + where
    )


@cli.group("audit")
def audit_group() -> None:
    """The append-only audit log."""


@audit_group.command("verify")
@click.option(
    "--anchor",
    metavar="HASH",
    help=_(
        "A hash (or its first 12+ characters) printed by an earlier verify: that entry must "
        "still be there, which also finds the newest entries removed since."
    ),
)
@common_options
def audit_verify(anchor: str | None) -> None:
    """Exit 0 if the hash chain is intact, 1 naming the first entry that was changed or
    removed."""
    anchor = (anchor or "").strip().lower()
    if anchor and (len(anchor) < 12 or any(c not in "0123456789abcdef" for c in anchor)):
        raise BadInput(_("--anchor must be at least 12 hex characters of an entry's hash"))
    store = open_from_context()
    with store.read() as session:
        require(session, Right.AUDIT)
        problems = audit.verify(session)
        ends = audit.chain_ends(session, anchor)
    newest = ends.newest
    if problems:
        first = problems[0]
        more = _(" ({n} problems in all)").format(n=len(problems)) if len(problems) > 1 else ""
        raise RuleViolation(
            _("audit log broken at entry #{id}: {problem}").format(
                id=first.entry_id, problem=first.problem
            )
            + more
        )
    if anchor and ends.anchored is None:
        raise RuleViolation(
            _(
                "audit log broken: the entry with hash {hash} is gone (entries removed from "
                "the end; the newest now is #{id})"
            ).format(hash=anchor[:12], id=newest.id if newest else 0)
        )
    last = (
        _("last #{id}, hash {hash}").format(id=newest.id, hash=newest.hash[:16])
        if newest
        else _("empty")
    )
    click.echo(_("audit log intact: {n} entries ({last})").format(n=ends.total, last=last))


@audit_group.command("history")
@click.option("--unit", metavar="SITE/UNIT", help=_("History of a unit, like Hvilan/12."))
@click.option("--guest", "guest_code", metavar="CODE", help=_("History of a guest."))
@click.option("--limit", type=click.IntRange(1, 100_000), default=200, show_default=True)
@common_options
def audit_history(unit: str | None, guest_code: str | None, limit: int) -> None:
    """What happened to a unit or a guest, newest first."""
    if bool(unit) == bool(guest_code):
        raise BadInput(_("give exactly one of --unit SITE/UNIT or --guest CODE"))
    store = open_from_context()
    with store.read() as session:
        lines = (
            unit_history(session, unit, limit)
            if unit
            else guest_history(session, guest_code or "", limit)
        )
    for line in lines:
        click.echo(
            f"{line.at}  #{line.entry_id}  {line.actor}  {line.action}  {line.target}  "
            f"{line.detail}".rstrip()
        )
    if not lines:
        click.echo(_("no history"), err=True)


@audit_group.command("disclosures")
@click.option("--guest", "guest_code", required=True, metavar="CODE")
@common_options
def audit_disclosures(guest_code: str) -> None:
    """Who saw or exported this person's data, when, why and who confirmed; oldest first.
    Backups are listed too: each holds every guest's identity."""
    from bedboard.services.safety.disclosures import disclosures

    store = open_from_context()
    with store.read() as session:
        lines = disclosures(session, guest_code)
    for d in lines:
        confirmed = (
            "  " + _("confirmed by {login}").format(login=d.confirmed_by) if d.confirmed_by else ""
        )
        where = f"  {d.detail}" if d.detail else ""
        click.echo(f"{d.at}  #{d.entry_id}  {d.actor}  {d.action}  {d.reason}{confirmed}{where}")
    if not lines:
        click.echo(_("no disclosures of {code}").format(code=guest_code.strip()), err=True)


@cli.command("forget")
@click.option("--guest", "guest_code", required=True, metavar="CODE")
@common_options
def forget_command(guest_code: str) -> None:
    """Erase a guest's name, birth year, languages and notes; nights and billing stay under the
    code."""
    store = open_from_context()
    with store.write() as session:
        erased = privacy.forget(session, guest_code=guest_code, actor=store.actor)
    try:
        privacy.checkpoint_sqlite(store.engine)
    except Exception as exc:  # the erase is committed; the checkpoint is only tidying
        raise DatabaseError(
            _("erased, but the WAL could not be checkpointed: {error}").format(error=exc)
        ) from exc
    kept = [e.split(":", 1)[1] for e in erased if e.startswith("references_kept_closed:")]
    erased = [e for e in erased if not e.startswith("references_kept_closed:")]
    what = ", ".join(erased) if erased else _("nothing was stored")
    click.echo(
        _(
            "forgot guest {code}: {what}; nights and billing kept under the code "
            "(backups made before now still hold the old data)"
        ).format(code=guest_code.strip(), what=what)
    )
    if kept:
        click.echo(
            _(
                "the payer's reference on {count} closed night(s) is kept: closed nights are "
                "bookkeeping records and cannot change"
            ).format(count=kept[0])
        )

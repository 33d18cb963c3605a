"""Backup and restore of the SQLite database with SQLite's online backup API.

A backup is a consistent snapshot even while other terminals write (in WAL mode the copy reads
one snapshot and never blocks writers). Backups hold the guests' identities, so they are created
0600 like the database. A restore checks the file first (SQLite header, integrity_check, a schema
revision this program knows), keeps a copy of the database it replaces, and then copies the
backup in with the backup API, which takes the write lock: other terminals wait and then see the
restored data, never half of it.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session

from bedboard.db.engine import BUSY_TIMEOUT_SECONDS, prepare_sqlite_file
from bedboard.db.migrate import alembic_config, head_revision
from bedboard.db.models import Revision
from bedboard.db.session import current_revision
from bedboard.errors import BadInput, DatabaseError, NotFound
from bedboard.i18n import N_, _

SQLITE_HEADER = b"SQLite format 3\x00"
REQUIRED_TABLES = ("alembic_version", "audit_log", "bed_nights", "guests", "revision", "units")
PG_NOT_BUILT_IN = N_(
    "backup and restore are built in for SQLite only; back up a PostgreSQL database with "
    "pg_dump and restore it with pg_restore"
)


@dataclass(frozen=True)
class BackupCheck:
    revision: str
    bed_nights: int
    audit_entries: int


def _connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        uri = f"{path.absolute().as_uri()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    else:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
    return conn


def keep_revision_ahead(session: Session, old_revision: int) -> None:
    """Boards poll the revision for changes: after a restore it must not go backwards, or a
    board that saw the replaced database's counter would not reload."""
    if current_revision(session) <= old_revision:
        session.execute(update(Revision).values(value=old_revision + 1))


def revision_counter(path: Path) -> int:
    """The live database's change counter, read without opening (or migrating) it through the
    program; 0 when there is none to read (no file, empty, damaged)."""
    try:
        with closing(_connect(path, read_only=True)) as conn:
            row = conn.execute("SELECT value FROM revision WHERE id = 1").fetchone()
    except sqlite3.Error:
        return 0
    return int(row[0]) if row else 0


def _private_file(path: Path) -> None:
    """Create (or truncate) `path` with mode 0600 before anything is written into it."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # an existing file keeps its old mode through O_CREAT


def _remove_sidecars(path: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        with suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


def _copy(source: sqlite3.Connection, target_path: Path) -> None:
    """Online backup of `source` into a new private file at `target_path`, as one snapshot;
    the copy is left in rollback-journal mode so it is a single self-contained file."""
    _private_file(target_path)
    with closing(_connect(target_path)) as target:
        source.backup(target)  # pages=-1: one step, one consistent snapshot
        target.execute("PRAGMA journal_mode = DELETE")
    _remove_sidecars(target_path)


def backup(
    db_path: Path, out: Path, on_copied: Callable[[BackupCheck], None] | None = None
) -> BackupCheck:
    """Copy the live database at `db_path` into `out` (0600), written beside it and renamed into
    place so a failed backup never leaves a half file under the real name. `on_copied` runs
    once the copy is checked and before it is renamed into place (to audit it): if it fails,
    there is no backup."""
    if not db_path.is_file():
        raise NotFound(_("there is no database at {db_path} to back up").format(db_path=db_path))
    out = out.expanduser()
    if out.absolute() == db_path.absolute():
        raise BadInput(_("the backup file must not be the database itself"))
    if out.is_dir():
        raise BadInput(_("{out} is a folder; name the backup file to write").format(out=out))
    partial = out.with_name(f".{out.name}.partial")
    try:
        with closing(_connect(db_path)) as source:
            _copy(source, partial)
        check = check_backup(partial)
        if on_copied is not None:
            on_copied(check)
        partial.replace(out)
    except OSError as exc:
        raise DatabaseError(
            _("cannot write the backup {out}: {value}").format(out=out, value=exc.strerror or exc)
        ) from exc
    except sqlite3.Error as exc:
        raise DatabaseError(
            _("cannot write the backup {out}: {exc}").format(out=out, exc=exc)
        ) from exc
    finally:
        with suppress(FileNotFoundError):
            partial.unlink()
        _remove_sidecars(partial)
    return check


def check_backup(path: Path) -> BackupCheck:
    """Refuse anything that is not a whole bedboard database this program can open."""
    if not path.is_file():
        raise NotFound(_("there is no file {path}").format(path=path))
    try:
        with path.open("rb") as stream:
            header = stream.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise BadInput(
            _("cannot read {path}: {strerror}").format(path=path, strerror=exc.strerror)
        ) from exc
    if header != SQLITE_HEADER:
        raise BadInput(
            _("{path} is not a bedboard backup (not an SQLite database file)").format(path=path)
        )
    try:
        with closing(_connect(path, read_only=True)) as conn:
            integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if integrity != ["ok"]:
                raise BadInput(
                    _("{path} is damaged (integrity_check: {integrity})").format(
                        path=path, integrity=integrity[0]
                    )
                )
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            missing = [t for t in REQUIRED_TABLES if t not in tables]
            if missing:
                raise BadInput(
                    _("{path} is an SQLite file but not a bedboard database").format(path=path)
                )
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            bed_nights = conn.execute("SELECT count(*) FROM bed_nights").fetchone()[0]
            audit_entries = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BadInput(
            _("{path} cannot be read as a database: {exc}").format(path=path, exc=exc)
        ) from exc
    if revision is None:
        raise BadInput(
            _("{path} has no schema revision; it is not a bedboard backup").format(path=path)
        )
    _check_revision_known(path, revision[0])
    return BackupCheck(revision[0], bed_nights, audit_entries)


def _check_revision_known(path: Path, revision: str) -> None:
    from alembic.script import ScriptDirectory

    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except Exception as exc:
        raise BadInput(
            _(
                "{path} is at schema revision {revision}, which this bedboard does not "
                "know (newest known: {head_revision}); restore it with a newer bedboard"
            ).format(path=path, revision=revision, head_revision=head_revision())
        ) from exc


def replaced_copy_path(db_path: Path, now: dt.datetime) -> Path:
    return db_path.with_name(f"{db_path.name}.before-restore-{now:%Y%m%dT%H%M%S}")


def restore(db_path: Path, backup_file: Path, now: dt.datetime) -> tuple[BackupCheck, Path | None]:
    """Check `backup_file`, keep a copy of the current database, and copy the backup in.

    Returns the check and where the replaced database was kept (None if there was none)."""
    check = check_backup(backup_file)
    if backup_file.absolute() == db_path.absolute():
        raise BadInput(_("the backup file is the database itself"))
    kept: Path | None = None
    try:
        existed = db_path.is_file() and db_path.stat().st_size > 0
        prepare_sqlite_file(db_path)
        with closing(_connect(db_path)) as live:
            if existed:
                kept = replaced_copy_path(db_path, now)
                _copy(live, kept)
            with closing(_connect(backup_file, read_only=True)) as source:
                source.backup(live)
            integrity = live.execute("PRAGMA integrity_check").fetchone()[0]
            if integrity != "ok":  # pragma: no cover - the backup was checked above
                raise DatabaseError(
                    _("the restored database is damaged: {integrity}").format(integrity=integrity)
                )
            live.execute("PRAGMA journal_mode = WAL")
    except OSError as exc:
        raise DatabaseError(
            _("cannot restore into {db_path}: {value}").format(
                db_path=db_path, value=exc.strerror or exc
            )
        ) from exc
    except sqlite3.Error as exc:
        raise DatabaseError(
            _("cannot restore into {db_path}: {exc}").format(db_path=db_path, exc=exc)
        ) from exc
    return check, kept

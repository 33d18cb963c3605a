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

from bedboard.db import cipher
from bedboard.db.engine import BUSY_TIMEOUT_SECONDS, prepare_sqlite_file
from bedboard.db.migrate import alembic_config, head_revision
from bedboard.db.models import Revision
from bedboard.db.session import current_revision
from bedboard.errors import BadInput, DatabaseError, NotFound
from bedboard.i18n import N_, _

SQLITE_HEADER = b"SQLite format 3\x00"
# SQLCipher's errors are its own module's classes, not sqlite3's.
DB_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, cipher.sqlcipher().Error)
UNREADABLE: tuple[type[Exception], ...] = (*DB_ERRORS, DatabaseError)
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


def _connect(
    path: Path, read_only: bool = False, passphrase: str | None = None
) -> sqlite3.Connection:
    """A plain connection, or with `passphrase` an SQLCipher one (the same API; a backup of an
    encrypted database is encrypted with the same passphrase, page for page)."""
    if passphrase:
        conn: sqlite3.Connection = cipher.connect(
            path, passphrase, read_only=read_only, timeout=BUSY_TIMEOUT_SECONDS
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
        return conn
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


def revision_counter(path: Path, passphrase: str | None = None) -> int:
    """The live database's change counter, read without opening (or migrating) it through the
    program; 0 when there is none to read (no file, empty, damaged, a wrong passphrase)."""
    try:
        with closing(_connect(path, read_only=True, passphrase=passphrase)) as conn:
            row = conn.execute("SELECT value FROM revision WHERE id = 1").fetchone()
    except UNREADABLE:
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


def _connect_new(path: Path, passphrase: str | None) -> sqlite3.Connection:
    """A connection to a new, empty file (keyed when the copy is to be encrypted)."""
    if not passphrase:
        return _connect(path)
    conn: sqlite3.Connection = cipher.sqlcipher().connect(
        str(path), timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
    )
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(cipher.key_pragma(passphrase))
    return conn


def _copy(source: sqlite3.Connection, target_path: Path, passphrase: str | None = None) -> None:
    """Online backup of `source` into a new private file at `target_path`, as one snapshot;
    the copy is left in rollback-journal mode so it is a single self-contained file."""
    _private_file(target_path)
    with closing(_connect_new(target_path, passphrase)) as target:
        source.backup(target)  # pages=-1: one step, one consistent snapshot
        target.execute("PRAGMA journal_mode = DELETE")
    _remove_sidecars(target_path)


def backup(
    db_path: Path,
    out: Path,
    on_copied: Callable[[BackupCheck], None] | None = None,
    passphrase: str | None = None,
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
        with closing(_connect(db_path, passphrase=passphrase)) as source:
            _copy(source, partial, passphrase)
        check = check_backup(partial, passphrase)
        if on_copied is not None:
            on_copied(check)
        partial.replace(out)
    except OSError as exc:
        raise DatabaseError(
            _("cannot write the backup {out}: {value}").format(out=out, value=exc.strerror or exc)
        ) from exc
    except DB_ERRORS as exc:
        raise DatabaseError(
            _("cannot write the backup {out}: {exc}").format(out=out, exc=exc)
        ) from exc
    finally:
        with suppress(FileNotFoundError):
            partial.unlink()
        _remove_sidecars(partial)
    return check


def check_backup(path: Path, passphrase: str | None = None) -> BackupCheck:
    """Refuse anything that is not a whole bedboard database this program can open (with the
    database's passphrase when it is encrypted: a backup stays encrypted like its database)."""
    if not path.is_file():
        raise NotFound(_("there is no file {path}").format(path=path))
    try:
        state = cipher.file_state(path)
    except OSError as exc:
        raise BadInput(
            _("cannot read {path}: {strerror}").format(path=path, strerror=exc.strerror)
        ) from exc
    if state == "encrypted" and not passphrase:
        raise BadInput(
            _(
                "{path} is not a bedboard backup (not an SQLite database file, or an encrypted "
                "one: give the database's passphrase)"
            ).format(path=path)
        )
    if state != "encrypted" and passphrase:
        raise BadInput(
            _("{path} is not encrypted, but the database is: restore an encrypted backup").format(
                path=path
            )
        )
    if state == "missing":
        raise BadInput(
            _("{path} is not a bedboard backup (not an SQLite database file)").format(path=path)
        )
    try:
        with closing(_connect(path, read_only=True, passphrase=passphrase)) as conn:
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
    except DB_ERRORS as exc:
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


def restore(
    db_path: Path, backup_file: Path, now: dt.datetime, passphrase: str | None = None
) -> tuple[BackupCheck, Path | None]:
    """Check `backup_file`, keep a copy of the current database, and copy the backup in.

    Returns the check and where the replaced database was kept (None if there was none)."""
    check = check_backup(backup_file, passphrase)
    if backup_file.absolute() == db_path.absolute():
        raise BadInput(_("the backup file is the database itself"))
    kept: Path | None = None
    try:
        existed = db_path.is_file() and db_path.stat().st_size > 0
        prepare_sqlite_file(db_path)
        with closing(
            _connect(db_path, passphrase=passphrase)
            if existed
            else _connect_new(db_path, passphrase)
        ) as live:
            if existed:
                kept = replaced_copy_path(db_path, now)
                _copy(live, kept, passphrase)
            with closing(_connect(backup_file, read_only=True, passphrase=passphrase)) as source:
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
    except DB_ERRORS as exc:
        raise DatabaseError(
            _("cannot restore into {db_path}: {exc}").format(db_path=db_path, exc=exc)
        ) from exc
    return check, kept

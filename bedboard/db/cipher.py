"""Encryption at rest for SQLite files with SQLCipher (the `sqlcipher3` module from the
sqlcipher3-wheels package): an outreach worker's laptop carries names, and a stolen file must
show nothing readable.

A plain SQLite file starts with "SQLite format 3"; an encrypted one looks like noise from the
first byte. That is how bedboard tells them apart before it opens either, so a wrong choice is
one clear line instead of "file is not a database".
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bedboard.errors import BadInput, DatabaseError
from bedboard.i18n import _

SQLITE_HEADER = b"SQLite format 3\x00"


def file_state(path: Path) -> str:
    """ "missing" (no file, or empty: a new database), "folder", "plain" or "encrypted" (which
    is also what any other file that is not a plain SQLite database looks like)."""
    if path.is_dir():
        return "folder"  # `--db /media/usb`: the store names it as a folder
    try:
        with path.open("rb") as stream:
            header = stream.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return "missing"
    if not header:
        return "missing"
    return "plain" if header == SQLITE_HEADER else "encrypted"


def sqlcipher() -> Any:
    try:
        import sqlcipher3
    except ImportError as exc:  # pragma: no cover - a dependency; only a broken install
        raise DatabaseError(
            _("SQLCipher is not installed (pip install sqlcipher3-wheels)")
        ) from exc
    return sqlcipher3


def key_pragma(passphrase: str) -> str:
    """`PRAGMA key = '...'` with the passphrase quoted as an SQL string (never logged)."""
    return "PRAGMA key = '" + passphrase.replace("'", "''") + "'"


def connect(path: Path, passphrase: str, *, read_only: bool = False, timeout: float = 30) -> Any:
    """A DB-API connection to an encrypted file, keyed and checked: a wrong passphrase is a
    DatabaseError naming the file, with SQLCipher's own error log silenced."""
    if read_only:
        return _connect(path, passphrase, read_only_query(path, passphrase), timeout)
    return _connect(path, passphrase, None, timeout)


def read_only_query(path: Path, passphrase: str) -> dict[str, str]:
    """How a file that cannot be written opens: `mode=ro`, or with `immutable=1` too when SQLite
    cannot make the WAL's -shm beside it (a read-only folder or mount, where nothing can change
    the file either). Without the second try the right passphrase read as a wrong one."""
    query = {"mode": "ro"}
    try:
        _connect(path, passphrase, query, 30).close()
    except _CannotOpen:
        query["immutable"] = "1"
        _connect(path, passphrase, query, 30).close()
    return query


class _CannotOpen(DatabaseError):
    """SQLite could not open the file as asked (not a matter of the passphrase)."""


def _connect(path: Path, passphrase: str, query: dict[str, str] | None, timeout: float) -> Any:
    module = sqlcipher()
    target = str(path)
    if query is not None:
        target = path.absolute().as_uri() + "?" + "&".join(f"{k}={v}" for k, v in query.items())
    conn = module.connect(
        target, uri=query is not None, timeout=timeout, isolation_level=None,
        check_same_thread=False,
    )  # fmt: skip
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(key_pragma(passphrase))
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except module.DatabaseError as exc:
        conn.close()
        if "unable to open" in str(exc):
            raise _CannotOpen(
                _("cannot open the encrypted database {path}").format(path=path)
            ) from exc
        raise DatabaseError(
            _("wrong passphrase for the encrypted database {path}").format(path=path)
        ) from exc
    return conn


def check_passphrase(path: Path, passphrase: str | None) -> None:
    """Refuse, in one line, a passphrase for a plain file or none for an encrypted one, and a
    wrong one."""
    state = file_state(path)
    if state == "encrypted" and not passphrase:
        raise DatabaseError(
            _(
                "{path} is encrypted, or is not a database: give its passphrase if it is "
                "encrypted (BEDBOARD_DB_KEY, or answer the prompt in a terminal)"
            ).format(path=path)
        )
    if state == "plain" and passphrase:
        raise DatabaseError(
            _(
                "the database {path} is not encrypted, but a passphrase was given: unset "
                "BEDBOARD_DB_KEY, or encrypt it first with `bedboard db encrypt`"
            ).format(path=path)
        )
    if state == "encrypted" and passphrase:
        connect(path, passphrase, read_only=True).close()


def check_new_passphrase(passphrase: str) -> str:
    if len(passphrase) < 8 or not passphrase.isprintable():
        raise BadInput(_("a passphrase must be at least 8 printable characters"))
    return passphrase


def encrypt_in_place(path: Path, passphrase: str) -> None:
    """Rewrite the plain database at `path` encrypted, under an exclusive lock so no terminal
    writes meanwhile; the encrypted copy is written beside it (0600) and renamed over it. The
    plain file's blocks may remain on the disk: use an encrypted disk as well."""
    if file_state(path) != "plain":
        raise BadInput(
            _("{path} is not a plain bedboard database (already encrypted, or missing)").format(
                path=path
            )
        )
    check_new_passphrase(passphrase)
    module = sqlcipher()
    partial = path.with_name(f".{path.name}.encrypting")
    fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.close(fd)  # an empty private file: SQLCipher writes the new database into it
    source = module.connect(str(path), timeout=30, isolation_level=None)
    try:
        try:
            source.execute("PRAGMA cipher_log_level = NONE")
            source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            source.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(partial), passphrase))
            source.execute("BEGIN EXCLUSIVE")  # no terminal writes while the copy is made
            source.execute("SELECT sqlcipher_export('encrypted')")
            version = source.execute("PRAGMA user_version").fetchone()[0]
            source.execute(f"PRAGMA encrypted.user_version = {int(version)}")
            source.execute("COMMIT")
            source.execute("DETACH DATABASE encrypted")
        finally:
            source.close()
        os.chmod(partial, 0o600)
        check = connect(partial, passphrase)
        try:
            check.execute("PRAGMA journal_mode = WAL")
            integrity = check.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            check.close()
        if integrity != "ok":  # pragma: no cover - a fresh copy
            raise DatabaseError(_("the encrypted copy is damaged: {what}").format(what=integrity))
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        partial.replace(path)
    except BaseException:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        raise

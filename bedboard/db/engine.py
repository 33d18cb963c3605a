"""Engines for SQLite (the embedded default) and PostgreSQL, and the write transaction.

SQLite: WAL, foreign keys on, synchronous=FULL, a busy timeout, and write transactions that
begin IMMEDIATE so two terminals never both hold a read snapshot they then try to upgrade.

A SQLite file that cannot be written (a backup on a read-only mount, a folder of someone else's)
is opened read-only: SQLite's default read-write open fails outright there, even for reading.
Such an engine refuses every write transaction with one line instead.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, event
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import QueuePool

from bedboard.db import cipher
from bedboard.errors import BadInput, ReadOnlyDatabase
from bedboard.i18n import _
from bedboard.redact import remember_secret, remember_url

BUSY_TIMEOUT_SECONDS = 30
# No statement of bedboard's runs this long; one that does waits on something that is stuck.
STATEMENT_TIMEOUT_SECONDS = 60
# libpq's own settings for a connection over a network. A wrong host fails in seconds, not
# after the system's TCP timeout; an idle connection to a server that went away (a laptop
# closed, a cable pulled) is noticed in about 25 s by keepalives, and one waiting for an answer
# that never comes is dropped after 20 s of unacknowledged data (tcp_user_timeout).
PG_CONNECT_ARGS: dict[str, Any] = {
    "connect_timeout": 10,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 20_000,
}
READ_ONLY_OPTION = "bedboard_read_only"  # an execution option: why the engine cannot write


SUPPORTED_SCHEMES = ("sqlite", "postgresql", "postgres")


def normalise_url(path_or_url: str) -> str:
    """A plain path means SQLite; `postgresql://` means psycopg 3."""
    if "://" not in path_or_url:
        return "sqlite:///" + str(Path(path_or_url).expanduser().absolute())
    if path_or_url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + path_or_url.split("://", 1)[1]
    scheme = path_or_url.split("://", 1)[0].lower()
    if scheme.split("+", 1)[0] not in SUPPORTED_SCHEMES:
        # mysql://, oracle://, ...: no driver to install would make them work
        raise BadInput(
            _(
                "database URLs starting {scheme}:// are not supported; give a file path "
                "(SQLite) or a postgresql:// URL"
            ).format(scheme=scheme)
        )
    return path_or_url


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def prepare_sqlite_file(path: Path) -> None:
    """Create the folder 0700 and the file 0600 before SQLite does, so it is never readable by
    others, not even for a moment (the guests' identities are in it)."""
    # Two terminals may start on a new file at the same moment: whoever comes second finds the
    # folder or the file already made, which is fine.
    if not path.parent.exists():
        with contextlib.suppress(FileExistsError):
            path.parent.mkdir(parents=True, mode=0o700)
    if not path.exists():
        try:
            fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        except FileExistsError:
            return
        os.close(fd)


def read_only_reason(path: Path) -> str | None:
    """Why an existing SQLite file cannot be written, or None when it can.

    Writing needs the file and, for the -wal and -shm files beside it, its folder (unless those
    files are already there and writable). os.access answers EROFS on a read-only mount even for
    root, whom file modes do not stop."""
    if not path.exists():
        return None
    if _on_read_only_mount(path):
        return _("it is on a read-only disk")
    if not os.access(path, os.W_OK):
        return _("the file is read-only")
    companions = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    if not os.access(path.parent, os.W_OK | os.X_OK) and not all(
        os.access(c, os.W_OK) for c in companions
    ):
        return _("its folder is read-only")
    return None


def _on_read_only_mount(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def is_read_only(engine: Engine) -> str | None:
    """Why `engine` cannot write (a read-only SQLite file), or None."""
    reason = engine.get_execution_options().get(READ_ONLY_OPTION)
    return str(reason) if reason else None


def make_engine(path_or_url: str, *, passphrase: str | None = None, **kwargs: Any) -> Engine:
    """An engine for a file or a URL; `passphrase` opens (or creates) an encrypted SQLite file
    through SQLCipher, and is refused for a plain file (see db.cipher)."""
    url = normalise_url(path_or_url)
    remember_url(url)  # masked wherever it turns up from now on
    path = sqlite_path(url)
    if path is None:
        connect_args: dict[str, Any] = {}
        if url.startswith("postgresql"):
            given = make_url(url).query  # settings in the URL itself win
            connect_args = {k: v for k, v in PG_CONNECT_ARGS.items() if k not in given}
        engine = sa_create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)
        if engine.dialect.name == "postgresql":
            _configure_postgresql(engine)
        return engine
    encrypted = bool(passphrase) or cipher.file_state(path) == "encrypted"
    if encrypted:
        # One line for none, a wrong one, or one given for a plain file; never a driver error.
        cipher.check_passphrase(path, passphrase)
        assert passphrase is not None
        remember_secret(passphrase)
    reason = read_only_reason(path)
    if reason is not None:
        if encrypted and passphrase:
            return _encrypted_engine(path, passphrase, read_only=reason, **kwargs)
        return _read_only_engine(url, path, reason, **kwargs)
    # SQLite gives the -wal and -shm files the database file's own mode.
    prepare_sqlite_file(path)
    if encrypted and passphrase:
        return _encrypted_engine(path, passphrase, **kwargs)
    engine = sa_create_engine(
        url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False}, **kwargs
    )
    _configure_sqlite(engine)
    return engine


def _encrypted_engine(
    path: Path, passphrase: str, *, read_only: str | None = None, **kwargs: Any
) -> Engine:
    """SQLCipher through SQLAlchemy's own dialect, which keys each new connection from the URL's
    password (masked in any text SQLAlchemy prints). The passphrase was checked already, so no
    connection fails on it. A file that cannot be written opens with `mode=ro`."""
    if read_only:
        url = URL.create(
            "sqlite+pysqlcipher",
            password=passphrase,
            database=f"file:{path}",
            query={**cipher.read_only_query(path, passphrase), "uri": "true"},
        )
    else:
        url = URL.create("sqlite+pysqlcipher", password=passphrase, database=str(path))
    engine = sa_create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        poolclass=QueuePool,
        **kwargs,
    )
    _configure_sqlite(engine, read_only=read_only is not None)
    if read_only:
        return engine.execution_options(**{READ_ONLY_OPTION: read_only})
    return engine


def _read_only_engine(url: str, path: Path, reason: str, **kwargs: Any) -> Engine:
    """Open with SQLite's `mode=ro`. A WAL file whose -shm cannot be made beside it opens only
    as `immutable`, which is safe where nothing can change the file (a read-only mount) and is
    the last resort elsewhere (a folder of someone else's)."""
    immutable = _on_read_only_mount(path)

    def connect() -> sqlite3.Connection:
        nonlocal immutable
        base = f"file:{quote(str(path))}?mode=ro"
        if not immutable:
            try:
                return _sqlite_connect(base)
            except sqlite3.OperationalError:
                immutable = True
        return _sqlite_connect(base + "&immutable=1")

    engine = sa_create_engine(url, creator=connect, **kwargs)
    _configure_sqlite(engine, read_only=True)
    return engine.execution_options(**{READ_ONLY_OPTION: reason})


def _sqlite_connect(uri: str) -> sqlite3.Connection:
    connection = sqlite3.connect(
        uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False
    )
    connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # fails here, not later
    return connection


def _use_wal(cursor: Any) -> None:
    """Switch a new file to WAL (the mode then stays in the file). Switching needs an exclusive
    lock and SQLite answers "database is locked" at once, without the busy timeout, while another
    process is opening the same new file: so wait and try again here."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except (sqlite3.OperationalError, cipher.sqlcipher().OperationalError) as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Like SQLite's busy timeout: a writer waiting behind a stuck transaction (a laptop
        # asleep in the middle of a write) gives up with a clear message instead of hanging.
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            cursor.execute(f"SET statement_timeout = {int(STATEMENT_TIMEOUT_SECONDS * 1000)}")
        dbapi_connection.commit()


def _configure_sqlite(engine: Engine, *, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling is wrong).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if type(dbapi_connection).__module__.startswith("sqlcipher3"):
            cursor.execute("PRAGMA cipher_log_level = NONE")  # errors are ours to say, once
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
        if not read_only:  # switching to WAL writes to the file
            _use_wal(cursor)
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        immediate = options.get("bedboard_write", False)
        if immediate and options.get(READ_ONLY_OPTION):
            raise ReadOnlyDatabase(read_only_message(options[READ_ONLY_OPTION]))
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def writer(engine: Engine) -> Engine:
    """The same engine, but its transactions are write transactions (BEGIN IMMEDIATE)."""
    return engine.execution_options(bedboard_write=True)


def read_only_message(reason: str) -> str:
    return _("the database is read-only ({reason}): changes are not possible").format(reason=reason)

"""The SQLite engine: WAL, foreign keys, synchronous FULL, a busy timeout, write transactions that
begin IMMEDIATE, and a default file no one else can read."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from bedboard.db.engine import BUSY_TIMEOUT_SECONDS, make_engine, normalise_url, writer
from bedboard.store import Store
from tests.support.cli import run_cli


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, so the modes checked below come from the program, not the umask."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


def test_sqlite_pragmas_are_in_force(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as conn:

        def pragma(name: str) -> object:
            return conn.exec_driver_sql(f"PRAGMA {name}").scalar()

        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("synchronous") == 2  # FULL
        assert pragma("busy_timeout") == BUSY_TIMEOUT_SECONDS * 1000


def test_sqlite_pragmas_hold_on_every_pooled_connection(sqlite_engine: Engine) -> None:
    conns = [sqlite_engine.connect() for _ in range(3)]
    try:
        for conn in conns:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    finally:
        for conn in conns:
            conn.close()


def test_foreign_keys_are_enforced(store: Store) -> None:
    """On both backends a unit cannot point at a site that does not exist."""
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO units (site_id, room, label, tags) VALUES (999, '', '1', '')")
        )


def test_write_transactions_begin_immediate(sqlite_url: str, sqlite_engine: Engine) -> None:
    """A write transaction holds the write lock from its first moment, before any write."""
    with writer(sqlite_engine).begin() as conn:
        conn.exec_driver_sql("SELECT 1")
        other = sqlite3.connect(sqlite_url, timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


def test_read_transactions_do_not_take_the_write_lock(
    sqlite_url: str, sqlite_engine: Engine
) -> None:
    with sqlite_engine.begin() as conn:
        conn.exec_driver_sql("SELECT 1")
        other = sqlite3.connect(sqlite_url, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        finally:
            other.close()


def test_new_database_file_is_0600_in_a_0700_folder(tmp_path: Path, umask_022: None) -> None:
    path = tmp_path / "new-folder" / "bedboard.sqlite3"
    engine = make_engine(str(path))
    try:
        with engine.begin() as conn:  # makes the -wal and -shm files too
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        assert path.parent.stat().st_mode & 0o777 == 0o700
        for made in path.parent.iterdir():
            assert made.stat().st_mode & 0o777 == 0o600, made.name
    finally:
        engine.dispose()


def test_default_database_location_is_private(tmp_path: Path) -> None:
    """No --db and no BEDBOARD_DB: the user data folder, made 0700, the file 0600."""
    env = {
        "BEDBOARD_DB": "",
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    result = run_cli("db", "upgrade", db="", env=env)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "data" / "bedboard" / "bedboard.sqlite3"
    assert path.is_file()
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert path.stat().st_mode & 0o777 == 0o600


def test_existing_folder_mode_is_left_alone(tmp_path: Path, umask_022: None) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    engine = make_engine(str(folder / "bedboard.sqlite3"))
    engine.dispose()
    assert (folder / "bedboard.sqlite3").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("/tmp/x.sqlite3", "sqlite:////tmp/x.sqlite3"),
    ],
)
def test_normalise_url(given: str, expected: str) -> None:
    assert normalise_url(given) == expected


def test_plain_relative_path_means_a_sqlite_file(tmp_path: Path) -> None:
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        assert normalise_url("x.sqlite3") == f"sqlite:///{tmp_path / 'x.sqlite3'}"
    finally:
        os.chdir(old)


def test_a_writer_waiting_too_long_gets_one_clear_line(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the busy timeout, "database is locked" becomes the program's own one-line refusal."""
    from bedboard.config import Settings
    from bedboard.errors import DatabaseError
    from bedboard.store import open_store

    monkeypatch.setattr("bedboard.db.engine.BUSY_TIMEOUT_SECONDS", 0.2)
    store = open_store(Settings(db=sqlite_url, user="t"))
    other = sqlite3.connect(sqlite_url, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(DatabaseError, match="busy") as info, store.write():
            pass
        assert "\n" not in str(info.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
        store.close()


def test_postgresql_writer_waiting_too_long_gets_one_clear_line(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same on PostgreSQL: a lock timeout instead of waiting forever behind a stuck writer."""
    from bedboard.config import Settings
    from bedboard.errors import DatabaseError
    from bedboard.store import open_store

    monkeypatch.setattr("bedboard.db.engine.BUSY_TIMEOUT_SECONDS", 0.3)
    store = open_store(Settings(db=postgres_url, user="t"))
    stuck = make_engine(postgres_url)
    try:
        with stuck.begin() as conn:
            conn.execute(text("UPDATE revision SET value = value + 1"))  # holds the row lock
            with pytest.raises(DatabaseError, match="busy") as info, store.write():
                pass
            assert "\n" not in str(info.value)
        with store.write():  # free again once the stuck writer is gone
            pass
    finally:
        stuck.dispose()
        store.close()

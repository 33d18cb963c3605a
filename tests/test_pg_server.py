"""The throwaway PostgreSQL server used by the PostgreSQL half of the test suite."""

from __future__ import annotations

import stat
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, inspect, text

from tests.support.pg_server import (
    BIN_ENV_VAR,
    SERVER_BINARIES,
    PostgresServer,
    PostgresServerError,
    find_binaries,
)

# Also loaded by tests/conftest.py; naming it here keeps this module runnable on its own.
pytest_plugins = ["tests.support.postgres_fixtures"]


def _fake_bindir(path: Path) -> Path:
    for name in SERVER_BINARIES:
        exe = path / name
        exe.write_text("#!/bin/sh\n")
        exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return path


def test_find_binaries_honours_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BIN_ENV_VAR, str(_fake_bindir(tmp_path)))
    assert find_binaries() == tmp_path


def test_find_binaries_rejects_a_wrong_env_var(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BIN_ENV_VAR, str(tmp_path))
    with pytest.raises(PostgresServerError, match=BIN_ENV_VAR):
        find_binaries()


def test_select_one_through_sqlalchemy(postgres_url: str) -> None:
    assert postgres_url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar_one() == 1
            dbname = conn.execute(text("SELECT current_database()")).scalar_one()
            assert postgres_url.endswith(f"/{dbname}")
    finally:
        engine.dispose()


def test_databases_are_isolated(postgres_server: PostgresServer) -> None:
    first, second = postgres_server.create_database(), postgres_server.create_database()
    assert first != second
    engines = [create_engine(first), create_engine(second)]
    try:
        with engines[0].begin() as conn:
            conn.execute(text("CREATE TABLE only_here (id int)"))
        assert inspect(engines[0]).has_table("only_here")
        assert not inspect(engines[1]).has_table("only_here")
    finally:
        for engine in engines:
            engine.dispose()
        postgres_server.drop_database(first)
        postgres_server.drop_database(second)


def test_drop_database_forces_out_open_connections(postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database()
    engine = create_engine(url)
    conn = engine.connect()  # left open on purpose: WITH (FORCE) must cope
    try:
        postgres_server.drop_database(url)
    finally:
        conn.invalidate()
        engine.dispose()
    engine = create_engine(postgres_server.url("postgres"))
    try:
        with engine.connect() as admin:
            query = text("SELECT count(*) FROM pg_database WHERE datname = :name")
            assert admin.execute(query, {"name": url.rsplit("/", 1)[1]}).scalar_one() == 0
    finally:
        engine.dispose()


def test_server_listens_on_its_own_unix_socket(postgres_server: PostgresServer) -> None:
    socket_dir = postgres_server.socket_dir
    assert (socket_dir / f".s.PGSQL.{postgres_server.port}").exists()
    with psycopg.connect(
        host=str(socket_dir), port=postgres_server.port, user="postgres", dbname="postgres"
    ) as conn:
        assert conn.execute("SHOW max_connections").fetchone() == ("200",)
        assert conn.execute("SHOW fsync").fetchone() == ("off",)

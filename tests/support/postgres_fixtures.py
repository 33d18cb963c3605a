"""pytest plugin: a throwaway PostgreSQL server per test session and a fresh database per test.

Load it with ``pytest_plugins = ["tests.support.postgres_fixtures"]``
(or ``-p tests.support.postgres_fixtures``).
Under pytest-xdist every worker starts its own server.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest

from tests.support.pg_server import BIN_ENV_VAR, PostgresServer, find_binaries

SKIP_REASON = (
    "PostgreSQL server not installed (apt-get install postgresql): PostgreSQL half skipped"
)


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A running private PostgreSQL server; skipped (failed on CI) when none is installed."""
    bindir = find_binaries()
    if bindir is None:
        if _on_ci():
            pytest.fail(
                "CI=true but no PostgreSQL server binaries were found (looked at "
                f"${BIN_ENV_VAR}, /usr/lib/postgresql/*/bin and PATH): .ci/run must install the "
                "'postgresql' package",
                pytrace=False,
            )
        pytest.skip(SKIP_REASON)
    server = PostgresServer(bindir).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def private_postgres_server() -> Iterator[PostgresServer]:
    """A server of this test's own, for tests that stop or freeze it (never the shared one)."""
    bindir = find_binaries()
    if bindir is None:
        if _on_ci():
            pytest.fail("CI=true but no PostgreSQL server binaries were found", pytrace=False)
        pytest.skip(SKIP_REASON)
    server = PostgresServer(bindir).start()
    try:
        yield server
    finally:
        with contextlib.suppress(Exception):
            server.thaw()  # a frozen server cannot be stopped
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """SQLAlchemy URL of a new, empty database, dropped (WITH (FORCE)) after the test."""
    url = postgres_server.create_database()
    try:
        yield url
    finally:
        postgres_server.drop_database(url)

"""Shared fixtures. Every storage and rules test runs on SQLite and on a real PostgreSQL
server (tests/support/postgres_fixtures.py starts one; without it the PostgreSQL half is skipped,
and under CI=true it fails)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest

from bedboard.services.demo import load_demo
from bedboard.store import Store
from tests.support.board import SIZE, BoardAt, Desk, demo_at_frozen_time, opened
from tests.support.cli import CliRunner, in_process
from tests.support.rules_world import build_world
from tests.support.stores import store_at
from tools.catalogs import compile_catalogs, compiled_up_to_date

pytest_plugins = ["tests.support.postgres_fixtures"]

# The tests' nights are in 2030, more than a year from today: accept them as `--far` would.
# tests/test_far_nights.py takes this away to test the refusal itself.
os.environ["BEDBOARD_FAR"] = "1"
# The board draws in ASCII without colour on a terminal that cannot do better (LANG=C,
# TERM=vt100, bedboard/ui/terminal.py); the tests and snapshots are of a UTF-8 colour terminal.
# tests/ui/test_terminal.py sets these itself.
os.environ["LC_CTYPE"] = "C.UTF-8"
if "utf" not in os.environ.get("LC_ALL", "utf").replace("UTF", "utf"):
    del os.environ["LC_ALL"]
os.environ["TERM"] = "xterm-256color"

REPO = Path(__file__).resolve().parent.parent

# Tests read English unless they ask for Swedish (BEDBOARD_LANG=sv, or use_language("sv")),
# whatever the machine's locale; the programs they start inherit this.
os.environ["BEDBOARD_LANG"] = "en"


def pytest_configure(config: pytest.Config) -> None:
    # The .mo files are build products: compile them from the .po files when those are newer,
    # so a plain `pytest` after a pull tests the current translations (make test does it too).
    if not compiled_up_to_date():
        compile_catalogs()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty database on each backend: a real file, or a real server's database."""
    if request.param == "sqlite":
        return str(tmp_path / "bedboard.sqlite3")
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def backend(db_url: str) -> str:
    """Which backend `db_url` is on (for tests that size their work to it)."""
    return "sqlite" if "://" not in db_url else "postgresql"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return str(tmp_path / "bedboard.sqlite3")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with store_at(db_url, "tester") as opened:
        yield opened


@pytest.fixture
def world(store: Store) -> Store:
    """The small world of tests/support/rules_world.py, on each backend."""
    return build_world(store)


@pytest.fixture
def small_mount(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mount a tiny tmpfs (root only); skipped with the reason where mounting is not allowed."""
    mounted: list[Path] = []

    def mount(options: str) -> Path:
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip()}); needs root")
        mounted.append(point)
        return point

    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; full and read-only disks not simulated")
    try:
        yield mount
    finally:
        for point in mounted:
            subprocess.run(["umount", "-l", str(point)], check=False)


@pytest.fixture
def cli_here(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """`cli_here(*args, db=URL)`: `bedboard` in this process (tests/support/cli.py)."""
    return in_process(capsys)


# The board: a real SQLite file (never :memory: with thread workers), the demo at a fixed moment,
# and the one way a test opens the board on it. Helpers that press keys: tests/support/board.py.


@pytest.fixture
def empty_store(sqlite_url: str) -> Iterator[Store]:
    with store_at(sqlite_url, "night-staff") as store:
        yield store


@pytest.fixture
def demo_store(empty_store: Store) -> Store:
    """The demo world as of tonight by the real clock (for tests that mix with the CLI)."""
    with empty_store.write() as session:
        load_demo(session, tonight=empty_store.tonight(), actor="setup")
    return empty_store


@pytest.fixture
def frozen_store(empty_store: Store) -> Store:
    """The demo world as of FROZEN_AT; use with `Clock.frozen(FROZEN_AT)`."""
    return demo_at_frozen_time(empty_store)


@pytest.fixture
def board_at(request: pytest.FixtureRequest) -> BoardAt:
    """The one way a UI test opens the board: `async with board_at(unit="Hvilan/3") as (app,
    pilot, board):` - on the frozen demo unless another store is given, loaded, with the cursor
    on `unit`."""

    def at(
        store: Store | None = None, *, unit: str | None = None, size: tuple[int, int] = SIZE
    ) -> AbstractAsyncContextManager[Desk]:
        return opened(store or request.getfixturevalue("frozen_store"), unit=unit, size=size)

    return at

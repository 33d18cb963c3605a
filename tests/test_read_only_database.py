"""A database that cannot be written (a backup on a read-only mount, a USB stick) can still be
read, and says that changes are not possible (#13, item 7).

Before the fix even `availability` failed with "unable to open database file": SQLite's usual
read-write open, and the switch to WAL, need to write. The read-only place is real: a tmpfs
remounted read-only (root, which file modes do not stop), or a folder and file without write
permission for everyone else."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bedboard.config import Settings
from bedboard.db.models import BedNight
from bedboard.services.demo import load_demo
from bedboard.store import Store, open_store
from tests.support.board import (
    FROZEN_AT,
    TONIGHT,
    frozen_app,
    notes,
    open_board,
    select_unit,
    wait_until,
)
from tests.support.cli import CliRunner
from tests.support.read_only import read_only_copy


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def read_only_db(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """The demo world in a WAL file, copied (without -wal/-shm, as a backup is) to a place that
    cannot be written."""
    source = tmp_path / "source.sqlite3"
    store = open_store(Settings(db=str(source), user="setup"))
    with store.write() as session:
        load_demo(session, tonight=TONIGHT, actor="setup", now=FROZEN_AT)
    store.close()
    yield from read_only_copy(source, tmp_path, request)


def test_reading_works_and_writing_is_refused_in_one_line(
    read_only_db: Path, cli_here: CliRunner
) -> None:
    before = _digest(read_only_db)
    code, out, err = cli_here("availability", "--night", str(TONIGHT), db=str(read_only_db))
    assert code == 0, err
    assert "Hvilan (Stockholm):" in out and "4 occupied" in out  # the demo world, read
    code, out, err = cli_here("db", "current", db=str(read_only_db))
    assert code == 0 and "newest" in out, err
    code, out, err = cli_here(
        "checkin", "--unit", "Hvilan/3", "--guest", "G-9", "--night", str(TONIGHT),
        db=str(read_only_db))  # fmt: skip
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "read-only" in lines[0] and "changes are not possible" in lines[0]
    assert _digest(read_only_db) == before
    assert not any(p.name.endswith(("-wal", "-shm")) for p in read_only_db.parent.iterdir())


async def test_the_board_says_read_only_and_refuses_changes(read_only_db: Path) -> None:
    store = open_store(Settings(db=str(read_only_db), user="night-staff"), create=False)
    before = _digest(read_only_db)
    try:
        app = frozen_app(store)
        async with app.run_test(size=(100, 30)) as pilot:
            board = await open_board(pilot)
            status = str(board.query_one("#status").render())
            assert "read-only" in status and "live" in status
            assert "31 free of 42" in str(board.query_one("#title").render())
            await select_unit(pilot, board, "Hvilan/3")  # free
            await pilot.press("c")
            assert await wait_until(pilot, lambda: any("read-only" in n for n in notes(app)))
            note = next(n for n in notes(app) if "read-only" in n)
            assert "changes are not possible" in note and "\n" not in note
            assert type(app.screen).__name__ == "BoardScreen"  # no form to fill in for nothing
        with store.read() as session:
            assert (session.scalar(select(func.count()).select_from(BedNight)) or 0) > 0
    finally:
        store.close()
    assert _digest(read_only_db) == before


def test_a_read_only_store_refuses_writes_before_touching_the_file(read_only_db: Path) -> None:
    store: Store = open_store(Settings(db=str(read_only_db), user="x"), create=False)
    try:
        assert store.read_only is not None
        with pytest.raises(Exception, match="read-only"), store.write():
            pass
    finally:
        store.close()

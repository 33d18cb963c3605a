"""A board reads the night in one thread at a time: a second read started beside the first
(the watcher reporting the revision the first is reading) doubled the start-up of a 5,000-unit
board, two threads taking turns on the GIL. A change that comes during a read is still shown:
the board reads once more when the read in flight is done."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bedboard.services.changes import RevisionWatcher
from bedboard.store import Store
from bedboard.ui.screens.board import BoardScreen
from bedboard.ui.widgets.unit_table import UnitTable
from tests.support.board import board_of, make_app, wait_until
from tests.support.cli import run_cli

SLOW_READ = 0.6  # longer than several of the watcher's polls (0.1 s in tests)


class ReadCounter:
    """Wraps BoardScreen.read: each read takes SLOW_READ longer (or, with `hold_first`, the
    first one waits after reading until `release` is set); counts reads and the most that ran
    at once."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, hold_first: bool = False) -> None:
        self.release = threading.Event()
        self.hold_first = hold_first
        self.reads = 0
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()
        read = BoardScreen.read

        def counted(screen: BoardScreen, session: Session) -> Any:
            with self._lock:
                self.reads += 1
                self.running += 1
                self.most_at_once = max(self.most_at_once, self.running)
            try:
                if self.hold_first and self.reads == 1:
                    result = read(screen, session)
                    self.release.wait(timeout=30)  # read, not yet shown
                    return result
                time.sleep(SLOW_READ)  # as a slow read: its revision is known only at its end
                return read(screen, session)
            finally:
                with self._lock:
                    self.running -= 1

        monkeypatch.setattr(BoardScreen, "read", counted)


async def test_start_up_reads_the_night_once(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = ReadCounter(monkeypatch)
    # The watcher's first poll answers while the board's first read runs (as on a busy
    # machine): it reports the revision that read is reading.
    poll = RevisionWatcher.poll
    polls: list[float] = []

    def late_first_poll(watcher: RevisionWatcher) -> int | None:
        if not polls:
            time.sleep(SLOW_READ / 2)
        polls.append(time.monotonic())
        return poll(watcher)

    monkeypatch.setattr(RevisionWatcher, "poll", late_first_poll)
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        board = board_of(app)
        assert await wait_until(pilot, lambda: board.loaded)
        await pilot.pause(3 * SLOW_READ)  # polls go on; nothing changed in the database
        assert counter.most_at_once == 1
        assert counter.reads == 1


async def test_a_change_during_a_read_is_read_after_it(
    demo_store: Store, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = ReadCounter(monkeypatch, hold_first=True)
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        board = board_of(app)
        # The first read has read the night; the check-in comes before it is shown.
        assert await wait_until(pilot, lambda: counter.running == 1)
        done = run_cli("checkin", "--unit", "Hvilan/3", "--guest", "G-900", db=sqlite_url)
        assert done.returncode == 0, done.stderr
        await pilot.pause(0.5)  # the watcher's polls report the new revision meanwhile
        counter.release.set()
        units = app.screen.query_one(UnitTable)

        def guest_of_hvilan_3() -> str:
            return next(u.guest_code for u in board.all_units if u.ref == "Hvilan/3")

        shown = await wait_until(pilot, lambda: board.loaded and guest_of_hvilan_3() == "G-900")
        assert shown, "the check-in made during the first read never showed"
        assert counter.most_at_once == 1
        assert units.row_count == len(board.all_units)


async def test_the_first_read_starts_before_the_board_is_mounted(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The night is read while Textual builds the app; the first load shows that read."""
    counter = ReadCounter(monkeypatch)
    read_at_mount: list[int] = []
    mounted = BoardScreen.on_mount

    def on_mount(screen: BoardScreen) -> None:
        read_at_mount.append(counter.reads)
        mounted(screen)

    monkeypatch.setattr(BoardScreen, "on_mount", on_mount)
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        board = board_of(app)
        assert await wait_until(pilot, lambda: board.loaded)
        assert read_at_mount == [1]  # already reading when the screen mounted
        await pilot.pause(2 * SLOW_READ)
        assert counter.reads == 1
        assert len(app.screen.query_one(UnitTable).rows) == len(board.all_units)

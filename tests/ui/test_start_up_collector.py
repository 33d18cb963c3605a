"""The board as its own process starts up without the cycle collector and lets it run again
once the first night is on screen, having frozen what its start-up made; a board inside a test
process (own_process=False) never touches the collector."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bedboard.store import Store
from bedboard.ui.app import BedboardApp
from bedboard.ui.screens.board import BoardScreen
from tests.support.board import board_of, wait_until


@pytest.fixture
def collector_restored() -> Iterator[None]:
    yield
    gc.unfreeze()  # what the board froze goes back to the collector of this test process
    gc.enable()


async def collector_at_mount(
    store: Store, own_process: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[bool], BedboardApp]:
    seen: list[bool] = []
    mounted = BoardScreen.on_mount

    def on_mount(screen: BoardScreen) -> None:
        seen.append(gc.isenabled())
        mounted(screen)

    monkeypatch.setattr(BoardScreen, "on_mount", on_mount)
    return seen, BedboardApp(store, poll_seconds=0.1, own_process=own_process)


async def test_the_program_starts_up_without_the_collector(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch, collector_restored: None
) -> None:
    gc.unfreeze()
    seen, app = await collector_at_mount(demo_store, True, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        board = board_of(app)
        assert await wait_until(pilot, lambda: board.loaded and gc.isenabled())
        assert seen == [False]  # resting while the screen was built
        assert gc.get_freeze_count() > 0  # the start-up's objects, kept out of its reach


async def test_a_first_read_that_fails_lets_the_collector_run_again(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch, collector_restored: None
) -> None:
    def broken(screen: BoardScreen, session: object) -> None:
        raise RuntimeError("no such table: bed_nights")

    monkeypatch.setattr(BoardScreen, "read", broken)
    seen, app = await collector_at_mount(demo_store, True, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_until(pilot, gc.isenabled)
        assert seen == [False]


async def test_a_board_in_a_test_process_leaves_the_collector_alone(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch, collector_restored: None
) -> None:
    gc.unfreeze()
    seen, app = await collector_at_mount(demo_store, False, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        board = board_of(app)
        assert await wait_until(pilot, lambda: board.loaded)
        assert seen == [True]
        assert gc.get_freeze_count() == 0

"""Fixtures for driving the board: a real SQLite file (never :memory: with thread workers),
the demo world loaded at a fixed moment, and helpers to wait for workers like a person would."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator

import pytest
from textual.pilot import Pilot

from bedboard.config import Settings
from bedboard.services.demo import load_demo
from bedboard.store import Store, open_store
from bedboard.ui.app import BedboardApp
from bedboard.ui.clock import Clock
from bedboard.ui.screens.board import BoardScreen

# 21:30 on a Friday evening: the current night is 2026-11-27 (rollover at 12:00).
FROZEN_AT = dt.datetime(2026, 11, 27, 21, 30)
TONIGHT = dt.date(2026, 11, 27)


@pytest.fixture
def empty_store(sqlite_url: str) -> Iterator[Store]:
    store = open_store(Settings(db=sqlite_url, user="night-staff"))
    yield store
    store.close()


@pytest.fixture
def demo_store(empty_store: Store) -> Store:
    """The demo world as of tonight by the real clock (for tests that mix with the CLI)."""
    with empty_store.write() as session:
        load_demo(session, tonight=empty_store.tonight(), actor="setup")
    return empty_store


def make_app(store: Store, clock: Clock | None = None) -> BedboardApp:
    return BedboardApp(store, clock=clock, poll_seconds=0.1)


def board_of(app: BedboardApp) -> BoardScreen:
    screen = app.get_default_screen() if not app.screen_stack else app.screen_stack[0]
    assert isinstance(screen, BoardScreen)
    return screen


async def wait_until(
    pilot: Pilot[None], condition: Callable[[], bool], seconds: float = 10
) -> bool:
    """Let workers and timers run until `condition` holds; False if it never did."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


@pytest.fixture
def frozen_store(empty_store: Store) -> Store:
    """The demo world as of FROZEN_AT; use with `Clock.frozen(FROZEN_AT)`."""
    with empty_store.write() as session:
        load_demo(session, tonight=TONIGHT, actor="setup", now=FROZEN_AT)
    return empty_store


def frozen_app(store: Store) -> BedboardApp:
    return make_app(store, Clock.frozen(FROZEN_AT))


def notes(app: BedboardApp) -> list[str]:
    """The notifications on screen, newest last (title and text)."""
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def open_board(pilot: Pilot[None]) -> BoardScreen:
    app = pilot.app
    assert isinstance(app, BedboardApp)
    board = board_of(app)
    assert await wait_until(pilot, lambda: board.loaded), "the board never loaded"
    return board


async def select_unit(pilot: Pilot[None], board: BoardScreen, ref: str) -> None:
    """Arrow down to a unit, the way a person would."""
    await pilot.press("home")
    for _ in range(60):
        unit = board.selected_unit
        if unit is not None and unit.ref == ref:
            return
        await pilot.press("down")
    raise AssertionError(f"could not reach {ref} with the arrow keys")


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*("space" if ch == " " else ch for ch in text))


async def wait_for_note(pilot: Pilot[None], part: str, seconds: float = 5) -> str:
    app = pilot.app
    assert isinstance(app, BedboardApp)
    found = await wait_until(pilot, lambda: any(part in n for n in notes(app)), seconds)
    assert found, f"no message containing {part!r}; messages: {notes(app)}"
    return next(n for n in notes(app) if part in n)

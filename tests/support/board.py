"""Driving the board in a test as a person would: the app on a real database at a frozen
moment, keys pressed, and waiting for workers the way a person waits for the screen."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, NamedTuple, Protocol, TypeVar

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget

from bedboard.services.demo import load_demo
from bedboard.services.people.turnaways import record_turnaway
from bedboard.store import Store
from bedboard.ui.app import BedboardApp
from bedboard.ui.clock import Clock
from bedboard.ui.screens.board import BoardScreen

# 21:30 on a Friday evening: the current night is 2026-11-27 (rollover at 12:00).
FROZEN_AT = dt.datetime(2026, 11, 27, 21, 30)
TONIGHT = dt.date(2026, 11, 27)
SIZE = (100, 30)
S = TypeVar("S", bound=Screen[Any])
W = TypeVar("W", bound=Widget)


def make_app(store: Store, clock: Clock | None = None) -> BedboardApp:
    return BedboardApp(store, clock=clock, poll_seconds=0.1)


def frozen_app(store: Store) -> BedboardApp:
    return make_app(store, Clock.frozen(FROZEN_AT))


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


class Desk(NamedTuple):
    """The open board: `async with board_at(...) as (app, pilot, board):`."""

    app: BedboardApp
    pilot: Pilot[None]
    board: BoardScreen


class BoardAt(Protocol):
    """The `board_at` fixture (tests/ui/conftest.py)."""

    def __call__(
        self, store: Store | None = None, *, unit: str | None = None, size: tuple[int, int] = SIZE
    ) -> AbstractAsyncContextManager[Desk]: ...


@asynccontextmanager
async def opened(
    store: Store, *, unit: str | None = None, size: tuple[int, int] = SIZE
) -> AsyncIterator[Desk]:
    """The board on `store` at FROZEN_AT, loaded, with the cursor on `unit` if one is named."""
    app = frozen_app(store)
    async with app.run_test(size=size) as pilot:
        board = await open_board(pilot)
        if unit is not None:
            await select_unit(pilot, board, unit)
        yield Desk(app, pilot, board)


def demo_at_frozen_time(store: Store) -> Store:
    """The demo world as of FROZEN_AT; use with `Clock.frozen(FROZEN_AT)`."""
    with store.write() as session:
        load_demo(session, tonight=TONIGHT, actor="setup", now=FROZEN_AT)
    return store


def frozen_demo(store: Store) -> Store:
    """The demo as of FROZEN_AT with five turnaways over the last weeks (for reports)."""
    with store.write() as session:
        load_demo(session, tonight=TONIGHT, actor="setup")
        for days_ago, reason, people in [
            (1, "no_free_unit", 2),
            (3, "no_payer", 1),
            (9, "no_free_unit", 3),
            (10, "needs_not_met", 1),
            (24, "no_free_unit", 1),
        ]:
            record_turnaway(
                session,
                night=TONIGHT - dt.timedelta(days=days_ago),
                reason=reason,
                people=people,
                actor="setup",
            )
    return store


async def screen_after(pilot: Pilot[None], key: str, kind: type[S]) -> S:
    """Press `key` and wait for the screen it opens, as a person waits to see it."""
    await pilot.press(key)
    app = pilot.app
    opened = await wait_until(pilot, lambda: isinstance(app.screen, kind))
    assert opened, f"{key!r} did not open {kind.__name__}; on screen: {app.screen!r}"
    screen = app.screen
    assert isinstance(screen, kind)
    return screen


async def table_after(
    pilot: Pilot[None], key: str, kind: type[S], table: type[W], rows: int = 1
) -> tuple[S, W]:
    """Press `key`, wait for the screen it opens and for its `table` to show at least `rows`
    rows (the screen reads in a worker: an empty table is not yet an answer)."""
    screen = await screen_after(pilot, key, kind)
    found = screen.query_one(table)
    filled = await wait_until(pilot, lambda: getattr(found, "row_count", 0) >= rows)
    assert filled, f"{table.__name__} on {kind.__name__} never showed {rows} rows"
    return screen, found


def form_text(screen: Screen[Any]) -> str:
    """Every text a form shows: its title, intro and field labels, as a person reads them."""
    from textual.widgets import Static  # labels are Statics too

    return " ".join(str(w.render()) for w in screen.query(Static))


async def fill(pilot: Pilot[None], key: str, text: str, *then: str) -> None:
    """Press `key` for its form, type `text` into the first field, then press `then` (for
    example "enter" to send it; nothing leaves the form open)."""
    await pilot.press(key)
    await type_text(pilot, text)
    if then:
        await pilot.press(*then)

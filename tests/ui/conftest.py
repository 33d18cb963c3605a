"""Fixtures for driving the board: a real SQLite file (never :memory: with thread workers) and the
demo world loaded at a fixed moment. The helpers that press keys and wait are in
tests/support/board.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager

import pytest

from bedboard.config import Settings
from bedboard.services.demo import load_demo
from bedboard.store import Store, open_store
from tests.support.board import FROZEN_AT, SIZE, TONIGHT, BoardAt, Desk, opened


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


@pytest.fixture
def frozen_store(empty_store: Store) -> Store:
    """The demo world as of FROZEN_AT; use with `Clock.frozen(FROZEN_AT)`."""
    with empty_store.write() as session:
        load_demo(session, tonight=TONIGHT, actor="setup", now=FROZEN_AT)
    return empty_store


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

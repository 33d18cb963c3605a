"""A board that cannot confirm its data says so, in words, and comes back by itself (#13,
item 2).

Before the fix a frozen server (SIGSTOP) left the board saying "● live" over a free count that
was no longer true, for as long as the freeze lasted: the watcher's poll simply never returned.
Now the header turns to "STALE since HH:MM:SS" after a few seconds without an answer, to
"OFFLINE" when answers fail, actions warn, and it is "live" again once the server answers. Each
test runs its own PostgreSQL server, which it stops, freezes and resumes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bedboard.config import Settings
from bedboard.services.beds.stays import check_in
from bedboard.services.demo import load_demo
from bedboard.store import Store, open_store
from bedboard.ui.app import BedboardApp
from bedboard.ui.clock import Clock
from tests.support.board import (
    FROZEN_AT,
    TONIGHT,
    notes,
    open_board,
    select_unit,
    wait_until,
)
from tests.support.pg_server import PostgresServer


@pytest.fixture
def pg_store(private_postgres_server: PostgresServer) -> Iterator[Store]:
    url = private_postgres_server.create_database()
    store = open_store(Settings(db=url, user="night-staff"))
    with store.write() as session:
        load_demo(session, tonight=TONIGHT, actor="setup", now=FROZEN_AT)
    yield store
    store.close()


def status_of(app: BedboardApp) -> str:
    return str(app.screen_stack[0].query_one("#status").render())


def title_of(app: BedboardApp) -> str:
    return str(app.screen_stack[0].query_one("#title").render())


async def test_a_frozen_server_turns_the_board_stale_and_back(
    private_postgres_server: PostgresServer, pg_store: Store
) -> None:
    app = BedboardApp(pg_store, clock=Clock.frozen(FROZEN_AT), poll_seconds=0.1)
    async with app.run_test(size=(100, 30)) as pilot:
        board = await open_board(pilot)
        assert await wait_until(pilot, lambda: "live" in status_of(app))
        private_postgres_server.freeze()
        try:
            # The default threshold, as a night shift gets it: a few seconds, not minutes.
            assert await wait_until(pilot, lambda: "STALE" in status_of(app), seconds=10), (
                status_of(app)
            )
            status = status_of(app)
            assert "live" not in status
            assert "since 21:30:00" in status  # the last confirmed moment (the frozen clock's)
            # A change from a stale board warns before the form is filled in.
            await select_unit(pilot, board, "Hvilan/3")
            await pilot.press("c")
            assert await wait_until(
                pilot, lambda: any("has not answered since" in n for n in notes(app))
            ), notes(app)
            await pilot.press("escape")
        finally:
            private_postgres_server.thaw()
        assert await wait_until(pilot, lambda: "live" in status_of(app), seconds=30), status_of(app)
        assert "STALE" not in status_of(app)
        # Live again means live: a change made elsewhere now shows.
        free_before = title_of(app)
        with pg_store.write() as session:
            check_in(session, unit="Hvilan/4", guest_code="G-777", night=TONIGHT,
                     actor="laptop", now=FROZEN_AT)  # fmt: skip
        assert await wait_until(pilot, lambda: title_of(app) != free_before, seconds=10)
        assert "30 free of 42" in title_of(app)


async def test_a_stopped_server_shows_offline_and_the_board_recovers(
    private_postgres_server: PostgresServer, pg_store: Store
) -> None:
    app = BedboardApp(pg_store, clock=Clock.frozen(FROZEN_AT), poll_seconds=0.1)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_board(pilot)
        assert await wait_until(pilot, lambda: "live" in status_of(app))
        private_postgres_server.halt()
        assert await wait_until(pilot, lambda: "OFFLINE" in status_of(app), seconds=15)
        assert "live" not in status_of(app) and "since 21:30:00" in status_of(app)
        private_postgres_server.resume()
        assert await wait_until(pilot, lambda: "live" in status_of(app), seconds=30), status_of(app)
        assert "OFFLINE" not in status_of(app)
        assert app._exception is None

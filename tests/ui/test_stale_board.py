"""A board that cannot confirm its data says so, in words, and comes back by itself (#13,
item 2).

Before the fix a frozen server (SIGSTOP) left the board saying "● live" over a free count that
was no longer true, for as long as the freeze lasted: the watcher's poll simply never returned.
Now the header turns to "STALE since HH:MM:SS" after a few seconds without an answer, to
"OFFLINE" when answers fail, actions warn, and it is "live" again once the server answers. Each
test runs its own PostgreSQL server, which it stops, freezes and resumes."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bedboard.config import Settings
from bedboard.db.models import Guest
from bedboard.store import Store, open_store
from bedboard.ui.app import BedboardApp
from bedboard.ui.clock import Clock
from tests.support.board import (
    FROZEN_AT,
    TONIGHT,
    demo_at_frozen_time,
    notes,
    open_board,
    select_unit,
    type_text,
    wait_for_note,
    wait_until,
)
from tests.support.booking import book
from tests.support.pg_server import PostgresServer
from tests.support.stores import store_at
from tests.support.tcp_proxy import BlackholeProxy

PASSWORD = "s3cret-Nattjour"  # the server trusts local logins; the URL carries one anyway


@pytest.fixture
def pg_store(private_postgres_server: PostgresServer) -> Iterator[Store]:
    url = private_postgres_server.create_database()
    with store_at(url, "night-staff") as store:
        yield demo_at_frozen_time(store)


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
            book(session, "Hvilan/4", "G-777", TONIGHT, actor="laptop", now=FROZEN_AT)
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


async def test_a_network_that_stops_carrying_packets(
    private_postgres_server: PostgresServer, pg_store: Store
) -> None:
    """A proxy between the board and the server stops relaying without closing anything (no
    refusal, no reset: packets just stop). The header turns stale within the configured time,
    and a booking warns, then fails within the configured wait in one line: no traceback, no
    password, the board still up. When packets flow again the booking that was given up on is
    not made after all, and the board is live."""
    with BlackholeProxy(private_postgres_server.port) as proxy:
        url = proxy.url_for(pg_store.settings.db).replace("postgres@", f"postgres:{PASSWORD}@")
        store = open_store(Settings(db=url, user="night-staff"))
        app = BedboardApp(
            store, clock=Clock.frozen(FROZEN_AT), poll_seconds=0.1, stale_seconds=2,
            answer_seconds=4,
        )  # fmt: skip
        try:
            async with app.run_test(size=(100, 30)) as pilot:
                board = await open_board(pilot)
                assert await wait_until(pilot, lambda: "live" in status_of(app))
                await select_unit(pilot, board, "Hvilan/3")
                proxy.blackhole()
                quiet = time.monotonic()
                # stale_seconds, after the watcher's next question (it asks at least every 2 s)
                assert await wait_until(pilot, lambda: "STALE" in status_of(app), seconds=8), (
                    status_of(app)
                )
                assert time.monotonic() - quiet < 2 + 2 + 2
                assert "live" not in status_of(app) and "since 21:30:00" in status_of(app)
                await pilot.press("c")
                await wait_for_note(pilot, "has not answered since")
                await type_text(pilot, "G-900")
                await pilot.press("enter")
                asked = time.monotonic()
                note = await wait_for_note(pilot, "did not answer within 4 s", seconds=12)
                assert time.monotonic() - asked < 4 + 4
                assert "not confirmed" in note and "Nothing was changed" not in note
                said = "\n".join(notes(app)) + status_of(app)
                assert PASSWORD not in said and "Traceback" not in said
                assert app._exception is None and app.is_running
                # The server itself is fine; only this path to it is quiet.
                with pg_store.read() as session:
                    assert session.scalar(select(Guest.id).where(Guest.code == "G-900")) is None
                proxy.restore()
                assert await wait_until(pilot, lambda: "live" in status_of(app), seconds=15)
                await pilot.pause(1.5)  # the given-up write got its answers: it rolled back
                with pg_store.read() as session:
                    assert session.scalar(select(Guest.id).where(Guest.code == "G-900")) is None
                assert app._exception is None
        finally:
            store.close()

"""No credential on any screen, in any output or log, and no crash when the database is out of
reach (#13, item 1).

Before the fix: PostgreSQL unreachable, one letter typed into the check-in form's guest-code
field, and the board exited; Textual's traceback with its locals printed the URL's password
16 times. The guest-code completion ran in a Textual worker whose error ends the app."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from psycopg import sql
from textual.widgets import Input

from bedboard.redact import mask_url, scrub
from bedboard.store import Store
from bedboard.ui.app import BedboardApp
from bedboard.ui.clock import Clock
from tests.support.board import (
    FROZEN_AT,
    demo_at_frozen_time,
    notes,
    open_board,
    select_unit,
    wait_until,
)
from tests.support.cli import run_cli
from tests.support.pg_server import PostgresServer
from tests.support.stores import store_at

PASSWORD = "Sup3r-S3cret-night"


@pytest.fixture
def secret_url(private_postgres_server: PostgresServer) -> str:
    """A database owned by a role with a password, and its URL with that password in it."""
    plain = private_postgres_server.create_database()
    name = plain.rsplit("/", 1)[1]
    with private_postgres_server._admin() as conn:
        conn.execute(sql.SQL("CREATE ROLE night LOGIN PASSWORD {}").format(sql.Literal(PASSWORD)))
        conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO night").format(sql.Identifier(name)))
    return f"postgresql+psycopg://night:{PASSWORD}@127.0.0.1:{private_postgres_server.port}/{name}"


@pytest.fixture
def secret_store(secret_url: str) -> Iterator[Store]:
    with store_at(secret_url, "night-staff") as store:
        yield demo_at_frozen_time(store)


def _screen_text(app: BedboardApp) -> str:
    return app.export_screenshot()


async def test_unreachable_server_and_a_typed_letter_keep_the_board_up(
    private_postgres_server: PostgresServer,
    secret_store: Store,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    app = BedboardApp(secret_store, clock=Clock.frozen(FROZEN_AT), poll_seconds=0.1)
    async with app.run_test(size=(100, 30)) as pilot:
        board = await open_board(pilot)
        await select_unit(pilot, board, "Hvilan/3")
        await pilot.press("c")
        field = app.screen.query_one("#field-guest", Input)
        private_postgres_server.halt()
        await pilot.press("g")  # one letter: the completion asks the database
        assert await wait_until(pilot, lambda: any("Offline" in n for n in notes(app)), 15)
        await pilot.pause(3)  # time for the completion's query to fail
        assert app.is_running and app._exception is None
        assert field.value == "g" and app.screen.query_one("#field-guest") is field
        offline = [n for n in notes(app) if n.startswith("Offline")]
        assert len(offline) == 1 and "\n" not in offline[0], offline
        assert "Cannot reach the database" in offline[0]
        assert PASSWORD not in _screen_text(app)
        assert PASSWORD not in str(notes(app))
    out, err = capfd.readouterr()
    assert PASSWORD not in out + err
    assert PASSWORD not in caplog.text


async def test_an_unhandled_error_shows_one_line_or_a_traceback_without_locals(
    secret_store: Store, secret_url: str, capfd: pytest.CaptureFixture[str]
) -> None:
    for debug in (False, True):
        app = BedboardApp(secret_store, clock=Clock.frozen(FROZEN_AT), debug=debug)

        def explode(url: str = secret_url) -> None:
            raise RuntimeError(f"cannot use {url}")

        capfd.readouterr()
        with pytest.raises(RuntimeError):
            async with app.run_test(size=(100, 30)) as pilot:
                await open_board(pilot)
                app.call_later(explode)
                await pilot.pause(1)
        out, shown = capfd.readouterr()  # Textual prints the error to stderr as it exits
        assert PASSWORD not in out + shown
        assert app.return_code == 1
        if debug:
            assert "Traceback" in shown and "explode" in shown
            assert "locals" not in shown and "secret_url" not in shown
        else:
            assert shown.strip().count("\n") == 0, shown
            assert "unexpected error: RuntimeError" in shown and "--debug" in shown
            assert "night:***@127.0.0.1" in shown


def test_the_command_line_never_prints_the_password(
    private_postgres_server: PostgresServer, secret_store: Store, secret_url: str
) -> None:
    private_postgres_server.halt()
    for args in (["availability"], ["availability", "--debug"], ["checkin", "--debug"]):
        result = run_cli(*args, db=secret_url)
        assert result.returncode != 0
        assert PASSWORD not in result.stdout + result.stderr
    plain = run_cli("availability", db=secret_url)
    assert len(plain.stderr.strip().splitlines()) == 1, plain.stderr
    broken = secret_url.replace(f":{private_postgres_server.port}/", ":notaport/")
    for args in (["availability"], ["availability", "--debug"]):
        result = run_cli(*args, db=broken)
        assert result.returncode != 0
        assert PASSWORD not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "text",
    [
        f"postgresql+psycopg://night:{PASSWORD}@db.example:5432/beds",
        f"postgresql://night:{PASSWORD}@/beds?host=/run/postgresql",
        f"host=db user=night password={PASSWORD} dbname=beds",
        f"host=db password='{PASSWORD}' dbname=beds",
        f"PGPASSWORD={PASSWORD}",
        f'{{"password": "{PASSWORD}"}}',
    ],
)
def test_scrub_masks_passwords_in_place(text: str) -> None:
    masked = scrub(text, remembered=False)
    assert PASSWORD not in masked and "***" in masked
    assert "night" in masked or "PGPASSWORD" in masked or "password" in masked


def test_mask_url_keeps_everything_but_the_password() -> None:
    assert (
        mask_url("postgresql://night:p%40ss@db:5432/beds") == "postgresql://night:***@db:5432/beds"
    )
    assert mask_url("/var/lib/bedboard.sqlite3") == "/var/lib/bedboard.sqlite3"
    assert re.fullmatch(r"sqlite:///.*", mask_url("sqlite:////tmp/a.sqlite3"))

"""A read that fails for real shows as one line on the screen that asked, keeps what was shown,
and never takes the board down; the next good read clears the line.

The failure is real: a table of the SQLite file is renamed away with plain SQL (as a damaged
or half-restored database would be), and the revision is bumped so every open screen reads
again. Nothing here stands in for the database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import text
from textual.app import App
from textual.screen import Screen
from textual.widgets import DataTable, Input

from bedboard.store import Store
from bedboard.ui.screens.billing import BillingScreen
from bedboard.ui.screens.board import BoardScreen
from bedboard.ui.screens.form import FormScreen
from bedboard.ui.screens.rack import RackScreen
from bedboard.ui.screens.reports import ReportsScreen
from bedboard.ui.screens.who_pays import WhoPaysScreen
from bedboard.ui.widgets.line_table import LineTable
from bedboard.ui.widgets.notice import Notice
from tests.support.board import BoardAt, screen_after, type_text, wait_until


def rename_table(store: Store, old: str, new: str) -> None:
    """Plain SQL on the real file; the revision moves so every live screen reads again. It
    jumps, so the board reads its whole night (after a step of one with no unit noted as
    changed, it would rightly read no bed-nights at all)."""
    with store.engine.begin() as connection:
        connection.execute(text(f"ALTER TABLE {old} RENAME TO {new}"))
        connection.execute(text("UPDATE revision SET value = value + 2"))


def notice_text(screen: Screen[object]) -> str:
    notice = screen.query_one(Notice)
    return notice.text if notice.display else ""


SCREENS: dict[str, tuple[str, type[Screen[None]]]] = {
    "billing": ("B", BillingScreen),
    "who-pays": ("W", WhoPaysScreen),
    "reports": ("R", ReportsScreen),
    "rack": ("r", RackScreen),
    "board": ("", BoardScreen),
}


def shown(screen: Screen[object]) -> Callable[[], object]:
    """What the screen shows from its last good read (it must survive a failed one)."""
    if isinstance(screen, ReportsScreen):
        return lambda: screen.report
    tables = [*screen.query(DataTable), *screen.query(LineTable)]
    return lambda: [t.row_count for t in tables]


@pytest.mark.parametrize("name", list(SCREENS))
async def test_a_failed_read_shows_one_line_and_the_board_stays_up(
    name: str, frozen_store: Store, board_at: BoardAt
) -> None:
    key, screen_class = SCREENS[name]
    async with board_at(size=(110, 36)) as (app, pilot, _):
        if key:
            await pilot.press(key)
        assert await wait_until(pilot, lambda: isinstance(app.screen, screen_class))
        screen = app.screen
        await pilot.pause(0.5)  # the first read is in
        before = shown(screen)()
        assert notice_text(screen) == ""

        rename_table(frozen_store, "bed_nights", "bed_nights_away")
        assert await wait_until(pilot, lambda: "no such table" in notice_text(screen)), notice_text(
            screen
        )
        line = notice_text(screen)
        assert "\n" not in line and "Traceback" not in line
        assert app.is_running and app.screen is screen
        assert shown(screen)() == before  # what was read before stays on screen

        rename_table(frozen_store, "bed_nights_away", "bed_nights")
        assert await wait_until(pilot, lambda: notice_text(screen) == "")
        assert app.is_running


async def test_guest_code_completion_failing_never_takes_the_board_down(
    frozen_store: Store,
    board_at: BoardAt,
) -> None:
    """Typing in the check-in form's guest code asks the database at each key; when that
    read fails, the form says so in its error line and the board stays up (it crashed)."""
    async with board_at(unit="Hvilan/3") as (app, pilot, _):
        form = await screen_after(pilot, "c", FormScreen)
        with frozen_store.engine.begin() as connection:  # no revision bump: only typing reads
            connection.execute(text("ALTER TABLE guests RENAME TO guests_away"))
        await type_text(pilot, "G-1")

        def error_line() -> str:
            return str(form.query_one("#form-error").render())

        assert await wait_until(pilot, lambda: "cannot be completed" in error_line())
        assert "no such table" in error_line()
        await pilot.pause(0.5)
        assert app.is_running and app.screen is form
        assert form.query_one("#field-guest", Input).value == "G-1"  # what was typed stays


async def test_a_screen_under_another_does_not_read_until_it_shows_again(
    frozen_store: Store,
    board_at: BoardAt,
) -> None:
    async with board_at(size=(110, 36)) as (app, pilot, board):
        await screen_after(pilot, "B", BillingScreen)
        read_before = board.read_revision
        with frozen_store.engine.begin() as connection:
            connection.execute(text("UPDATE revision SET value = value + 1"))
        revision = app.revision
        assert await wait_until(pilot, lambda: app.revision != revision)
        await pilot.pause(0.5)
        assert board.read_revision == read_before  # hidden: it did not read
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: board.read_revision == app.revision)


def test_failure_text_is_one_line_without_credentials() -> None:
    from bedboard.errors import DatabaseError
    from bedboard.ui.failures import failure_text

    leaked = RuntimeError(
        "cannot connect to postgresql+psycopg://night:s3cret@db.example/bedboard\nDETAIL: x"
    )
    said = failure_text(leaked)
    assert "s3cret" not in said and "night:***@" in said and "\n" not in said
    assert said.startswith("unexpected error (RuntimeError: ")
    assert failure_text(DatabaseError("the database is busy")) == "the database is busy"
    assert "password=***" in failure_text(ValueError("host=x password=hunter2 port=5"))
    assert len(failure_text(ValueError("x" * 1000))) < 200


async def test_reports_host_without_the_board_app_still_loads(frozen_store: Store) -> None:
    """The reports screen works in any Textual app (tests host it alone for its snapshots)."""
    from bedboard.ui.clock import Clock
    from tests.support.board import FROZEN_AT

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(ReportsScreen(frozen_store, Clock.frozen(FROZEN_AT)))

    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        assert await wait_until(
            pilot, lambda: isinstance(app.screen, ReportsScreen) and app.screen.report is not None
        )

"""Moving between nights, filters, guest search, help and the command palette."""

from __future__ import annotations

import datetime as dt

from bedboard.store import Store
from bedboard.ui.clock import Clock
from bedboard.ui.screens.help import HelpScreen
from bedboard.ui.screens.pick import PickScreen
from bedboard.ui.screens.rack import RackScreen
from bedboard.ui.widgets.unit_table import UnitTable
from tests.support.board import (
    TONIGHT,
    BoardAt,
    fill,
    notes,
    screen_after,
    type_text,
    wait_for_note,
    wait_until,
)
from tests.support.db_checks import audit_actions


def title(app: object) -> str:
    return str(app.screen.query_one("#title").render())  # type: ignore[attr-defined]


async def test_nights_forward_back_to_a_date_and_tonight(board_at: BoardAt) -> None:
    async with board_at() as (app, pilot, board):
        assert "Tonight · Fri 27 Nov 2026" in title(app)
        await pilot.press("right_square_bracket")
        assert await wait_until(pilot, lambda: "tomorrow night" in title(app))
        # Hvilan/20 is out of service until the 29th; on the 30th it is free again.
        await fill(pilot, "d", "2026-11-30", "enter")
        assert await wait_until(pilot, lambda: board.night == dt.date(2026, 11, 30))
        assert await wait_until(
            pilot,
            lambda: any(u.ref == "Hvilan/20" and u.status == "free" for u in board.units.values()),
        )
        await pilot.press("t")
        assert await wait_until(pilot, lambda: board.night == TONIGHT)
        assert "Tonight" in title(app)


async def test_free_only_and_the_filter_form(board_at: BoardAt) -> None:
    async with board_at() as (app, pilot, board):
        table = app.screen.query_one(UnitTable)
        assert table.row_count == 42
        await pilot.press("a")
        assert await wait_until(pilot, lambda: table.row_count == 31)
        assert {u.status for u in board.units.values()} == {"free"}
        assert "only: free" in title(app)
        await pilot.press("a")  # now "Show all"
        assert await wait_until(pilot, lambda: table.row_count == 42)
        await pilot.press("f", "tab", "tab", "space")  # area, kind, then tick women only
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: table.row_count < 42)
        assert all("women_only" in u.tags for u in board.units.values())
        assert "only: women only" in title(app)


async def test_find_a_guest_by_name_shows_the_code_only(
    frozen_store: Store, board_at: BoardAt
) -> None:
    async with board_at() as (app, pilot, board):
        await pilot.press("slash")
        await type_text(pilot, "person 103")
        await pilot.press("tab")
        await type_text(pilot, "she called from the station")
        await pilot.press("enter")
        assert await wait_until(
            pilot,
            lambda: (
                board.selected_unit is not None and board.selected_unit.ref == "Familjen Berg/1"
            ),
        )
        detail = str(app.screen.query_one("#detail").render())
        assert "G-103" in detail
        assert "Demo person" not in detail
    found = [a for a in audit_actions(frozen_store) if a[1] == "find_guest_by_name"]
    assert found == [("night-staff", "find_guest_by_name", "guest:G-103")]


async def test_finding_a_protected_guest_by_name_without_a_reason_shows_nothing(
    frozen_store: Store, board_at: BoardAt
) -> None:
    async with board_at() as (_, pilot, board):
        before = board.selected_unit
        await pilot.press("slash")
        await type_text(pilot, "person 103")
        await pilot.press("enter")
        note = await wait_for_note(pilot, "say why the name is needed")
        assert "Nothing was changed" in note
        assert board.selected_unit == before
    found = [a for a in audit_actions(frozen_store) if a[1] == "find_guest_by_name"]
    assert found == []


async def test_find_a_guest_among_several_and_jump_to_another_night(board_at: BoardAt) -> None:
    async with board_at() as (_, pilot, board):
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
        assert await wait_until(pilot, lambda: board.night == dt.date(2026, 11, 30))
        await pilot.press("slash")
        await type_text(pilot, "G-10")
        await screen_after(pilot, "enter", PickScreen)
        # G-101's nearest night from the 30th back is the 29th, in Hvilan/1.
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: board.night == dt.date(2026, 11, 29))
        assert await wait_until(
            pilot,
            lambda: board.selected_unit is not None and board.selected_unit.guest_code == "G-101",
        )


async def test_help_and_palette_list_what_works_here(board_at: BoardAt) -> None:
    async with board_at() as (app, pilot, _):
        await screen_after(pilot, "f1", HelpScreen)
        await pilot.press("escape")
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Check out" in commands  # the first row is Hvilan/1, occupied
        assert "Check in" not in commands
        assert "Find a place" in commands
        assert "Rack" in commands


async def test_enter_on_a_unit_lists_what_can_be_done_there(board_at: BoardAt) -> None:
    async with board_at() as (app, pilot, _):
        await pilot.press("enter")  # on Hvilan/1, occupied
        assert await wait_until(pilot, lambda: isinstance(app.screen, PickScreen))
        labels = [label for label, _ in app.screen.options]  # type: ignore[attr-defined]
        assert labels == [
            "Check out  (o)",
            "Extend  (e)",
            "Move  (m)",
            "Turnaway  (w)",
            "Show name  (N)",
        ]
        await pilot.press("down", "enter")  # Extend
        assert await wait_until(pilot, lambda: type(app.screen).__name__ == "FormScreen")


async def test_board_follows_the_rollover_only_when_showing_the_current_night(
    board_at: BoardAt,
) -> None:
    async with board_at() as (_, pilot, board):
        # Next day, 13:00: past the rollover hour, the current night is the 28th.
        board._clock = Clock.frozen(dt.datetime(2026, 11, 28, 13, 0))
        board._tick()
        assert await wait_until(pilot, lambda: board.night == dt.date(2026, 11, 28))
        await pilot.press("left_square_bracket")  # the user looks at the 27th on purpose
        assert await wait_until(pilot, lambda: board.night == TONIGHT)
        board._clock = Clock.frozen(dt.datetime(2026, 11, 28, 13, 1))
        board._tick()
        await pilot.pause(0.2)
        assert board.night == TONIGHT  # not pulled away from what the user chose


async def test_the_calendar_has_ends_and_the_board_stays_up_at_them(board_at: BoardAt) -> None:
    """The last night there is (9999-12-31, or the first, 0001-01-01), then ] (or [): the board
    exited with "unexpected error: OverflowError"; an emptied date field, then ], with a
    TypeError. Now the board stays where it is and says why."""
    async with board_at() as (app, pilot, board):
        for night, key in (
            (dt.date.max, "right_square_bracket"),
            (dt.date.min, "left_square_bracket"),
        ):
            await fill(pilot, "d", night.isoformat(), "enter")
            assert await wait_until(pilot, lambda: board.night == night), board.night  # noqa: B023
            await pilot.press(key)
            await pilot.pause(0.3)
            assert app.is_running and app._exception is None
            assert board.night == night
            assert any("calendar" in n for n in notes(app)), notes(app)
        # the rack from there: two weeks do not fit, a week on does not exist; it says so
        await pilot.press("r")
        assert await wait_until(pilot, lambda: isinstance(app.screen, RackScreen))
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause(0.3)
        assert app.is_running and app._exception is None
        await pilot.press("escape")
        await pilot.press("d", "backspace", "enter")  # an emptied field is no night
        await pilot.pause(0.3)
        await pilot.press("right_square_bracket")
        await pilot.pause(0.3)
        assert app.is_running and app._exception is None
        assert isinstance(board.night, dt.date)

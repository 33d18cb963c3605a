"""What the main screens look like, at 80x24 and on a wide terminal. The clock is frozen and
the demo data loaded for that moment, so nothing depends on today's date."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from bedboard.services.staff import members
from bedboard.store import Store
from bedboard.ui.app import BedboardApp
from bedboard.ui.clock import Clock
from bedboard.ui.screens.placement import OptionTable, PlacementScreen
from bedboard.ui.screens.rack import RackScreen
from bedboard.ui.screens.sign_in import SignInScreen
from tests.support.board import FROZEN_AT, board_of, frozen_app, type_text, wait_until

SIZES = {"80x24": (80, 24), "wide": (160, 45)}
RunBefore = Callable[[Pilot[None]], Awaitable[None]]


def settled(app: BedboardApp, *keys: str, until: Callable[[], bool] = lambda: True) -> RunBefore:
    async def run_before(pilot: Pilot[None]) -> None:
        board = board_of(app)
        assert await wait_until(pilot, lambda: board.loaded and app.revision is not None)
        if keys:
            await pilot.press(*keys)
        assert await wait_until(pilot, until)
        await pilot.pause(0.2)
        app.clear_notifications()

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_board(snap_compare: Callable[..., bool], frozen_store: Store, size: str) -> None:
    app = frozen_app(frozen_store)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=settled(app))


@pytest.mark.parametrize("size", SIZES)
def test_board_held_unit_selected(
    snap_compare: Callable[..., bool], frozen_store: Store, size: str
) -> None:
    app = frozen_app(frozen_store)
    keys = ("down",) * 11  # Hvilan/12, held for 90 minutes
    assert snap_compare(app, terminal_size=SIZES[size], run_before=settled(app, *keys))


@pytest.mark.parametrize("size", SIZES)
def test_check_in_form(snap_compare: Callable[..., bool], frozen_store: Store, size: str) -> None:
    app = frozen_app(frozen_store)
    keys = ("down", "down", "c")  # Hvilan/3 is free
    until = lambda: type(app.screen).__name__ == "FormScreen"  # noqa: E731
    assert snap_compare(app, terminal_size=SIZES[size], run_before=settled(app, *keys, until=until))


@pytest.mark.parametrize("size", SIZES)
def test_rack(snap_compare: Callable[..., bool], frozen_store: Store, size: str) -> None:
    app = frozen_app(frozen_store)

    def ready() -> bool:
        return isinstance(app.screen, RackScreen) and app.screen.data is not None

    assert snap_compare(app, terminal_size=SIZES[size], run_before=settled(app, "r", until=ready))


@pytest.mark.parametrize("size", SIZES)
def test_find_a_place(snap_compare: Callable[..., bool], frozen_store: Store, size: str) -> None:
    app = frozen_app(frozen_store)

    def ready() -> bool:
        screen = app.screen
        return isinstance(screen, PlacementScreen) and screen.query_one(OptionTable).row_count > 0

    assert snap_compare(app, terminal_size=SIZES[size], run_before=settled(app, "p", until=ready))


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare: Callable[..., bool], frozen_store: Store, size: str) -> None:
    app = frozen_app(frozen_store)
    until = lambda: type(app.screen).__name__ == "HelpScreen"  # noqa: E731
    assert snap_compare(app, terminal_size=SIZES[size], run_before=settled(app, "f1", until=until))


@pytest.mark.parametrize("size", SIZES)
def test_sign_in_after_a_wrong_pin(
    snap_compare: Callable[..., bool], frozen_store: Store, size: str
) -> None:
    """What the desk sees once staff are set up: the board hidden, the PIN masked, the refusal
    in one line."""
    with frozen_store.write() as s:
        members.add_staff(s, login="ada", role="admin", pin="1111")
    app = BedboardApp(frozen_store, clock=Clock.frozen(FROZEN_AT), poll_seconds=0.1, sign_in=True)

    async def run_before(pilot: Pilot[None]) -> None:
        assert await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        for field in app.screen.query(Input):
            field.cursor_blink = False  # a steady cursor: the same picture every run
        await type_text(pilot, "ada")
        await pilot.press("enter")
        await type_text(pilot, "9999")
        await pilot.press("enter")
        error = app.screen.query_one("#sign-in-error")
        assert await wait_until(pilot, lambda: "wrong PIN" in str(error.render()))
        await type_text(pilot, "12")  # typed again: shown as two dots, never the digits
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)

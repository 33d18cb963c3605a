"""Keys do what the board says they do: the palette lists each screen once, the Enter menu's
keys work inside the menu, and Export and Reports show their keys and F1 help."""

from __future__ import annotations

import pytest

from bedboard.ui.app import SCREENS
from bedboard.ui.screens.form import FormScreen
from bedboard.ui.screens.help import HelpScreen
from bedboard.ui.screens.pick import PickScreen
from bedboard.ui.widgets.key_bar import KeyBar
from tests.support.board import BoardAt, screen_after, wait_until


async def test_the_palette_lists_every_screen_once(board_at: BoardAt) -> None:
    async with board_at() as (app, _, _):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for entry in SCREENS:
            assert titles.count(entry.title) == 1, (entry.title, titles)
        assert len(titles) == len(set(titles)), titles


async def test_a_key_shown_in_the_enter_menu_works_in_it(board_at: BoardAt) -> None:
    async with board_at(unit="Hvilan/12") as (app, pilot, _):  # held tonight
        await screen_after(pilot, "enter", PickScreen)
        labels = [label for label, _ in app.screen.options]  # type: ignore[attr-defined]
        assert "Confirm hold  (c)" in labels
        await screen_after(pilot, "c", FormScreen)
        assert "Confirm the hold on Hvilan/12" in app.screen.title_text  # type: ignore[attr-defined]


@pytest.mark.parametrize("key", ["E", "R"])
async def test_export_and_reports_have_the_key_bar_and_help(key: str, board_at: BoardAt) -> None:
    async with board_at() as (app, pilot, _):
        await pilot.press(key)
        entry = next(e for e in SCREENS if e.key == key)
        assert await wait_until(
            pilot, lambda: type(app.screen).__name__.lower().startswith(entry.name)
        )
        screen = app.screen
        bar = screen.query_one(KeyBar)
        assert await wait_until(pilot, lambda: "Board" in str(bar.render()))
        await screen_after(pilot, "f1", HelpScreen)
        assert f"# {entry.title}" in app.screen.text  # type: ignore[attr-defined]

"""The key bar on a small laptop terminal: every key that works shows whole (its key next to its
word), or the bar's last entry says how many more keys are under ctrl+p, where the palette lists
each of them. At 60x20 in Swedish the bar used to be cut after "W", with "Vem betalar?",
"Historik", "Åtaganden", "Jourhem" and "Alla åtgärder" off the screen, and nothing said so."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from bedboard.i18n import _, use_language
from bedboard.ui.app import BedboardApp
from bedboard.ui.widgets.key_bar import KeyBar
from tests.support.board import BoardAt
from tests.ui.test_language import screen_lines


@pytest.fixture(params=["sv", "en"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    use_language(request.param)
    yield request.param
    use_language("en")


def bar_lines(app: BedboardApp) -> list[str]:
    """The key bar's lines as the terminal shows them."""
    bar = app.screen.query_one(KeyBar)
    return [line.strip() for line in screen_lines(app)[bar.region.y : bar.region.bottom]]


def hidden_count(lines: list[str]) -> int:
    """What the bar says it left out; the ctrl+p entry is always its last text."""
    last = lines[-1]
    plain = f"^p {_('All actions')}"
    if last.endswith(plain):
        return 0
    more = re.escape(_("All actions (+{n} more)")).replace(r"\{n\}", r"(\d+)")
    found = re.search(rf"\^p {more}$", last)
    assert found, f"the bar does not end with ctrl+p: {lines}"
    return int(found.group(1))


async def check_bar(app: BedboardApp) -> tuple[list[str], list[str]]:
    """The keys shown and the keys left out; fails on a cut or silent bar."""
    lines = bar_lines(app)
    entries = [
        f"{key} {description}" for key, description in app.screen.query_one(KeyBar).entries()
    ]
    shown = [e for e in entries if any(e in line for line in lines)]
    hidden = [e for e in entries if e not in shown]
    assert len(hidden) == hidden_count(lines), (lines, hidden)
    palette = {str(command.title) for command in app.get_system_commands(app.screen)}
    for entry in hidden:
        assert entry.split(" ", 1)[1] in palette, entry  # ctrl+p leads to it
    return shown, hidden


@pytest.mark.parametrize("unit", ["Hvilan/1", "Hvilan/3"])  # occupied, free
async def test_at_60x20_every_key_shows_or_the_bar_says_how_many_more(
    language: str, unit: str, board_at: BoardAt
) -> None:
    async with board_at(unit=unit, size=(60, 20)) as (app, pilot, _board):
        await pilot.pause(0.2)
        shown, hidden = await check_bar(app)
        assert len(bar_lines(app)) <= 4  # the places keep the rest of the screen
        # the selected place's actions, help and quit come first; other screens' keys last
        for description in (_("Actions"), _("Help"), _("Quit")):
            assert any(entry.endswith(f" {description}") for entry in shown), (description, shown)
        for entry in hidden:
            assert entry.split(" ", 1)[0].isupper(), hidden  # R, E, B, W, H, C, F


async def test_at_80x24_in_swedish_every_key_shows(board_at: BoardAt) -> None:
    use_language("sv")
    try:
        async with board_at(unit="Hvilan/1", size=(80, 24)) as (app, pilot, _board):
            await pilot.pause(0.2)
            shown, hidden = await check_bar(app)
            assert hidden == []
            for description in ("Vem betalar?", "Historik", "Åtaganden", "Jourhem"):
                assert any(entry.endswith(f" {description}") for entry in shown), description
    finally:
        use_language("en")

"""Issue 13 item 9: TERM=vt100 still got colour and LANG=C still got UTF-8 box drawing. The
board asks the environment and then draws without colour, in ASCII, cell for cell."""

from __future__ import annotations

import html
import re

import pytest
from textual.filter import NoColor

from bedboard.ui.terminal import AsciiDrawing, ascii_for, shows_colour, shows_unicode
from tests.support.board import BoardAt, wait_until

DRAWING = re.compile("[\u2500-\u259f\u25a0-\u25ff·•…→←]")


def test_what_the_environment_says() -> None:
    assert not shows_colour({"TERM": "vt100"}) and not shows_colour({"TERM": "dumb"})
    assert shows_colour({"TERM": "xterm-256color"}) and shows_colour({})
    assert not shows_unicode({"LANG": "C"})
    assert not shows_unicode({})  # the POSIX locale
    assert not shows_unicode({"LC_ALL": "C", "LANG": "sv_SE.UTF-8"})  # LC_ALL wins
    assert shows_unicode({"LANG": "sv_SE.UTF-8"}) and shows_unicode({"LC_CTYPE": "C.utf8"})
    # LANG=C, and Python's own coercion to C.UTF-8 (PEP 538): still a C-locale terminal
    assert not shows_unicode({"LANG": "C", "LC_CTYPE": "C.UTF-8"})
    assert not shows_unicode({"LC_CTYPE": "C.UTF-8"})


def test_drawing_characters_become_one_ascii_cell_each() -> None:
    for char, expected in {
        "─": "-", "━": "-", "│": "|", "┃": "|", "╭": "+", "┼": "+", "█": "#", "▇": "#",
        "▁": "_", "▕": "|", "·": ".", "●": "*", "…": "~", "▼": "v", "▶": ">", "å": "å",
    }.items():  # fmt: skip
        assert ascii_for(char) == expected, char


def screen_text(svg: str) -> str:
    return html.unescape(" ".join(re.findall(r"<text[^>]*>(.*?)</text>", svg)))


async def test_the_board_on_a_vt100_with_lang_c(
    monkeypatch: pytest.MonkeyPatch, board_at: BoardAt
) -> None:
    monkeypatch.setenv("TERM", "vt100")
    monkeypatch.setenv("LANG", "C")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_CTYPE", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    async with board_at(size=(80, 24)) as (app, pilot, board):
        assert await wait_until(pilot, lambda: board.selected_unit is not None)
        filters = app.get_line_filters()
        assert any(isinstance(f, NoColor) for f in filters)
        assert any(isinstance(f, AsciiDrawing) for f in filters)
        await pilot.press("r")  # the rack draws bars and dots

        def rack_drawn() -> bool:  # under load the rack's worker can take seconds
            shown = screen_text(app.export_screenshot())
            return "Hvilan/1" in shown and "G-101" in shown

        assert await wait_until(pilot, rack_drawn, seconds=30)
        text = screen_text(app.export_screenshot())
    assert not DRAWING.findall(text), sorted(set(DRAWING.findall(text)))

"""The board in Swedish: a person walks the main screens with the language set to Swedish and
no English word of the program's own texts shows anywhere; the language key switches a running
board. The English words are not a hand-made list: they are every word of the catalog's English
texts (msgids) that none of its Swedish texts uses, so a new text that is left untranslated on
a screen fails here even before anyone thinks of it."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from functools import cache

import pytest
from babel.messages.pofile import read_po
from rich.cells import cell_len
from rich.console import Console
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Label

from bedboard.i18n import current_language, use_language
from bedboard.store import Store
from bedboard.ui.app import BedboardApp
from bedboard.ui.screens.form import FormScreen
from bedboard.ui.screens.help import HelpScreen
from bedboard.ui.screens.pick import PickScreen
from tests.support.board import frozen_app, open_board, select_unit, wait_until
from tools.catalogs import po_path

# Placeholders ({n}), markup ([b]) and printf fields are not words to translate; commands
# (`bedboard audit verify`) and options (--compensation) are the same in every language.
NOT_WORDS = re.compile(r"\{[^{}]*\}|\[/?[a-z$#][^\]]*\]|%\([a-z_]+\)[sd]")
COMMANDS = re.compile(r"`bedboard [^`]*`|--[a-z-]+")
# On screen: file paths and names (`/tmp/x/billing-2026-11-01--2026-11-27.csv`) are the
# program's machine names, and a word cut by a dialog's edge (█) is the screen behind it.
NOT_SHOWN_WORDS = re.compile(r"\S*[/\\]\S*|\S+\.(?:csv|xlsx)\b|\w+(?=[█▌▐])|(?<=[█▌▐])\w+")
WORD = re.compile(r"[A-Za-zÅÄÖåäöÉé]+")


Seen = dict[str, list[str]]  # the English words left, by the screen they were on


def words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(COMMANDS.sub(" ", NOT_WORDS.sub(" ", text)))}


def command_words(text: str) -> set[str]:
    return {w.lower() for span in COMMANDS.findall(text) for w in WORD.findall(span)}


@cache
def english_words() -> frozenset[str]:
    """Words of the English texts that no Swedish text uses (3 letters or more)."""
    with po_path("sv").open("rb") as f:
        catalog = read_po(f, locale="sv")
    english: set[str] = set()
    swedish: set[str] = set()
    commands: set[str] = set()
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for text in ids:
            english |= words(text)
            commands |= command_words(text)
        for text in strings:
            swedish |= words(text)
    return frozenset(w for w in english - swedish - commands if len(w) >= 3)


def screen_lines(app: BedboardApp) -> list[str]:
    """The screen as text, one string per terminal line: what `export_screenshot` draws, as
    text (its SVG drops the spaces between runs of text, which would glue words together)."""
    width, _height = app.size
    console = Console(
        width=width, file=io.StringIO(), record=True, color_system=None, legacy_windows=False
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    text = console.export_text().replace("\n", "")  # the update moves the cursor line by line
    return [text[i : i + width] for i in range(0, len(text), width)]


def english_left(app: BedboardApp) -> list[str]:
    known = english_words()
    actor = app.store.actor  # who is signed in: a name, not a text of the program
    lines = [NOT_SHOWN_WORDS.sub(" ", line.replace(actor, " ")) for line in screen_lines(app)]
    found = {w for line in lines for w in WORD.findall(line)}
    return sorted(w for w in found if w.lower() in known)


def crowded_labels(app: BedboardApp) -> list[str]:
    """A form's labels that fill their cells, so the value runs on: 'Frågade vid boendeHvilan'."""
    return [
        str(label.render())
        for label in app.screen.query(".field-label").results(Label)
        if cell_len(str(label.render())) >= label.content_region.width > 0
    ]


@pytest.fixture
def swedish() -> Iterator[None]:
    use_language("sv")
    yield
    use_language("en")


def test_the_list_of_english_words_is_the_catalogs() -> None:
    """The list is derived, and catches the board's everyday words."""
    known = english_words()
    for word in ("tonight", "free", "occupied", "held", "quit", "help", "rack", "nights"):
        assert word in known, word
    for word in ("natt", "inatt", "betalare", "bedboard", "csv"):
        assert word not in known, word


async def look(
    pilot: Pilot[None], app: BedboardApp, where: str, seen: dict[str, list[str]]
) -> None:
    await pilot.pause(0.3)
    seen[where] = english_left(app)


async def open_and_look(
    pilot: Pilot[None], app: BedboardApp, key: str, where: str, seen: Seen
) -> Screen[object]:
    before = app.screen
    await pilot.press(key)
    assert await wait_until(pilot, lambda: app.screen is not before), f"{key} opened nothing"
    await wait_until(pilot, lambda: not getattr(app.screen, "_missed", False))
    await pilot.pause(1.0)  # its first read
    await look(pilot, app, where, seen)
    return app.screen


async def scroll_to_end(
    pilot: Pilot[None], app: BedboardApp, where: str, seen: dict[str, list[str]]
) -> None:
    """A form or the help may be taller than the terminal: look at its end too."""
    for _ in range(4):
        await pilot.press("pagedown")
    await pilot.pause(0.2)
    await pilot.press("end")
    await look(pilot, app, where + " (end)", seen)


async def test_the_main_screens_show_no_english_word(swedish: None, frozen_store: Store) -> None:
    """The demo is loaded in Swedish too (its notes speak the language of who loads it)."""
    app = frozen_app(frozen_store)
    seen: dict[str, list[str]] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        board = await open_board(pilot)
        await pilot.pause(0.5)
        text = "\n".join(screen_lines(app))
        assert "Inatt · fre 27 nov 2026" in text
        for swedish_word in ("Boende", "Avsluta", "Hjälp", "belagd", "ledig", "Betalare"):
            assert swedish_word in text, swedish_word
        await look(pilot, app, "board", seen)

        await pilot.press("f1")
        assert await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await look(pilot, app, "help", seen)
        await scroll_to_end(pilot, app, "help", seen)
        await pilot.press("escape")

        for ref, key, where in (
            ("Hvilan/3", "c", "check-in form"),  # free
            ("Hvilan/3", "h", "hold form"),
            ("Hvilan/3", "s", "out-of-service form"),
            ("Hvilan/1", "o", "check-out form"),  # occupied
            ("Hvilan/1", "e", "extend form"),
            ("Hvilan/1", "m", "move form"),
            ("Hvilan/12", "c", "confirm-hold form"),  # held
            ("Hvilan/1", "w", "turnaway form"),
            ("Hvilan/1", "f", "filter form"),
            ("Hvilan/1", "d", "date form"),
            ("Hvilan/1", "slash", "find-guest form"),
        ):
            await select_unit(pilot, board, ref)
            await pilot.press(key)
            assert await wait_until(pilot, lambda: isinstance(app.screen, FormScreen)), where
            await look(pilot, app, where, seen)
            assert not crowded_labels(app), where
            await scroll_to_end(pilot, app, where, seen)
            await pilot.press("escape")
            assert await wait_until(pilot, lambda: app.screen is board)

        await select_unit(pilot, board, "Hvilan/1")
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PickScreen))
        await look(pilot, app, "actions menu", seen)
        await pilot.press("escape")
        await select_unit(pilot, board, "Hvilan/12")
        await pilot.press("x")
        assert await wait_until(pilot, lambda: app.screen is not board)
        await look(pilot, app, "cancel-hold question", seen)
        await pilot.press("n")

        for key, where in (
            ("r", "rack"),
            ("p", "find a place"),
            ("R", "reports"),
            ("E", "export"),
            ("B", "billing"),
            ("W", "who pays"),
            ("H", "history"),
            ("C", "commitments"),
            ("F", "host families"),
            ("S", "staff"),
        ):
            assert await wait_until(pilot, lambda: app.screen is board)
            await open_and_look(pilot, app, key, where, seen)
            await pilot.press("f1")
            assert await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
            await look(pilot, app, where + " help", seen)
            await pilot.press("escape")
            await pilot.press("escape")
            if app.screen is not board:  # a field had the focus: Esc left it first
                await pilot.press("escape")
    assert {where: left for where, left in seen.items() if left} == {}
    assert len(seen) >= 30, sorted(seen)


async def test_the_language_key_switches_a_running_board(frozen_store: Store) -> None:
    use_language("en")
    app = frozen_app(frozen_store)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await open_board(pilot)
            await pilot.press("r")  # from another screen: the switch goes back to the board
            await pilot.pause(0.5)
            await pilot.press("L")
            assert await wait_until(pilot, lambda: current_language() == "sv")
            board = await open_board(pilot)
            assert await wait_until(pilot, lambda: "Inatt" in "\n".join(screen_lines(app)))
            text = "\n".join(screen_lines(app))
            assert "Avsluta" in text and "Tonight" not in text
            assert english_left(app) == []
            await pilot.press("L")
            assert await wait_until(pilot, lambda: current_language() == "en")
            assert await wait_until(pilot, lambda: "Tonight" in "\n".join(screen_lines(app)))
            assert board.loaded
    finally:
        use_language("en")

"""A board started with NO_COLOR shows every state and warning by text or symbol: a free, an
occupied, a held and an out-of-service place each read differently, a night nobody pays says
"! no payer" on the board and carries "!" in the rack, a board that has not heard from the
database says STALE or OFFLINE in words, and a ticked box in a form is a visible X."""

from __future__ import annotations

import threading
import time

import pytest

from bedboard.services.changes import RevisionWatcher
from bedboard.ui.link import OFFLINE, STALE
from bedboard.ui.screens.form import FormScreen
from bedboard.ui.screens.rack import RackScreen
from tests.support.board import BoardAt, select_unit, wait_until
from tests.ui.test_language import screen_lines


def line_with(lines: list[str], text: str) -> str:
    """The first line that starts with `text` (a row of a table), else the first holding it."""
    found = [line for line in lines if line.startswith(text)] or [
        line for line in lines if text in line
    ]
    assert found, f"{text!r} is not on the screen"
    return found[0]


@pytest.fixture
def no_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


async def test_every_state_reads_without_colour(
    no_colour: None, board_at: BoardAt, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with board_at() as (app, pilot, board):
        assert app.no_color
        rows = {}
        for ref, status in (
            ("Hvilan/3", "free"),
            ("Hvilan/1", "occupied"),
            ("Hvilan/12", "held"),
            ("Hvilan/20", "out"),
            ("Tryggheten Södertälje/1", "! no payer"),
        ):
            await select_unit(pilot, board, ref)
            await pilot.pause(0.2)
            row = line_with(screen_lines(app), ref + " ")
            assert status in row, row
            rows[ref] = row.replace(ref, "")
        # the state column alone tells the four states apart
        states = {ref: row.split()[0] for ref, row in rows.items()}
        assert len(set(states.values()) - {"occupied"}) == 4 - 1, states
        assert "! no payer" in rows["Tryggheten Södertälje/1"]

        # A question the database never answers: the watcher's next poll hangs (so no later
        # poll says the database is fine before the screen has shown it), asked a minute ago.
        answer, hanging = threading.Event(), threading.Event()
        poll = RevisionWatcher.poll

        def unanswered(watcher: RevisionWatcher) -> int | None:
            hanging.set()
            answer.wait(timeout=60)
            return poll(watcher)

        monkeypatch.setattr(RevisionWatcher, "poll", unanswered)
        assert await wait_until(pilot, hanging.is_set)
        app.poll_started = time.monotonic() - 60
        app._check_link()
        assert app.link == STALE
        assert await wait_until(pilot, lambda: "STALE since" in screen_lines(app)[0])
        app.unreachable = True
        app._check_link()
        assert app.link == OFFLINE
        assert await wait_until(pilot, lambda: "OFFLINE since" in screen_lines(app)[0])
        monkeypatch.setattr(RevisionWatcher, "poll", poll)
        answer.set()
        app.unreachable, app.poll_started = False, None
        app._check_link()

        await select_unit(pilot, board, "Tryggheten Södertälje/1")
        await pilot.press("r")
        assert await wait_until(pilot, lambda: isinstance(app.screen, RackScreen))
        await pilot.resize_terminal(100, 60)  # every place of the demo in view
        assert await wait_until(
            pilot, lambda: any(line.startswith(" Tryggheten") for line in screen_lines(app))
        ), "\n".join(screen_lines(app))
        assert "!" in line_with(screen_lines(app), " Tryggheten"), "an unbilled stay in the rack"
        assert "held" in line_with(screen_lines(app), " Hvilan/12 ")
        assert "out" in line_with(screen_lines(app), " Hvilan/20 ")


async def test_a_ticked_box_is_a_mark(no_colour: None, board_at: BoardAt) -> None:
    async with board_at(size=(80, 24)) as (app, pilot, _):
        await pilot.press("f")  # Show only: its boxes
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        box = form.query_one("#field-women_only")
        box.focus()
        await pilot.pause(0.2)
        before = line_with(screen_lines(app), "Women only")
        assert "X" not in before, before
        await pilot.press("space")
        await pilot.pause(0.2)
        after = line_with(screen_lines(app), "Women only")
        assert "X" in after and after != before, after

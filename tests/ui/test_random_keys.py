"""Sixty keys pressed at random on the board (a tired hand at 3 a.m.): the board keeps
running, and whatever it wrote leaves the audit chain intact."""

from __future__ import annotations

import random

from bedboard.services.safety.audit import verify
from bedboard.store import Store
from tests.support.board import BoardAt

# The board's own keys and the keys that move around; not q (quits, as it should), and not
# the keys of other screens (exports write files).
KEYS = [
    *"cohxemswNdfaprt/yn12-",
    "left_square_bracket",
    "right_square_bracket",
    "enter",
    "escape",
    "tab",
    "shift+tab",
    "down",
    "up",
    "left",
    "right",
    "home",
    "end",
    "space",
    "f1",
    "ctrl+s",
    "pagedown",
]


async def test_random_keys_never_take_the_board_down(
    frozen_store: Store, board_at: BoardAt
) -> None:
    rnd = random.Random(20261127)
    async with board_at(size=(80, 24)) as (app, pilot, _):
        for i in range(60):
            await pilot.press(rnd.choice(KEYS))
            if i % 20 == 0:
                await pilot.pause(0.05)  # let workers finish now and then
            assert app.is_running
        await pilot.pause(0.3)
    assert app.return_code in (None, 0)
    with frozen_store.read() as session:
        assert verify(session) == []

"""Check in, check out, extend and move, done with the keys a person would press; then the
database is read back."""

from __future__ import annotations

import datetime as dt

from bedboard.store import Store
from tests.support.board import TONIGHT, BoardAt, fill, type_text, wait_for_note, wait_until
from tests.support.db_checks import nights_of

D = dt.timedelta


async def test_check_in_with_nights_payer_and_reference(
    frozen_store: Store, board_at: BoardAt
) -> None:
    async with board_at(unit="Hvilan/3") as (_, pilot, board):
        await fill(pilot, "c", "G-500")
        await pilot.press("tab", "backspace", "3")  # nights: 3
        await pilot.press("tab", "enter")  # open the payer list
        await type_text(pilot, "Pol")  # type to search the list
        await pilot.press("enter")
        await pilot.press("tab")
        await type_text(pilot, "K-77")
        await pilot.press("enter")
        await wait_for_note(pilot, "Checked in G-500 to Hvilan/3, 3 nights")
        assert await wait_until(pilot, lambda: board.selected_unit.guest_code == "G-500")  # type: ignore[union-attr]
    assert nights_of(frozen_store, "G-500") == [
        (TONIGHT + D(days=i), "Hvilan/3", "Polisen") for i in range(3)
    ]


async def test_check_in_without_payer_says_unbilled(frozen_store: Store, board_at: BoardAt) -> None:
    async with board_at(unit="Familjen Lind/1") as (_, pilot, _):
        await fill(pilot, "c", "G-501", "enter")
        note = await wait_for_note(pilot, "Checked in G-501")
        assert "unbilled" in note
    assert nights_of(frozen_store, "G-501") == [(TONIGHT, "Familjen Lind/1", None)]


async def test_check_out_from_tomorrow_keeps_tonight(
    frozen_store: Store, board_at: BoardAt
) -> None:
    # G-101 stays in Hvilan/1 from the 25th to the 29th.
    async with board_at(unit="Hvilan/1") as (_, pilot, _):
        await pilot.press("o")
        await pilot.press("enter")  # default: the first night not stayed is tomorrow
        await wait_for_note(pilot, "Checked out G-101: 2 nights from Sat 28 Nov removed")
    assert [n for n, _, _ in nights_of(frozen_store, "G-101")] == [
        TONIGHT - D(days=2),
        TONIGHT - D(days=1),
        TONIGHT,
    ]


async def test_extend_adds_nights_with_the_same_payer(
    frozen_store: Store, board_at: BoardAt
) -> None:
    # G-105 stays in Hvilan/5 tonight and tomorrow, paid by Socialtjänsten Norrmalm.
    async with board_at(unit="Hvilan/5") as (_, pilot, _):
        await pilot.press("e", "backspace", "2", "enter")
        await wait_for_note(pilot, "Extended G-105 by 2 nights")
    got = nights_of(frozen_store, "G-105")
    assert [n for n, _, _ in got] == [TONIGHT + D(days=i) for i in range(4)]
    assert {payer for _, _, payer in got} == {"Socialtjänsten Norrmalm"}


async def test_move_to_a_free_unit_from_tonight(frozen_store: Store, board_at: BoardAt) -> None:
    # G-107 is in Hvilan/9, tonight is the last night.
    async with board_at(unit="Hvilan/9") as (_, pilot, _):
        await pilot.press("m")
        await pilot.press("enter")  # open the list of free units
        await type_text(pilot, "Hvilan/1")  # Hvilan/10 is the first match
        await pilot.press("enter", "tab", "enter")  # choose; to the date field; submit
        await wait_for_note(pilot, "Moved G-107 to Hvilan/10")
    got = nights_of(frozen_store, "G-107")
    assert got[-1] == (TONIGHT, "Hvilan/10", "Uppsökarenheten")
    assert all(ref == "Hvilan/9" for _, ref, _ in got[:-1])

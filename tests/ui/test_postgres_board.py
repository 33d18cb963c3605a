"""The board on PostgreSQL, the multi-site engine: an action and a refusal, keys pressed as a
person would, then the database read back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bedboard.store import Store
from tests.support.board import (
    FROZEN_AT,
    TONIGHT,
    BoardAt,
    demo_at_frozen_time,
    fill,
    select_unit,
    wait_for_note,
)
from tests.support.booking import book
from tests.support.db_checks import nights_of
from tests.support.stores import store_at


@pytest.fixture
def pg_store(postgres_url: str) -> Iterator[Store]:
    with store_at(postgres_url, "night-staff") as store:
        yield demo_at_frozen_time(store)


async def test_check_in_and_a_refusal_on_postgresql(pg_store: Store, board_at: BoardAt) -> None:
    async with board_at(pg_store, unit="Hvilan/3") as (_, pilot, board):
        await fill(pilot, "c", "G-510", "enter")
        await wait_for_note(pilot, "Checked in G-510 to Hvilan/3")
        await select_unit(pilot, board, "Hvilan/4")
        await fill(pilot, "c", "G-511")
        with pg_store.write() as session:  # another laptop takes it first
            book(session, "Hvilan/4", "G-512", TONIGHT, actor="laptop", now=FROZEN_AT)
        await pilot.press("enter")
        note = await wait_for_note(pilot, "Refused")
        assert "Hvilan/4 is taken on the night of 2026-11-27" in note
    assert nights_of(pg_store, "G-510") == [(TONIGHT, "Hvilan/3", None)]
    assert nights_of(pg_store, "G-511") == []
    assert nights_of(pg_store, "G-512") == [(TONIGHT, "Hvilan/4", None)]

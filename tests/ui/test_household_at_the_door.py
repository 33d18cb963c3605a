"""The 23:10 scenario, key by key: a mother and her two children (registered as household H-7;
she needs a women-only place that takes children), three nights, social services pays. From the
board to three booked nights for all three, counting every key pressed, at 80x24 and 120x36."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bedboard.db.models import AuditEntry, BedNight, Guest, Payer
from bedboard.services.beds.inventory import InventoryRow, import_inventory
from bedboard.services.people import guests
from bedboard.services.people.guests import GuestFields
from bedboard.store import Store
from bedboard.ui.screens.placement import OptionTable, PlacementScreen
from tests.support.board import (
    TONIGHT,
    BoardAt,
    fill,
    frozen_app,
    open_board,
    type_text,
    wait_for_note,
    wait_until,
)
from tests.support.rules_world import add_mother_and_children

BUDGET = 15
KEYS = ["p", "H", "-", "7", "tab", "3", "enter", "h", "c", "S", "right", "enter"]


def add_family(store: Store) -> None:
    rows = [
        InventoryRow(2 + i, "Kvinnohuset", "shelter", "Stockholm", room, str(i + 1), tags)
        for i, (room, tags) in enumerate(
            [("1", "women_only;children_ok")] * 3 + [("2", "women_only;children_ok")]
        )
    ]
    with store.write() as s:
        import_inventory(s, rows, actor="setup")
        add_mother_and_children(s, actor="setup")


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_mother_and_two_children_booked_in_at_most_15_keys(
    frozen_store: Store, size: tuple[int, int]
) -> None:
    add_family(frozen_store)
    app = frozen_app(frozen_store)
    pressed: list[str] = []

    async def press(*keys: str) -> None:
        pressed.extend(keys)
        await pilot.press(*keys)

    async with app.run_test(size=size) as pilot:
        await open_board(pilot)
        await press("p")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PlacementScreen))
        screen = app.screen
        assert isinstance(screen, PlacementScreen)
        await press("H", "-", "7", "tab", "3")
        table = screen.query_one(OptionTable)
        assert await wait_until(
            pilot, lambda: screen.who.label == "G-201 +2" and screen.needs.nights == 3
        )
        assert [o.site for o in screen.options] == ["Kvinnohuset"]
        await press("enter")
        assert table.has_focus
        await press("h")
        await wait_for_note(pilot, "c confirms it")
        await press("c", "S", "right", "enter")
        await wait_for_note(pilot, "confirmed: 3 guests")
    assert pressed == KEYS and len(pressed) <= BUDGET
    with frozen_store.read() as s:
        rows = s.execute(
            select(Guest.code, BedNight.night, Payer.name)
            .join(Guest, Guest.id == BedNight.guest_id)
            .join(Payer, Payer.id == BedNight.payer_id)
            .where(Guest.code.in_(["G-201", "G-202", "G-203"]))
        ).all()
    nights = [TONIGHT + dt.timedelta(days=i) for i in range(3)]
    assert sorted(rows) == sorted(
        (code, n, "Socialtjänsten Norrmalm") for code in ("G-201", "G-202", "G-203") for n in nights
    )


async def test_the_check_in_form_registers_a_new_guest_in_the_same_step(
    frozen_store: Store,
    board_at: BoardAt,
) -> None:
    async with board_at(unit="Familjen Sandberg/1") as (_, pilot, _):
        await pilot.press("c")  # the code is left empty: one is made
        await pilot.press("tab", "tab", "tab", "tab")  # past nights, payer, reference
        await pilot.press("enter")  # open the gender list
        await type_text(pilot, "wom")
        await pilot.press("enter", "tab")
        await type_text(pilot, "1992")
        await pilot.press("tab")  # needs are three boxes: women only, children, accessible
        await pilot.press("tab", "space", "tab", "tab")  # children ticked
        await type_text(pilot, "H-9")
        await pilot.press("enter")
        note = await wait_for_note(pilot, "Checked in G-110 to Familjen Sandberg/1")
        assert "unbilled" in note
    with frozen_store.read() as s:
        view = guests.show_guest(s, "G-110")
    assert (view.gender, view.birth_year, view.needs, view.household) == (
        "woman",
        1992,
        ("children",),
        "H-9",
    )


async def test_the_board_refuses_a_man_in_a_women_only_place_unless_a_reason_is_given(
    frozen_store: Store,
    board_at: BoardAt,
) -> None:
    with frozen_store.write() as s:
        guests.add_guest(s, code="G-M", fields=GuestFields(gender="man"), actor="setup")
    async with board_at(unit="Hvilan/3") as (_, pilot, _):
        await fill(pilot, "c", "G-M", "enter")
        await wait_for_note(pilot, "a man in a women-only place")
        await fill(pilot, "c", "G-M")
        await pilot.press(*["tab"] * 10)  # to the override reason, past the three needs
        await type_text(pilot, "police escort; the house agreed")
        await pilot.press("enter")
        await wait_for_note(pilot, "Checked in G-M to Hvilan/3")
    with frozen_store.read() as s:
        detail = s.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "eligibility_override")
        ).one()
    assert "police escort" in detail

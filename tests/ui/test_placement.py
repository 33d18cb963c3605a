"""Find a place: needs typed in, best first, and one key holds the places of a row."""

from __future__ import annotations

from bedboard.services.beds.placement import Needs, find_places
from bedboard.store import Store
from bedboard.ui.screens.placement import OptionTable, PlacementScreen
from tests.support.board import (
    FROZEN_AT,
    TONIGHT,
    BoardAt,
    screen_after,
    table_after,
    type_text,
    wait_for_note,
    wait_until,
)
from tests.support.db_checks import active_holds


def test_needs_are_required_and_area_and_language_sort_first(frozen_store: Store) -> None:
    with frozen_store.read() as s:
        # Three places together, with children: only sites with 3 free children_ok units.
        family = find_places(s, TONIGHT, Needs(places=3, children=True), FROZEN_AT)
        # A host family's places are one home: together first, then the shelter's rooms.
        assert [o.site for o in family] == ["Familjen Sandberg", "Jourboendet Huddinge"]
        assert family[0].same_room and not family[1].same_room
        assert family[1].units == (
            "Jourboendet Huddinge/3",  # rooms with most free places first: 2, then 3
            "Jourboendet Huddinge/4",
            "Jourboendet Huddinge/5",
        )
        # Romanian-speaking, women only, preferring Botkyrka.
        ro = find_places(
            s, TONIGHT, Needs(women_only=True, language="ro", area="Botkyrka"), FROZEN_AT
        )
        assert ro[0].site == "Familjen Ek" and ro[0].area_match and ro[0].language_match
        assert ro[1].site == "Tryggheten Södertälje" and ro[1].language_match
        # Several nights: Hvilan/20 is out of service until the 29th.
        later = find_places(s, TONIGHT, Needs(accessible=True, nights=4), FROZEN_AT)
        assert all("Hvilan/20" not in o.units for o in later)


async def test_hold_three_places_together_with_one_key(
    frozen_store: Store, board_at: BoardAt
) -> None:
    async with board_at() as (_, pilot, _):
        screen = await screen_after(pilot, "p", PlacementScreen)
        await pilot.press("tab", "tab")  # past who and nights
        await type_text(pilot, "3")  # places (its 1 selected on focus)
        # Tab past nights, language, area, women only to "Children".
        await pilot.press("tab", "tab", "tab", "tab", "tab", "space")
        table = screen.query_one(OptionTable)
        assert await wait_until(pilot, lambda: table.row_count == 2)
        await pilot.press("tab", "tab")  # past accessible, to the list
        assert table.has_focus
        await pilot.press("h")
        await wait_for_note(pilot, "Held Familjen Sandberg/1, Familjen Sandberg/2")
        assert await wait_until(pilot, lambda: table.row_count == 1)  # Sandberg is full now
    held = active_holds(frozen_store)
    sandberg = [h for h in held if h[0].startswith("Familjen Sandberg/")]
    assert len(sandberg) == 3
    assert {h[2] for h in sandberg} == {"Find a place: 3 places, children"}
    assert {h[1] for h in sandberg} == {TONIGHT}


async def test_nothing_fits_says_so_and_a_bad_night_is_explained(
    frozen_store: Store, board_at: BoardAt
) -> None:
    async with board_at() as (app, pilot, _):
        await screen_after(pilot, "p", PlacementScreen)
        await pilot.press("tab", "tab")  # past who and nights
        await type_text(pilot, "20")  # more than any site has free
        detail = app.screen.query_one("#detail")
        assert await wait_until(pilot, lambda: "Nothing fits" in str(detail.render()))
        await pilot.press("tab")  # to the night
        await type_text(pilot, "2026-02-30")
        assert await wait_until(pilot, lambda: "is not a date" in str(detail.render()))
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, PlacementScreen))
    assert [h for h in active_holds(frozen_store) if h[0] != "Hvilan/12"] == []


async def test_new_needs_put_the_cursor_back_on_the_best_place(board_at: BoardAt) -> None:
    async with board_at() as (_, pilot, _):
        screen, table = await table_after(pilot, "p", PlacementScreen, OptionTable, rows=3)
        await pilot.press("enter", "down", "down")  # to the list, then the third place
        assert table.cursor_row == 2
        await pilot.press("shift+tab", "space")  # back to "Accessible", tick it
        assert await wait_until(pilot, lambda: table.row_count == 2)
        assert table.cursor_row == 0
        best = screen.options[0]
        await pilot.press("tab", "h")
        await wait_for_note(pilot, f"Held {best.units[0]}")

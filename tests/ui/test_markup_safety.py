"""What people type is shown as typed. Textual reads plain strings as markup, so a guest code,
site, area or payer like `[/]` once took the whole board down before it could paint."""

from __future__ import annotations

from bedboard.db.models import Payer, Site, Unit
from bedboard.services.beds.holds import hold
from bedboard.services.beds.stays import check_in
from bedboard.store import Store
from bedboard.ui.screens.board import BoardScreen
from bedboard.ui.widgets.unit_table import UnitTable
from tests.support.board import FROZEN_AT, TONIGHT, BoardAt, screen_after, type_text

ODD = "[/]"


def odd_world(store: Store) -> None:
    with store.write() as session:
        site = Site(name=f"{ODD}Hem", kind="shelter", area="[/b]")
        session.add(site)
        session.flush()
        session.add_all(
            [
                Unit(site_id=site.id, room=ODD, label="[x]", tags="women_only"),
                Unit(site_id=site.id, room=ODD, label="2", tags=""),
            ]
        )
        session.add(Payer(name=f"{ODD}Polis", kind="police"))
        session.flush()
        check_in(
            session, unit=f"{ODD}Hem/[x]", guest_code=ODD, night=TONIGHT,
            payer=f"{ODD}Polis", reference=f"{ODD}ref", actor="setup", now=FROZEN_AT,
        )  # fmt: skip
        hold(session, unit=f"{ODD}Hem/2", night=TONIGHT, held_for=f"{ODD}someone",
             actor="setup", now=FROZEN_AT)  # fmt: skip


async def test_bracketed_names_are_shown_as_typed_everywhere(
    empty_store: Store, board_at: BoardAt
) -> None:
    odd_world(empty_store)
    async with board_at(empty_store) as (app, pilot, board):
        units = board.query_one("#units", UnitTable)
        assert ODD in [str(cell) for key in units.rows for cell in units.get_row(key)]
        # Every screen and modal that quotes a code, site, payer or note.
        for keys in (["enter"], ["escape"], ["e"], ["escape"], ["o"], ["escape"], ["N"],
                     ["escape"], ["down"], ["c"], ["escape"], ["x"], ["escape"], ["up"],
                     ["f"], ["escape"], ["r"], ["escape"], ["p"], ["escape"], ["H"], ["escape"],
                     ["W"], ["escape"], ["B"], ["escape"]):  # fmt: skip
            await pilot.press(*keys)
            await pilot.pause(0.2)
            assert app.is_running, f"the board stopped after {keys}"
        await pilot.press("slash")
        await type_text(pilot, ODD)
        await screen_after(pilot, "enter", BoardScreen)
        assert app.is_running

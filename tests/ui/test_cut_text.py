"""At 80x24 a narrow column never makes two rows look the same (issue 13, item 4): guest
codes that differ only at their end, a stay's "11 of 15", and six units of a site whose name
is longer than the column."""

from __future__ import annotations

import datetime as dt

from bedboard.db.models import Site, Unit
from bedboard.services.beds.stays import check_in
from bedboard.store import Store
from bedboard.ui.screens.rack import RackScreen
from bedboard.ui.widgets.rack_table import RackTable
from bedboard.ui.widgets.unit_table import UnitTable
from tests.support.board import FROZEN_AT, TONIGHT, BoardAt, screen_after, wait_until

SITE = "Jourboendet Huddinge Norra"  # 26 characters: longer than the unit columns


def shown(table: UnitTable | RackTable, key: str, column: int) -> str:
    """A cell as the table draws it: its text within the column's width."""
    text = str(table.get_row(key)[column])
    width = table.ordered_columns[column].width
    assert len(text) <= width, f"{text!r} does not fit in {width} columns"
    return text


async def test_cut_text_keeps_rows_apart_at_80x24(empty_store: Store, board_at: BoardAt) -> None:
    with empty_store.write() as session:
        site = Site(name=SITE, kind="shelter", area="Huddinge")
        session.add(site)
        session.flush()
        session.add_all(Unit(site_id=site.id, label=str(n)) for n in range(1, 7))
        session.flush()
        for n, code in ((1, "KV-2026-1011"), (2, "KV-2026-1012")):
            check_in(
                session,
                unit=f"{SITE}/{n}",
                guest_code=code,
                night=TONIGHT - dt.timedelta(days=10),
                nights_count=15,
                actor="setup",
                now=FROZEN_AT,
            )
    async with board_at(empty_store, size=(80, 24)) as (app, pilot, board):
        table = board.query_one(UnitTable)
        assert await wait_until(pilot, lambda: table.row_count == 6)
        keys = [f"unit:{u}" for u in range(1, 7)]
        units = [shown(table, k, 0) for k in keys]
        assert len(set(units)) == 6, units
        assert all(u.endswith(f"/{n}") for n, u in zip(range(1, 7), units, strict=True))
        guests = [shown(table, k, 2) for k in keys[:2]]
        assert guests == ["KV-2026-1011", "KV-2026-1012"]
        assert shown(table, keys[0], 3) == "11 of 15"

        await screen_after(pilot, "r", RackScreen)
        rack = app.screen.query_one(RackTable)
        assert await wait_until(pilot, lambda: rack.row_count == 6)
        units = [shown(rack, k, 0) for k in keys]
        assert len(set(units)) == 6, units
        assert units[2] == "Jourboendet Huddinge No…/3"  # the unit column widens to 80 // 3
        # the rack's first night shows the stays' codes by their distinguishing end, after the
        # "!" that says nobody pays them (a mark, not only red)
        assert [shown(rack, k, 1) for k in keys[:2]] == ["!…1011", "!…1012"]

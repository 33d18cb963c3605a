"""The site table and the rack take their widths from their content and the terminal, again
after a resize (issue 13, item 4): at 60 columns every count of the site table is on screen
(Free, Out and NoPay were off it), names are cut in their middle with an ellipsis and still
tell rows apart; at 200 columns nothing is cut that fits."""

from __future__ import annotations

import datetime as dt

from bedboard.db.models import Site, Unit
from bedboard.services.beds.stays import check_in
from bedboard.store import Store
from bedboard.ui.screens.billing import BillingScreen, TotalsTable
from bedboard.ui.screens.rack import RackScreen
from bedboard.ui.screens.who_pays import UnbilledTable, WhoPaysScreen
from bedboard.ui.widgets.keyed_table import KeyedTable
from bedboard.ui.widgets.line_table import LineTable
from bedboard.ui.widgets.rack_table import RackTable
from bedboard.ui.widgets.site_table import SiteTable
from tests.support.board import FROZEN_AT, TONIGHT, BoardAt, table_after, wait_until

SITES = ("Familjen Berg", "Jourboendet Huddinge Norra", "Jourboendet Huddinge Södra")  # shown so
CODES = ("KV-2026-1011", "KV-2026-1012")


def world(store: Store) -> None:
    with store.write() as session:
        for name in SITES:
            site = Site(name=name, kind="shelter", area="Huddinge kommun")
            session.add(site)
            session.flush()
            session.add_all(Unit(site_id=site.id, label=str(n)) for n in range(1, 4))
        session.flush()
        for n, code in enumerate(CODES, start=1):
            check_in(session, unit=f"{SITES[1]}/{n}", guest_code=code,
                     night=TONIGHT - dt.timedelta(days=1), nights_count=4, actor="setup",
                     now=FROZEN_AT)  # fmt: skip


def cells(table: KeyedTable | LineTable, column: int) -> list[str]:
    """What each row shows in a column, checked to fit its width."""
    width = table.ordered_columns[column].width
    shown = [str(table.get_row_at(row)[column]) for row in range(table.row_count)]
    assert all(len(text) <= width for text in shown), (shown, width)
    return shown


def right_edge(table: KeyedTable | LineTable) -> int:
    """Where the last column ends, from the table's left (2: a cell's padding)."""
    return sum(column.width + 2 for column in table.ordered_columns)


async def test_site_table_fits_60_columns_and_widens_after_a_resize(
    empty_store: Store, board_at: BoardAt
) -> None:
    world(empty_store)
    async with board_at(empty_store, size=(60, 20)) as (_, pilot, board):
        table = board.query_one(SiteTable)
        assert await wait_until(pilot, lambda: table.row_count == 3)
        assert right_edge(table) <= table.size.width, [c.width for c in table.ordered_columns]
        sites = cells(table, 0)
        assert len(set(sites)) == 3 and any("…" in s for s in sites), sites
        assert [s.rsplit("…", 1)[-1][-5:] for s in sites[1:]] == ["Norra", "Södra"]
        assert [str(c) for c in table.get_row_at(1)[2:]] == ["3", "2", "·", "1", "·", "2"]

        await pilot.resize_terminal(200, 60)
        assert await wait_until(pilot, lambda: cells(table, 0) == list(SITES), seconds=5), cells(
            table, 0
        )
        assert cells(table, 1) == ["Huddinge kommun"] * 3

        await pilot.resize_terminal(60, 20)
        assert await wait_until(pilot, lambda: right_edge(table) <= table.size.width, seconds=5)


async def test_rack_widens_its_unit_column_and_codes_at_200_columns(
    empty_store: Store, board_at: BoardAt
) -> None:
    world(empty_store)
    async with board_at(empty_store, size=(80, 24)) as (app, pilot, _):
        await pilot.press("r")
        assert await wait_until(pilot, lambda: isinstance(app.screen, RackScreen))
        rack = app.screen.query_one(RackTable)
        assert await wait_until(pilot, lambda: rack.row_count == 9)

        def cut() -> bool:
            units = cells(rack, 0)
            return len(set(units)) == 9 and all("…" in u for u in units[3:])

        assert cut(), cells(rack, 0)
        assert [u.rsplit("/", 1)[-1] for u in cells(rack, 0)[3:6]] == ["1", "2", "3"]
        assert cells(rack, 1)[3:5] == ["!…1011", "!…1012"]  # "!": nobody pays these stays

        # wider: the whole unit names, and the first night shown starts both stays: their
        # codes whole, in a wider night
        await pilot.resize_terminal(200, 60)
        assert await wait_until(
            pilot, lambda: cells(rack, 0)[3:6] == [f"{SITES[1]}/{n}" for n in (1, 2, 3)]
        ), cells(rack, 0)
        whole = ["!" + code for code in CODES]
        assert await wait_until(pilot, lambda: cells(rack, 1)[3:5] == whole), cells(rack, 1)

        await pilot.resize_terminal(80, 24)
        assert await wait_until(pilot, cut, seconds=5), cells(rack, 0)


async def test_billing_totals_fit_60_columns_with_payers_cut_in_their_middle(
    board_at: BoardAt,
) -> None:
    """At 60 columns the billing totals' "Unbilled nights" was off screen (the payer column was
    as wide as the longest name); now the payers give up room, cut in their middle, and every
    name still differs. At 200 columns they are whole again."""
    async with board_at(size=(60, 20)) as (_, pilot, _):
        screen, table = await table_after(pilot, "B", BillingScreen, TotalsTable, rows=4)
        assert right_edge(table) <= 60, [c.width for c in table.ordered_columns]
        payers = cells(table, 0)
        assert len(set(payers)) == len(payers) and any("…" in p for p in payers), payers
        assert any("UNBILLED" in u for u in cells(table, 4))
        whole = {t.payer or "(nobody)" for t in screen.totals or []}

        await pilot.resize_terminal(200, 60)
        assert await wait_until(pilot, lambda: set(cells(table, 0)) == whole), cells(table, 0)


async def test_who_pays_places_keep_their_unit_number_at_80_columns(board_at: BoardAt) -> None:
    """The place column was 30 wide after the dates and the reason, so the screen's edge cut
    "Kvinnohuset Maria/5" to "Kvinnohuset Maria/": now the place gives up room in its middle
    and every row fits the screen with its unit number."""
    async with board_at(size=(80, 24)) as (_, pilot, _):
        screen, table = await table_after(pilot, "W", WhoPaysScreen, UnbilledTable)
        assert right_edge(table) <= 80, [c.width for c in table.ordered_columns]
        places = cells(table, 5)
        whole = [u.ref for u in screen.rows or []]
        for place, ref in zip(places, whole, strict=True):
            assert place.split("/")[-1] == ref.split("/")[-1], (place, ref)

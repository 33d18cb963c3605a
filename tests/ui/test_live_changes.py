"""A live change on an open board costs what changed: another process's check-in shows after a
read of that unit only, and only its line and its site's cells are drawn again. What the notes
cannot narrow down (a revision that jumps, as a restored backup's does) reads the whole night,
and the board then shows what the database holds."""

from __future__ import annotations

import sqlite3
import time

from bedboard.services.beds.availability import availability, site_counts
from bedboard.store import Store
from bedboard.ui.screens.board import BoardScreen
from bedboard.ui.widgets.site_table import SiteTable
from bedboard.ui.widgets.unit_table import UnitTable
from tests.support.board import FROZEN_AT, TONIGHT, BoardAt, wait_until
from tests.support.cli import run_cli


def key_of(table: UnitTable, ref: str) -> str:
    return next(key for key in table.rows if str(table.get_cell(key, "unit")) == ref)


class Drawn:
    """What the board draws again: unit lines, site cells, whole reads of the night."""

    def __init__(self, board: BoardScreen, ref: str) -> None:
        self.table = board.query_one(UnitTable)
        self.key = key_of(self.table, ref)  # the unit's line
        self.unit_lines: list[str] = []
        self.site_rows: list[str] = []
        self.whole: int = 0
        units, sites = board.query_one(UnitTable), board.query_one(SiteTable)
        repaint, repaint_site, show_units = units.repaint_row, sites.repaint_row, board._show_units

        def repainted(key: str) -> None:
            self.unit_lines.append(key)
            repaint(key)

        def site_repainted(key: str) -> None:
            self.site_rows.append(key)
            repaint_site(key)

        def shown_whole() -> None:
            self.whole += 1
            show_units()

        units.repaint_row = repainted  # type: ignore[method-assign]
        sites.repaint_row = site_repainted  # type: ignore[method-assign]
        board._show_units = shown_whole  # type: ignore[method-assign]


def counts_in_database(store: Store) -> dict[str, tuple[int, ...]]:
    with store.read() as session:
        counts = site_counts(availability(session, TONIGHT, now=FROZEN_AT))
    return {c.site: (c.capacity, c.occupied, c.held, c.free, c.out_of_service) for c in counts}


def counts_on_board(board: BoardScreen) -> dict[str, tuple[int, ...]]:
    return {
        c.site: (c.capacity, c.occupied, c.held, c.free, c.out_of_service)
        for c in board._counts.values()
    }


async def test_a_check_in_by_another_process_redraws_its_line_and_its_site(
    board_at: BoardAt, frozen_store: Store, sqlite_url: str
) -> None:
    async with board_at() as (_app, pilot, board):
        drawn = Drawn(board, "Hvilan/3")
        units, key = drawn.table, drawn.key
        assert str(units.get_cell(key, "state")) == "free"
        shown_before, rebuilds = board.shown_revision, units.rebuilds

        done = run_cli(
            "checkin", "--unit", "Hvilan/3", "--guest", "G-900",
            "--night", TONIGHT.isoformat(), db=sqlite_url,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert await wait_until(
            pilot, lambda: str(units.get_cell(key, "guest")) == "G-900", seconds=5
        )
        started = time.monotonic()
        while time.monotonic() - started < 0.5:  # later polls draw nothing more
            await pilot.pause(0.05)

        assert str(units.get_cell(key, "state")) == "occupied"
        assert drawn.whole == 0, "the whole night was read and compared again"
        assert units.rebuilds == rebuilds
        assert set(drawn.unit_lines) == {key}
        assert set(drawn.site_rows) == {"site:Hvilan"}
        assert board.shown_revision is not None and shown_before is not None
        assert board.shown_revision > shown_before
        # The counts moved by the difference, and match a count of the whole night.
        assert counts_on_board(board) == counts_in_database(frozen_store)
        free = sum(c.free for c in board._counts.values())
        assert f"{free} free of" in str(board.query_one("#title").render())


async def test_a_revision_that_jumps_reads_the_whole_night(
    board_at: BoardAt, frozen_store: Store, sqlite_url: str
) -> None:
    async with board_at() as (_app, pilot, board):
        drawn = Drawn(board, "Hvilan/3")
        # Another connection changes a night and moves the revision by more than one, as a
        # restored backup does: the notes cannot say what changed.
        with sqlite3.connect(sqlite_url) as conn:
            unit_id = int(drawn.key.removeprefix("unit:"))
            conn.execute(
                "INSERT INTO bed_nights (unit_id, night, state, payer_reference, reason) "
                "VALUES (?, ?, 'out_of_service', '', 'water damage')",
                (unit_id, TONIGHT.isoformat()),
            )
            conn.execute("UPDATE revision SET value = value + 7")
        assert await wait_until(
            pilot, lambda: str(drawn.table.get_cell(drawn.key, "state")) == "out", seconds=5
        )
        assert drawn.whole >= 1
        assert counts_on_board(board) == counts_in_database(frozen_store)

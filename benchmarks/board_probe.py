"""Run in a fresh process by fig_board: start an app headless with `run_test()` and print what
was measured as one JSON line (the parent reads this process's peak memory from wait4).

    python -m benchmarks.board_probe minimal            an App with one empty DataTable
    python -m benchmarks.board_probe board DB NIGHT     the board until its unit table is full
    python -m benchmarks.board_probe rack DB NIGHT      the board, then r until the rack is full
    python -m benchmarks.board_probe live DB NIGHT [S]  the board, then a check-in from another
                                                        process, until the board shows it, then
                                                        S more seconds of polls (default 1)
    python -m benchmarks.board_probe changes DB NIGHT N the board, then N check-ins from other
                                                        processes, one at a time: each one's
                                                        commit-to-shown latency
    python -m benchmarks.board_probe idle DB NIGHT S    the board, loaded, prints "ready", then
                                                        stays open and idle for S seconds

DB is a SQLite file or a database URL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
import time
from typing import Any

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import DataTable

SIZE = (160, 50)
TIMEOUT = 120.0


class MinimalApp(App[None]):
    first: list[float] = []  # since spawn, CPU: the first refresh after mounting

    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        self.call_after_refresh(lambda: self.first.extend([since_spawn(), time.process_time()]))


async def wait_for(pilot: Pilot[None], condition: Any, seconds: float = TIMEOUT) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the board did not get there in time")
        await pilot.pause(0.005)


def since_spawn() -> float:
    """Seconds since the parent started this process (it passes its clock in the env)."""
    return time.time() - float(os.environ.get("BENCH_SPAWNED_AT", "nan"))


async def minimal() -> dict[str, Any]:
    started, cpu = time.perf_counter(), time.process_time()
    app = MinimalApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the first paint
        ready = time.perf_counter() - started
        ready_cpu = time.process_time() - cpu
        spawn, spawn_cpu = since_spawn(), time.process_time()
        await wait_for(pilot, lambda: bool(app.first))
    return {"ready": ready, "ready_cpu": ready_cpu, "since_spawn": spawn, "spawn_cpu": spawn_cpu,
            "first_since_spawn": app.first[0], "first_spawn_cpu": app.first[1]}  # fmt: skip


def open_board(db: str, night: dt.date) -> Any:
    from bedboard.config import Settings
    from bedboard.store import open_store
    from bedboard.ui.app import BedboardApp
    from bedboard.ui.clock import Clock

    store = open_store(Settings(db=db, user="bench"))
    clock = Clock.frozen(dt.datetime.combine(night, dt.time(21, 30)))
    return BedboardApp(store, clock=clock, own_process=True)  # as the program starts it


def unit_table(app: Any) -> Any:
    from bedboard.ui.widgets.unit_table import UnitTable

    return app.screen.query_one(UnitTable)


async def board(db: str, night: dt.date) -> dict[str, Any]:
    from bedboard.ui.screens.board import BoardScreen

    # The board's first screen (title, status, empty tables, keys): the first refresh after
    # it mounts, noted when it happens.
    first: list[float] = []
    mounted = BoardScreen.on_mount

    def on_mount(screen: BoardScreen) -> None:
        mounted(screen)
        screen.call_after_refresh(lambda: first.extend([since_spawn(), time.process_time()]))

    BoardScreen.on_mount = on_mount  # type: ignore[method-assign]
    started, cpu = time.perf_counter(), time.process_time()
    app = open_board(db, night)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.is_current and unit_table(app).row_count)
        await pilot.pause()  # the first paint with the rows
        ready = time.perf_counter() - started
        ready_cpu = time.process_time() - cpu
        spawn, spawn_cpu = since_spawn(), time.process_time()
        rows = unit_table(app).row_count
    expected = _unit_count(app)
    app.store.close()
    return {
        "ready": ready,
        "ready_cpu": ready_cpu,
        "since_spawn": spawn,
        "spawn_cpu": spawn_cpu,
        "first_since_spawn": first[0],
        "first_spawn_cpu": first[1],
        "rows": rows,
        "expected": expected,
    }


async def rack(db: str, night: dt.date) -> dict[str, Any]:
    """The rack paints from its grid, then reads the details (detail line, actions) in a second
    worker: `open` is until every unit's line is painted, `details` until those are in too."""
    from bedboard.services.beds.rack import rack as read_rack
    from bedboard.services.beds.rack import rack_grid
    from bedboard.services.clock import nights, utcnow
    from bedboard.ui.screens.rack import RackScreen
    from bedboard.ui.widgets.rack_table import RackTable

    app = open_board(db, night)
    expected = _unit_count(app)
    with app.store.read() as session:
        started = time.perf_counter()
        rack_grid(session, nights(night, 14), utcnow())
        service = time.perf_counter() - started
        read_rack(session, night)
        service_details = time.perf_counter() - started - service
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.is_current and unit_table(app).row_count)
        await pilot.pause()
        # The rack's first paint (the title, the nights): the first refresh after it mounts,
        # noted when it happens; polling with pilot.pause() waits for the whole app to go idle,
        # the read's thread included, and saw it seconds late.
        painted: list[float] = []
        mounted = RackScreen.on_mount

        def on_mount(screen: RackScreen) -> None:
            mounted(screen)
            screen.call_after_refresh(lambda: painted.append(time.perf_counter()))

        RackScreen.on_mount = on_mount  # type: ignore[method-assign,assignment]
        # ... and the first refresh after every unit's line went to the table, the same way
        filled: list[float] = []
        show = RackTable.show

        def shown(table: RackTable, grid: Any) -> int:
            changed = show(table, grid)
            if table.row_count and not filled:
                table.call_after_refresh(note_filled)
            return changed

        def note_filled() -> None:
            if not filled:
                filled.extend([time.perf_counter(), time.process_time()])

        RackTable.show = shown  # type: ignore[method-assign,assignment]
        started, cpu = time.perf_counter(), time.process_time()
        await pilot.press("r")
        await wait_for(pilot, lambda: bool(painted))
        first = painted[0] - started

        await wait_for(pilot, lambda: bool(filled))
        opened, opened_cpu = filled[0] - started, filled[1] - cpu
        rows = app.screen.query_one(RackTable).row_count
        await wait_for(pilot, lambda: app.screen.data is not None)
        details = time.perf_counter() - started
    app.store.close()
    return {"open": opened, "open_cpu": opened_cpu, "service": service, "rows": rows,
            "expected": expected, "details": details, "first": first,
            "service_details": service_details}  # fmt: skip


def _unit_count(app: Any) -> int:
    from sqlalchemy import func, select

    from bedboard.db.models import Unit

    with app.store.read() as session:
        return int(session.scalar(select(func.count()).select_from(Unit)) or 0)


class Redraws:
    """Counts what a table (a LineTable: the units, the sites) redraws: lines repainted in
    place (repaint_row), and full rebuilds (_replace)."""

    def __init__(self, table: Any) -> None:
        self.rows: dict[str, float] = {}
        self.cpu: dict[str, float] = {}  # this process's CPU time when the row was first updated
        self.cells = 0
        self.rebuilds = 0
        self._wrap(table, "repaint_row", "_replace")

    def _wrap(self, table: Any, update_name: str, rebuild_name: str) -> None:
        update, rebuild = getattr(table, update_name), getattr(table, rebuild_name)

        def counted_update(row_key: Any, *args: Any, **kwargs: Any) -> Any:
            key = str(getattr(row_key, "value", row_key))
            self.rows.setdefault(key, time.time())
            self.cpu.setdefault(key, time.process_time())
            self.cells += 1
            return update(row_key, *args, **kwargs)

        def counted_rebuild(*args: Any, **kwargs: Any) -> Any:
            self.rebuilds += 1
            return rebuild(*args, **kwargs)

        setattr(table, update_name, counted_update)
        setattr(table, rebuild_name, counted_rebuild)


async def live(db: str, night: dt.date, settle: float) -> dict[str, Any]:
    from bedboard.ui.widgets.site_table import SiteTable

    app = open_board(db, night)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.is_current and unit_table(app).row_count)
        await pilot.pause()
        board = app.screen
        free = next(u for u in board.units.values() if u.status == "free")
        key = f"unit:{free.unit_id}"
        units = Redraws(unit_table(app))
        sites = Redraws(app.screen.query_one(SiteTable))
        shows: list[float] = []  # CPU time of each showing of a read (whole, or what changed)

        def timed(name: str) -> None:
            shown = getattr(board, name)

            def timed_show(*args: Any) -> None:
                started = time.process_time()
                shown(*args)
                shows.append(time.process_time() - started)

            setattr(board, name, timed_show)

        timed("_show_units")  # a whole night read again
        timed("_apply_changes")  # only the units that changed
        cpu_before = time.process_time()
        committed = await _check_in_elsewhere(db, free.ref, night)
        await wait_for(pilot, lambda: key in units.rows, seconds=10)
        await pilot.pause()
        shown = units.rows[key]
        work = shows[-1] if shows else float("nan")
        await pilot.pause(settle)  # later polls must not redraw anything more
    app.store.close()
    return {
        "latency": shown - committed,
        "cpu": units.cpu[key] - cpu_before,
        "unit_rows": sorted(units.rows),
        "unit_cells": units.cells,
        "site_rows": sorted(sites.rows),
        "rebuilds": units.rebuilds + sites.rebuilds,
        "table_rows": len(board.units),
        "work": work,
    }


async def changes(db: str, night: dt.date, count: int) -> dict[str, Any]:
    """Check-ins by other processes, one at a time, each until the board repainted its unit's
    line: the seconds from its commit to that."""
    app = open_board(db, night)
    latencies: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.is_current and unit_table(app).row_count)
        board = app.screen
        free = [u for u in board.units.values() if u.status == "free"][:count]
        for unit in free:
            key = f"unit:{unit.unit_id}"
            lines = Redraws(unit_table(app))
            committed = await _check_in_elsewhere(db, unit.ref, night)
            await wait_for(pilot, lambda key=key, lines=lines: key in lines.rows, seconds=10)
            latencies.append(lines.rows[key] - committed)
    app.store.close()
    return {"latencies": latencies}


async def idle(db: str, night: dt.date, seconds: float) -> dict[str, Any]:
    """The board loaded, then left alone: what its watcher and timers ask of the database."""
    app = open_board(db, night)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.is_current and unit_table(app).row_count)
        await pilot.pause()
        print("ready", flush=True)
        cpu = time.process_time()
        await pilot.pause(seconds)
        idle_cpu = time.process_time() - cpu
    app.store.close()
    return {"idle_cpu": idle_cpu, "seconds": seconds}


async def _check_in_elsewhere(db: str, ref: str, night: dt.date) -> float:
    """A check-in by another process (benchmarks.writer); the moment it committed."""
    writer = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks.writer", db, ref, night.isoformat(),
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await writer.communicate()
    return float(out.decode().strip().splitlines()[-1])


def main() -> None:
    mode, *rest = sys.argv[1:]
    if mode != "minimal":
        # The board's own modules are loaded before the clock starts for `ready`, as textual is
        # for both, and as the program loads them (kept from the cycle collector);
        # `since_spawn` counts everything from the start of the process.
        from bedboard.cli.registry import imports_kept

        with imports_kept():
            import bedboard.store
            import bedboard.ui.app  # noqa: F401
    if mode == "minimal":
        result = asyncio.run(minimal())
    else:
        db, night = rest[0], dt.date.fromisoformat(rest[1])
        settle = float(rest[2]) if len(rest) > 2 else 1.0
        if mode == "board":
            result = asyncio.run(board(db, night))
        elif mode == "rack":
            result = asyncio.run(rack(db, night))
        elif mode == "changes":
            result = asyncio.run(changes(db, night, int(rest[2])))
        elif mode == "idle":
            result = asyncio.run(idle(db, night, settle))
        else:
            result = asyncio.run(live(db, night, settle))
    print(json.dumps(result))


if __name__ == "__main__":
    main()

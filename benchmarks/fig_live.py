"""Live boards (issue 16): how soon a change made by another process shows on an open board, as
a p95 over many changes, on SQLite and on PostgreSQL; and what 20 idle boards ask of one
PostgreSQL server, as its processes' share of one core.

PostgreSQL holds the region with its short history (the boards read one night, and a change
reads only the units it noted: neither grows with history), loaded by COPY into a durable
server; each board is a fresh process (benchmarks.board_probe) as at a desk.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bedboard.config import Settings
from bedboard.store import open_store
from bedboard.ui.app import POLL_SECONDS
from benchmarks import pg
from benchmarks.context import Context
from benchmarks.fig_board import probe
from benchmarks.measure import child_env
from benchmarks.report import Row, ms
from benchmarks.world import build_world

P95_BUDGET_SECONDS = 0.5
IDLE_BUDGET = 0.01  # of one core, for 20 idle boards
IDLE_BOARDS = 20
IDLE_SECONDS = 30.0
TICK = os.sysconf("SC_CLK_TCK")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def change_row(backend: str, latencies: list[float], note: str) -> Row:
    worst = p95(latencies)
    return Row(
        f"change from another process shown, p95, {backend}",
        ms(worst),
        budget=f"p95 < {P95_BUDGET_SECONDS} s",
        ok=worst < P95_BUDGET_SECONDS,
        note=f"{len(latencies)} check-ins by other processes, one at a time, each from its "
        "commit until the board repainted that unit's line; median "
        f"{ms(sorted(latencies)[len(latencies) // 2])}, worst {ms(max(latencies))}; {note}",
    )


def sqlite_rows(ctx: Context) -> list[Row]:
    with ctx.scratch_copy("changes") as path:
        count = "5" if ctx.quick else "20"
        latencies = probe("changes", str(path), ctx.tonight.isoformat(), count).json()
    polls = f"the board polls every {POLL_SECONDS} s"
    return [change_row("SQLite", latencies["latencies"], polls)]


def postgres_rows(ctx: Context) -> list[Row]:
    with pg.durable_server() as server:
        if server is None:
            return [Row("live boards, PostgreSQL", "skipped", note="no server binaries")]
        url = server.create_database()  # type: ignore[attr-defined]
        open_store(Settings(db=url, user="bench")).close()  # the schema, by the migrations
        pg.load(url, build_world(ctx.size, ctx.tonight, ctx.size.short_history_nights))
        night = ctx.tonight.isoformat()
        count = "5" if ctx.quick else "20"
        latencies = probe("changes", url, night, count).json()["latencies"]
        boards = 3 if ctx.quick else IDLE_BOARDS
        seconds = 2.0 if ctx.quick else IDLE_SECONDS
        share, boards_cpu = idle_load(server.data_dir, url, night, boards, seconds)  # type: ignore[attr-defined]
    return [
        change_row("PostgreSQL", latencies, "the board waits on LISTEN for the write's NOTIFY"),
        Row(
            f"{boards} idle boards on PostgreSQL, server CPU",
            f"{share * 100:.2f}% of a core",
            budget=f"<= {IDLE_BUDGET * 100:.0f}%",
            ok=share <= IDLE_BUDGET,
            note=f"{boards} boards (fresh processes) loaded and left alone for {seconds:.0f} s; "
            "the server's processes' CPU time over that time (postmaster and every backend, "
            f"from /proc); the boards' own CPU: {boards_cpu * 100:.2f}% of a core each",
        ),
    ]


def idle_load(
    data_dir: Path, url: str, night: str, boards: int, seconds: float
) -> tuple[float, float]:
    """The server's share of one core while `boards` boards sit idle, and each board's own."""
    env = child_env({"BENCH_SPAWNED_AT": repr(time.time())})
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "benchmarks.board_probe", "idle", url, night, str(seconds)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for _ in range(boards)
    ]
    try:
        for board in started:  # each prints "ready" once its night is on screen
            assert board.stdout is not None
            line = board.stdout.readline()
            if line.strip() != "ready":
                raise RuntimeError(f"an idle board did not start: {board.stderr.read()[-800:]}")
        before, clock = server_ticks(data_dir), time.monotonic()
        time.sleep(seconds * 0.8)  # inside every board's idle time, whichever started last
        used = ticks_between(before, server_ticks(data_dir))
        elapsed = time.monotonic() - clock
        own = []
        for board in started:
            out, _ = board.communicate(timeout=seconds + 60)
            result = json.loads(out.strip().splitlines()[-1])
            own.append(result["idle_cpu"] / result["seconds"])
    finally:
        for board in started:
            if board.poll() is None:
                board.kill()
    return used / TICK / elapsed, sum(own) / len(own)


def server_ticks(data_dir: Path) -> dict[int, int]:
    """User and system CPU ticks so far of the postmaster and each of its children, by pid."""
    postmaster = int((data_dir / "postmaster.pid").read_text().split()[0])
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        pid, parent = int(entry.name), int(fields[1])
        if pid == postmaster or parent == postmaster:
            ticks[pid] = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks


def ticks_between(before: dict[int, int], after: dict[int, int]) -> int:
    """CPU ticks spent between two samples by the processes alive at the second (a process
    started meanwhile counts whole; one that ended meanwhile is not seen)."""
    return sum(total - before.get(pid, 0) for pid, total in after.items())


def figures(ctx: Context) -> list[Row]:
    return [*sqlite_rows(ctx), *(postgres_rows(ctx) if ctx.postgres else [])]

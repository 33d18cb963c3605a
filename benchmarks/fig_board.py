"""The board at region scale, each run in a fresh process (benchmarks.board_probe): how soon it
is ready, its peak memory, and how a change from another process reaches it."""

from __future__ import annotations

import time

from bedboard.ui.app import POLL_SECONDS
from benchmarks.context import Context
from benchmarks.measure import ChildRun, child_env, median, run_child
from benchmarks.report import Row, mb, ms

# Issue 16: app start to every unit loaded, and process start to the first screen painted,
# each vs the bare app; the country (50,000 units) has budgets of its own.
BUDGETS = {"national": (4.0, 2.0)}
READY_BUDGET, SPAWN_BUDGET = 3.0, 1.5
CHANGE_WORK_BUDGET = 0.005  # the board's work to show one changed unit, after the read
LIVE_BUDGET_SECONDS = 2.0


def probe(*args: str) -> ChildRun:
    env = child_env({"BENCH_SPAWNED_AT": repr(time.time())})
    return run_child(["-m", "benchmarks.board_probe", *args], env=env)


def figures(ctx: Context) -> list[Row]:
    night = ctx.tonight.isoformat()
    boards: list[dict] = []
    minimals: list[dict] = []
    board_rss: list[float] = []
    minimal_rss: list[float] = []
    if not ctx.quick:
        probe("minimal")  # warm the file cache for both
        probe("board", ctx.full.url, night)
    for _ in range(1 if ctx.quick else 5):
        run = probe("board", ctx.full.url, night)
        boards.append(run.json())
        board_rss.append(run.max_rss_mb)
        run = probe("minimal")
        minimals.append(run.json())
        minimal_rss.append(run.max_rss_mb)
    ready_budget, spawn_budget = BUDGETS.get(ctx.size.name, (READY_BUDGET, SPAWN_BUDGET))
    rows = boards[0]["rows"]
    assert rows == boards[0]["expected"], f"the board showed {rows} of {boards[0]['expected']}"
    ready = median([b["ready"] for b in boards])
    ready_min = median([m["ready"] for m in minimals])
    spawn = median([b["since_spawn"] for b in boards])
    spawn_min = median([m["since_spawn"] for m in minimals])
    first = median([b["first_since_spawn"] for b in boards])
    first_min = median([m["first_since_spawn"] for m in minimals])

    def cpu(runs: list[dict], key: str) -> str:
        return ms(median([r[key] for r in runs]))

    def cpu_ratio(key: str) -> float:
        return median([b[key] for b in boards]) / median([m[key] for m in minimals])

    live = live_figure(ctx)
    return [
        Row(
            f"board ready, {rows:,} units (app start to full paint)",
            ms(ready),
            ms(ready_min),
            ready / ready_min,
            f"<= {ready_budget:.0f}x",
            ready / ready_min <= ready_budget,
            note="`run_test()` from constructing the app until the unit table holds every unit "
            "and has painted, imports done beforehand; baseline: an App with one empty "
            f"DataTable started the same way; median of {len(boards)} fresh processes each; "
            f"CPU {cpu(boards, 'ready_cpu')} vs {cpu(minimals, 'ready_cpu')} "
            f"({cpu_ratio('ready_cpu'):.1f}x)",
        ),
        Row(
            f"board first screen, {rows:,} units (process start to first paint)",
            ms(first),
            ms(first_min),
            first / first_min,
            f"<= {spawn_budget}x",
            first / first_min <= spawn_budget,
            note="from starting the Python process (imports included, as the program makes "
            "them) to the first refresh after the board's screen mounts (title, status, the "
            "tables' headers, the keys; the night's rows follow); baseline: the bare app's "
            f"first refresh after mounting; CPU {cpu(boards, 'first_spawn_cpu')} vs "
            f"{cpu(minimals, 'first_spawn_cpu')} ({cpu_ratio('first_spawn_cpu'):.1f}x)",
        ),
        Row(
            f"board ready, {rows:,} units (process start to full paint)",
            ms(spawn),
            ms(spawn_min),
            spawn / spawn_min,
            "reported",
            note="the first row's end, counted from starting the Python process (imports "
            f"included); CPU {cpu(boards, 'spawn_cpu')} vs {cpu(minimals, 'spawn_cpu')} "
            f"({cpu_ratio('spawn_cpu'):.1f}x)",
        ),
        Row(
            f"board peak memory, {rows:,} units",
            mb(median(board_rss)),
            mb(median(minimal_rss)),
            median(board_rss) / median(minimal_rss),
            "reported",
            note="peak RSS of the whole process (wait4); baseline: the minimal app",
        ),
        *live,
    ]


def live_figure(ctx: Context) -> list[Row]:
    """A check-in by another process, on a copy of the database (the cache stays unchanged)."""
    with ctx.scratch_copy("live") as path:
        settle = "0.2" if ctx.quick else "1.0"
        result = probe("live", str(path), ctx.tonight.isoformat(), settle).json()
    latency = result["latency"]
    unit_rows, site_rows = len(result["unit_rows"]), len(result["site_rows"])
    only_changed = unit_rows == 1 and site_rows == 1 and result["rebuilds"] == 0
    return [
        Row(
            "change from another process shown on an open board",
            ms(latency),
            budget=f"< {LIVE_BUDGET_SECONDS:.0f} s",
            ok=latency < LIVE_BUDGET_SECONDS,
            note="from the other process's commit to the board updating that unit's row "
            f"(poll every {POLL_SECONDS} s, then a read of the units the write noted as "
            "changed); the "
            "board's CPU time from "
            f"starting the other process to the row updated: {ms(result['cpu'])}",
        ),
        Row(
            "rows redrawn for that change",
            f"{unit_rows} unit + {site_rows} site",
            f"{result['table_rows']:,} rows shown",
            budget="only changed",
            ok=only_changed,
            note="counted by wrapping both tables' repaint_row and rebuild: "
            f"{result['unit_cells']} unit line(s) "
            f"repainted, {result['rebuilds']} table rebuild(s), nothing "
            "more in the following second of polls",
        ),
        Row(
            "one changed unit on an open board, work after the read",
            f"{result['work'] * 1000:.1f} ms",
            budget=f"<= {CHANGE_WORK_BUDGET * 1000:.0f} ms",
            ok=result["work"] <= CHANGE_WORK_BUDGET,
            note="CPU time of the board showing what changed (the changed unit replaced in "
            "memory, its site's counts moved by the difference, its line and its site's cells "
            "repainted); the read of that unit runs in a thread worker",
        ),
    ]

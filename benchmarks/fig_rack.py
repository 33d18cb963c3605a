"""The rack of every unit by 14 nights (issue 16): from pressing r on an open board until the
rack holds every unit and has painted, in a fresh process each time (benchmarks.board_probe)."""

from __future__ import annotations

from benchmarks.context import Context
from benchmarks.fig_board import probe
from benchmarks.measure import median
from benchmarks.report import Row, ms

BUDGET_SECONDS = 0.5


def figures(ctx: Context) -> list[Row]:
    night = ctx.tonight.isoformat()
    runs = [probe("rack", ctx.full.url, night).json() for _ in range(1 if ctx.quick else 5)]
    rows = runs[0]["rows"]
    assert rows == runs[0]["expected"], f"the rack showed {rows} of {runs[0]['expected']}"
    opened = median([r["open"] for r in runs])
    cpu = median([r["open_cpu"] for r in runs])
    service = median([r["service"] for r in runs])
    return [
        Row(
            f"rack, {rows:,} units x 14 nights, open",
            ms(opened),
            budget=f"<= {BUDGET_SECONDS} s",
            ok=opened <= BUDGET_SECONDS,
            note="from pressing r on the loaded board until the rack holds every unit and has "
            f"painted; median of {len(runs)} fresh processes; CPU {ms(cpu)} (both threads); "
            f"its one read of the two weeks alone (rack()): {ms(service)}",
        )
    ]

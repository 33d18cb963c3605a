"""Availability of one night must not cost more as the history grows."""

from __future__ import annotations

from bedboard.config import Settings
from bedboard.services.beds.availability import availability
from bedboard.store import Store, open_store
from benchmarks.context import Context
from benchmarks.measure import cpus, interleaved, median, walls
from benchmarks.report import Row, ms

BUDGET = 1.2


def one_night(store: Store, night: object) -> None:
    with store.read() as session:
        availability(session, night)  # type: ignore[arg-type]


def figures(ctx: Context) -> list[Row]:
    if ctx.full.path == ctx.short.path:
        return [
            Row(
                f"availability of tonight, {ctx.size.units:,} units, by history",
                "not measured",
                note=f"only the {ctx.short.meta['history_nights']}-night history is built "
                "(--history short): nothing to compare it with",
            )
        ]
    long = open_store(Settings(db=ctx.full.url, user="bench"))
    short = open_store(Settings(db=ctx.short.url, user="bench"))
    try:
        night = ctx.tonight
        a, b = interleaved(
            lambda: one_night(long, night), lambda: one_night(short, night), ctx.rounds
        )
    finally:
        long.close()
        short.close()
    ratio = median(walls(a)) / median(walls(b))
    cpu_ratio = median(cpus(a)) / median(cpus(b))
    return [
        Row(
            f"availability of tonight, {ctx.size.units:,} units, "
            f"{ctx.full.meta['history_nights']} nights of history "
            f"vs {ctx.short.meta['history_nights']}",
            ms(median(walls(a))),
            ms(median(walls(b))),
            ratio,
            f"<= {BUDGET}x",
            ratio <= BUDGET,
            note=f"median of {len(a)} interleaved rounds; CPU {ms(median(cpus(a)))} vs "
            f"{ms(median(cpus(b)))} ({cpu_ratio:.2f}x); "
            f"{ctx.full.meta['counts']['bed_nights']:,} vs "
            f"{ctx.short.meta['counts']['bed_nights']:,} bed-nights",
        )
    ]

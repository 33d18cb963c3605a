"""The rack of every unit by 14 nights (issue 16): from pressing r on an open board until the
rack holds every unit and has painted, in a fresh process each time (benchmarks.board_probe);
and its first screen (the title and the nights) against a bare app's first paint."""

from __future__ import annotations

from benchmarks.context import Context
from benchmarks.fig_board import probe
from benchmarks.measure import median
from benchmarks.report import Row, ms

BUDGET_SECONDS = 0.5
FIRST_SCREEN_BUDGET = 2.0


def figures(ctx: Context) -> list[Row]:
    night = ctx.tonight.isoformat()
    runs: list[dict] = []
    bare: list[dict] = []
    for _ in range(1 if ctx.quick else 5):  # interleaved: load from elsewhere hits both
        runs.append(probe("rack", ctx.full.url, night).json())
        bare.append(probe("minimal").json())
    rows = runs[0]["rows"]
    assert rows == runs[0]["expected"], f"the rack showed {rows} of {runs[0]['expected']}"
    opened = median([r["open"] for r in runs])
    cpu = median([r["open_cpu"] for r in runs])
    service = median([r["service"] for r in runs])
    details, service_details = (
        median([r["details"] for r in runs]),
        median([r["service_details"] for r in runs]),
    )
    first, bare_first = median([r["first"] for r in runs]), median([b["ready"] for b in bare])
    return [
        Row(
            f"rack, {rows:,} units x 14 nights, open",
            ms(opened),
            budget=f"<= {BUDGET_SECONDS} s",
            ok=opened <= BUDGET_SECONDS,
            note="from pressing r on the loaded board until the first refresh after every "
            "unit's line went to the table (noted as it happens: polling with pilot.pause() waits "
            f"for the details' thread too); median of {len(runs)} fresh processes; "
            f"CPU {ms(cpu)} (all threads); "
            f"the grid it paints from alone (rack_grid(): one row a unit, its two weeks packed "
            f"by the database, made into cells only for the lines drawn): {ms(service)}; the "
            f"details (detail line, actions) follow in a second worker started once the rows are "
            f"painted, in by {ms(details)} (rack() alone: {ms(service_details)})",
        ),
        Row(
            "rack, first screen after r",
            ms(first),
            ms(bare_first),
            first / bare_first,
            f"<= {FIRST_SCREEN_BUDGET}x",
            first / bare_first <= FIRST_SCREEN_BUDGET,
            note="from pressing r until the first refresh after the rack's screen is current "
            "(title, nights; rows if already read), against a bare Textual app with one "
            "empty DataTable from app start to its first paint; medians of "
            f"{len(runs)} interleaved fresh processes",
        ),
    ]

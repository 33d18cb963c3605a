"""The nightly occupancy export of every unit: in the process (what the command does once the
database is open) and as the whole command a coordinator runs."""

from __future__ import annotations

from bedboard.config import Settings
from bedboard.services.exports.export import write_export_file
from bedboard.services.exports.occupancy import occupancy_export
from bedboard.store import open_store
from benchmarks.context import Context
from benchmarks.measure import cpus, median, run_child, timed, walls
from benchmarks.report import Row, ms

BUDGET_SECONDS = 0.5


def figures(ctx: Context) -> list[Row]:
    out = ctx.work_dir / f"occupancy-{ctx.size.name}.csv"
    store = open_store(Settings(db=ctx.full.url, user="bench"))
    try:

        def export() -> None:
            with store.read() as session:
                write_export_file(out, occupancy_export(session, ctx.tonight))

        export()
        timings = [timed(export) for _ in range(ctx.rounds)]
        inside, inside_cpu = median(walls(timings)), median(cpus(timings))
    finally:
        store.close()
    night = ctx.tonight.isoformat()
    command = ["-m", "bedboard", "export", "occupancy", "--night", night, "--out", str(out)]
    command += ["--db", ctx.full.url]
    runs = 1 if ctx.quick else 5
    whole_runs = [run_child(command) for _ in range(runs)]
    startup_runs = [run_child(["-m", "bedboard", "--version"]) for _ in range(runs)]
    whole = median([r.seconds for r in whole_runs])
    startup = median([r.seconds for r in startup_runs])
    whole_cpu = median([r.cpu for r in whole_runs])
    startup_cpu = median([r.cpu for r in startup_runs])
    rows = sum(1 for _ in out.open(encoding="utf-8")) - 1
    out.unlink(missing_ok=True)
    return [
        Row(
            f"occupancy export, {rows:,} units",
            ms(inside),
            budget=f"< {BUDGET_SECONDS} s",
            ok=inside < BUDGET_SECONDS,
            note=f"query + CSV file in an open process, median of {len(timings)}; "
            f"CPU {ms(inside_cpu)}",
        ),
        Row(
            "occupancy export, whole command",
            ms(whole),
            ms(startup),
            whole / startup,
            f"< {BUDGET_SECONDS} s",
            whole < BUDGET_SECONDS,
            note="`bedboard export occupancy --out FILE` as a new process; baseline: "
            f"`bedboard --version` (Python start and imports); CPU {ms(whole_cpu)} vs "
            f"{ms(startup_cpu)}",
        ),
    ]

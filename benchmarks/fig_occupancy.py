"""The nightly occupancy export of every unit: in the process (what the command does once the
database is open) and as the whole command a coordinator runs."""

from __future__ import annotations

from bedboard.config import Settings
from bedboard.services.exports import occupancy_export, write_export_file
from bedboard.store import open_store
from benchmarks.context import Context
from benchmarks.measure import median, run_child, timed
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
        inside = [timed(export) for _ in range(ctx.rounds)]
    finally:
        store.close()
    night = ctx.tonight.isoformat()
    command = ["-m", "bedboard", "export", "occupancy", "--night", night, "--out", str(out)]
    command += ["--db", ctx.full.url]
    runs = 1 if ctx.quick else 5
    whole = [run_child(command).seconds for _ in range(runs)]
    startup = [run_child(["-m", "bedboard", "--version"]).seconds for _ in range(runs)]
    rows = sum(1 for _ in out.open(encoding="utf-8")) - 1
    out.unlink(missing_ok=True)
    return [
        Row(
            f"occupancy export, {rows:,} units",
            ms(median(inside)),
            budget=f"< {BUDGET_SECONDS} s",
            ok=median(inside) < BUDGET_SECONDS,
            note="query + CSV file, in an open process (median)",
        ),
        Row(
            "occupancy export, whole command",
            ms(median(whole)),
            ms(median(startup)),
            median(whole) / median(startup),
            f"< {BUDGET_SECONDS} s",
            median(whole) < BUDGET_SECONDS,
            note="`bedboard export occupancy --out FILE` as a new process; baseline: "
            "`bedboard --version` (Python start and imports)",
        ),
    ]

"""Commands near their floor (issue 16): `bedboard --version` against Python importing click,
and `bedboard availability --json` of every unit against Python importing SQLAlchemy's ORM
(the dependency's own start-up). Whole processes, interleaved, median of several."""

from __future__ import annotations

from benchmarks.context import Context
from benchmarks.measure import ChildRun, median, run_child
from benchmarks.report import Row, ms

VERSION_BUDGET = 2.0
AVAILABILITY_BUDGET = 1.7


def _pairs(ours: list[str], floor: list[str], runs: int) -> tuple[list[ChildRun], list[ChildRun]]:
    a: list[ChildRun] = []
    b: list[ChildRun] = []
    run_child(ours)  # warm the file cache for both
    run_child(floor)
    for _ in range(runs):  # interleaved: load from elsewhere hits both sides
        a.append(run_child(ours))
        b.append(run_child(floor))
    for run in a:
        if run.returncode != 0:
            raise RuntimeError(f"{' '.join(ours)} failed: {run.stderr.strip()[-400:]}")
    return a, b


def _row(figure: str, ours: list[ChildRun], floor: list[ChildRun], budget: float, note: str) -> Row:
    wall, base = median([r.seconds for r in ours]), median([r.seconds for r in floor])
    cpu, base_cpu = median([r.cpu for r in ours]), median([r.cpu for r in floor])
    return Row(
        figure,
        ms(wall),
        ms(base),
        wall / base,
        f"<= {budget}x",
        wall / base <= budget,
        note=f"{note}; median of {len(ours)} interleaved runs; CPU {ms(cpu)} vs {ms(base_cpu)}",
    )


def figures(ctx: Context) -> list[Row]:
    runs = 1 if ctx.quick else 7
    version, click = _pairs(["-m", "bedboard", "--version"], ["-c", "import click"], runs)
    night = ctx.tonight.isoformat()
    command = ["-m", "bedboard", "availability", "--json", "--night", night, "--db", ctx.full.url]
    available, orm = _pairs(command, ["-c", "import sqlalchemy.orm"], runs)
    units = ctx.full.meta["counts"]["units"]
    return [
        _row(
            "`bedboard --version`, whole process",
            version,
            click,
            VERSION_BUDGET,
            'baseline: `python -c "import click"`',
        ),
        _row(
            f"`bedboard availability --json`, {units:,} units, whole process",
            available,
            orm,
            AVAILABILITY_BUDGET,
            'baseline: `python -c "import sqlalchemy.orm"` (the dependency\'s own floor)',
        ),
    ]

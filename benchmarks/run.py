"""Measure every figure of issue 7 in one run, each next to its baseline, and print the table.

python -m benchmarks.run --size small|default   (make bench / make bench SIZE=small)
python -m benchmarks.run --size national --history short   (make bench SIZE=national HISTORY=short)
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from benchmarks.context import Context
from benchmarks.generate import DATA_DIR, cached
from benchmarks.machine import describe
from benchmarks.report import Row, table
from benchmarks.sizes import SIZES

# In the order they run; each module has `figures(ctx) -> list[Row]`.
FIGURES = (
    "benchmarks.fig_availability",
    "benchmarks.fig_occupancy",
    "benchmarks.fig_board",
    "benchmarks.fig_rack",
    "benchmarks.fig_commands",
    "benchmarks.fig_billing",
    "benchmarks.fig_checkin",
    "benchmarks.fig_live",
)


def measure(module_name: str, ctx: Context) -> list[Row]:
    """A figure that cannot be measured says so in its row; the others still run."""
    started = time.perf_counter()
    try:
        module = importlib.import_module(module_name)
        figures: Callable[[Context], list[Row]] = module.figures
        rows = figures(ctx)
    except Exception as exc:
        traceback.print_exc()
        short = module_name.rsplit(".", 1)[-1].removeprefix("fig_")
        rows = [Row(short, "not measured", ok=False, note=f"{type(exc).__name__}: {exc}")]
    print(f"  {module_name}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return rows


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="bedboard benchmarks (issue 7)")
    parser.add_argument("--size", choices=sorted(SIZES), default="default")
    parser.add_argument("--only", nargs="*", help="figure modules to run, e.g. fig_board")
    parser.add_argument("--rounds", type=int, help="timed rounds per side of a ratio")
    parser.add_argument("--samples", type=int, help="check-ins per backend")
    parser.add_argument("--no-postgres", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="database cache")
    parser.add_argument(
        "--history",
        choices=("full", "short"),
        default="full",
        help="short: measure on the short-history database only, when the full one is not "
        "built (national: about 8 GB and hours to generate); figures comparing histories say so",
    )
    return parser.parse_args(argv)


def context(args: argparse.Namespace) -> Context:
    size = SIZES[args.size]
    quick = size.name == "tiny"
    short = cached(size, short=True, data_dir=args.data_dir)
    return Context(
        size=size,
        full=short if args.history == "short" else cached(size, data_dir=args.data_dir),
        short=short,
        rounds=args.rounds or (1 if quick else 9),
        samples=args.samples or (5 if quick else 100),
        quick=quick,
        postgres=not args.no_postgres,
        work_dir=args.data_dir,
    )


def measure_all(ctx: Context, only: list[str] | None = None) -> list[Row]:
    wanted = [m for m in FIGURES if not only or m.rsplit(".", 1)[-1] in only]
    rows: list[Row] = []
    for module_name in wanted:
        rows += measure(module_name, ctx)
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    ctx = context(args)
    size = ctx.size
    load_before = os.getloadavg()[0]
    rows = measure_all(ctx, args.only)
    load_after = os.getloadavg()[0]
    counts = ctx.full.meta["counts"]
    print()
    print(
        f"size {size.name}: {counts['sites']} sites, {counts['units']:,} units "
        f"({size.host_family_units:,} host-family places), {counts['bed_nights']:,} bed-nights "
        f"over {ctx.full.meta['history_nights']} nights up to {ctx.tonight} "
        f"(+{size.future_nights} booked ahead), {counts['stays']:,} stays"
    )
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {describe()}; "
          f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; "
          f"load average {load_before:.1f} before, {load_after:.1f} after")  # fmt: skip
    print()
    print(table(rows))
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

"""The billing export of a year, against the sqlite3 shell running an equivalent query on the
same file, and its peak memory for a month and for a year (it must not grow with the rows)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import shutil
from pathlib import Path

from benchmarks.context import Context
from benchmarks.measure import ChildRun, median, run_child
from benchmarks.report import Row, mb, ms

BUDGET_RATIO = 2.0
MEMORY_BUDGET_RATIO = 1.2

# The same rows, columns and order as `bedboard export billing`: nights with their payer, the
# posted rate or (for nights not yet closed) the rate of the site kind valid that night, then
# each night's adjustments, credits and rebills after it (their own payer, reference, kind and
# reason). The benchmark's rates are per site kind and year only.
EQUIVALENT_SQL = """
SELECT night, payer, payer_reference, site, unit, guest_code, stay_id, rate, currency, posted, kind,
       reason
FROM (
  SELECT bn.night, coalesce(p.name, '') AS payer, bn.payer_reference, s.name AS site,
         u.label AS unit, g.code AS guest_code, bn.stay_id,
         CASE WHEN bn.posted_at IS NOT NULL
              THEN printf('%d.%02d', bn.rate / 100, bn.rate % 100)
              ELSE (SELECT printf('%d.%02d', r.amount / 100, r.amount % 100) FROM rates r
                    WHERE r.site_kind = s.kind AND r.valid_from <= bn.night
                      AND (r.valid_to IS NULL OR r.valid_to >= bn.night)
                    ORDER BY r.valid_from DESC, r.id DESC LIMIT 1) END AS rate,
         coalesce(bn.currency, 'SEK') AS currency,
         CASE WHEN bn.posted_at IS NULL THEN 'false' ELSE 'true' END AS posted,
         'night' AS kind, '' AS reason, bn.id AS bn_id, 0 AS ord
  FROM bed_nights bn JOIN units u ON u.id = bn.unit_id JOIN sites s ON s.id = u.site_id
  JOIN guests g ON g.id = bn.guest_id LEFT JOIN payers p ON p.id = bn.payer_id
  WHERE bn.night >= '{first}' AND bn.night <= '{last}' AND bn.state = 'occupied'
  UNION ALL
  SELECT bn.night, coalesce(p.name, ''), a.payer_reference, s.name, u.label, g.code,
         bn.stay_id, printf('%s%d.%02d', CASE WHEN a.amount < 0 THEN '-' ELSE '' END,
         abs(a.amount) / 100, abs(a.amount) % 100), a.currency,
         CASE WHEN bn.posted_at IS NULL THEN 'false' ELSE 'true' END, a.kind, a.reason, bn.id,
         a.id
  FROM adjustments a CROSS JOIN bed_nights bn ON bn.id = a.bed_night_id
  JOIN units u ON u.id = bn.unit_id JOIN sites s ON s.id = u.site_id
  JOIN guests g ON g.id = bn.guest_id LEFT JOIN payers p ON p.id = a.payer_id
  WHERE bn.night >= '{first}' AND bn.night <= '{last}' AND bn.state = 'occupied'
)
ORDER BY night, site, unit, bn_id, ord;
"""


def period(ctx: Context, nights: int) -> tuple[dt.date, dt.date]:
    nights = min(nights, ctx.full.meta["history_nights"])
    return ctx.tonight - dt.timedelta(days=nights - 1), ctx.tonight


def export_billing(ctx: Context, first: dt.date, last: dt.date, out: Path) -> ChildRun:
    """`bedboard export billing` as a new process."""
    run = run_child(
        ["-m", "bedboard", "export", "billing", "--from", first.isoformat(),
         "--to", last.isoformat(), "--out", str(out), "--db", ctx.full.url]
    )  # fmt: skip
    if run.returncode != 0:
        raise RuntimeError(f"export billing failed: {run.stderr.strip()}")
    return run


def sqlite_shell(ctx: Context, first: dt.date, last: dt.date, out: Path) -> ChildRun:
    sql = EQUIVALENT_SQL.format(first=first.isoformat(), last=last.isoformat())
    command = ["sqlite3", "-readonly", "-csv", "-header", ctx.full.url, sql]
    run = run_child(command, stdout_path=out, python=False)
    if run.returncode != 0:
        raise RuntimeError(f"sqlite3 failed: {run.stderr.strip()}")
    return run


def digest(path: Path) -> str:
    """Of the cells: the shell quotes more cells and ends lines differently, same data."""
    h = hashlib.sha256()
    with path.open(encoding="utf-8", newline="") as stream:
        for row in csv.reader(stream):
            h.update("\x1f".join(row).encode() + b"\n")
    return h.hexdigest()


def figures(ctx: Context) -> list[Row]:
    rows: list[Row] = []
    year_peaks: list[float] = []
    first, last = period(ctx, 365)
    nights = (last - first).days + 1
    ours, theirs = ctx.work_dir / "billing-bedboard.csv", ctx.work_dir / "billing-sqlite3.csv"
    try:
        if shutil.which("sqlite3") is None:
            rows.append(Row("billing export vs sqlite3", "skipped", note="no sqlite3 shell"))
        else:
            py: list[ChildRun] = []
            sh: list[ChildRun] = []
            for _ in range(1 if ctx.quick else 3):
                py.append(export_billing(ctx, first, last, ours))
                year_peaks.append(py[-1].max_rss_mb)
                sh.append(sqlite_shell(ctx, first, last, theirs))
            count = sum(1 for _ in ours.open("rb")) - 1
            same = digest(ours) == digest(theirs)
            wall, wall_sh = median([r.seconds for r in py]), median([r.seconds for r in sh])
            cpu, cpu_sh = median([r.cpu for r in py]), median([r.cpu for r in sh])
            ratio = wall / wall_sh
            rows.append(
                Row(
                    f"billing export, {nights} nights ({count:,} rows)",
                    ms(wall),
                    ms(wall_sh),
                    ratio,
                    f"<= {BUDGET_RATIO:.0f}x",
                    ratio <= BUDGET_RATIO and same,
                    note="`bedboard export billing --out FILE` vs `sqlite3 -csv` running an "
                    "equivalent query on the same file, both as new processes, median of "
                    f"{len(py)} interleaved runs; CPU {ms(cpu)} vs {ms(cpu_sh)} "
                    f"({cpu / cpu_sh:.2f}x); the two files are "
                    + ("identical" if same else "DIFFERENT (the comparison is void)"),
                )
            )
        month_first, _ = period(ctx, 30)
        runs = 1 if ctx.quick else 3
        month = [export_billing(ctx, month_first, last, ours).max_rss_mb for _ in range(runs)]
        year = year_peaks or [
            export_billing(ctx, first, last, ours).max_rss_mb for _ in range(runs)
        ]
        memory_ratio = min(year) / min(month)
        rows.append(
            Row(
                f"billing export peak memory, {nights} nights",
                mb(min(year)),
                mb(min(month)),
                memory_ratio,
                f"<= {MEMORY_BUDGET_RATIO}x",
                memory_ratio <= MEMORY_BUDGET_RATIO,
                note="peak RSS of the whole process (wait4); baseline: the same export of "
                f"{(last - month_first).days + 1} nights",
            )
        )
    finally:
        ours.unlink(missing_ok=True)
        theirs.unlink(missing_ok=True)
    return rows

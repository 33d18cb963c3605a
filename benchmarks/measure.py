"""Timing and memory helpers. Ratios are taken from interleaved rounds (a, b, a, b, ...) so a
burst of load from elsewhere on the machine hits both sides alike."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # this process's CPU time (all its threads): what load elsewhere cannot inflate


def timed(fn: Callable[[], object]) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu)


def interleaved(
    first: Callable[[], object], second: Callable[[], object], rounds: int, warmup: int = 1
) -> tuple[list[Timing], list[Timing]]:
    for _ in range(warmup):
        first()
        second()
    a: list[Timing] = []
    b: list[Timing] = []
    for _ in range(rounds):
        a.append(timed(first))
        b.append(timed(second))
    return a, b


def walls(timings: Sequence[Timing]) -> list[float]:
    return [t.wall for t in timings]


def cpus(timings: Sequence[Timing]) -> list[float]:
    return [t.cpu for t in timings]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 100 samples is the 95th smallest)."""
    ordered = sorted(values)
    rank = max(1, round(pct / 100 * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass(frozen=True)
class ChildRun:
    seconds: float  # wall time of the whole process
    cpu: float  # its user + system CPU time
    max_rss_mb: float  # its peak resident memory
    stdout: str
    stderr: str
    returncode: int

    def json(self) -> dict:
        """The last stdout line of a probe, which prints its findings as JSON."""
        if self.returncode != 0:
            raise RuntimeError(f"probe failed ({self.returncode}): {self.stderr.strip()[-800:]}")
        return json.loads(self.stdout.strip().splitlines()[-1])


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The children's environment. Bytecode is written and reused: with
    PYTHONDONTWRITEBYTECODE an editable install compiles every bedboard module again in every
    process (about 50 ms), which an installed wheel (compiled at install) never does."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "BEDBOARD_USER": "bench", **(extra or {})}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_child(
    args: Sequence[str],
    stdout_path: Path | None = None,
    env: dict[str, str] | None = None,
    python: bool = True,
) -> ChildRun:
    """Run `python ARGS` (or ARGS as a program). Its own peak RSS and CPU time come from
    wait4 (not totals over every child this process ever had), so the output goes to files
    and the child is reaped here."""
    with tempfile.TemporaryDirectory(prefix="bedboard-bench-") as tmp:
        out_path = stdout_path or Path(tmp) / "stdout"
        err_path = Path(tmp) / "stderr"
        with out_path.open("wb") as out, err_path.open("wb") as err:
            started = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, *args] if python else list(args),
                stdout=out,
                stderr=err,
                env=env or child_env(),
                cwd=REPO,
            )
            _pid, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        stdout = "" if stdout_path else out_path.read_text(errors="replace")
        stderr = err_path.read_text(errors="replace")
    return ChildRun(
        seconds=seconds,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        stdout=stdout,
        stderr=stderr,
        returncode=proc.returncode,
    )


def own_max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

"""Which machine a table was taken on: cores, CPU model, memory."""

from __future__ import annotations

import os
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def describe() -> str:
    memory = memory_gb()
    ram = f"{memory:.0f} GB RAM" if memory else "RAM unknown"
    return f"{os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), {cpu_model()}, {ram}"

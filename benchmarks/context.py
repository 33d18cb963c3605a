"""What every figure gets: the size, its databases, and how many rounds to time."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from benchmarks.generate import DATA_DIR, Generated
from benchmarks.sizes import Size


@dataclass
class Context:
    size: Size
    full: Generated  # the region with its whole history
    short: Generated  # the same region with a short history
    rounds: int  # timed rounds per side of a ratio
    samples: int  # check-ins per backend
    quick: bool = False  # the tests' run: one round of everything
    postgres: bool = True
    work_dir: Path = DATA_DIR

    @property
    def tonight(self) -> dt.date:
        return self.full.tonight

    def scratch_copy(self, name: str) -> Path:
        """A private copy of the full database for figures that write (the cache stays as
        generated)."""
        target = self.work_dir / f"scratch-{self.size.name}-{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        shutil.copyfile(self.full.path, target)
        return target

"""What every figure gets: the size, its databases, and how many rounds to time."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
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

    @contextmanager
    def scratch_copy(self, name: str) -> Iterator[Path]:
        """A private copy of the full database for figures that write (the cache stays as
        generated), removed with its WAL files afterwards."""
        target = self.work_dir / f"scratch-{self.size.name}-{name}.sqlite3"
        files = [target.with_name(target.name + suffix) for suffix in ("", "-wal", "-shm")]
        for file in files:
            file.unlink(missing_ok=True)
        shutil.copyfile(self.full.path, target)
        try:
            yield target
        finally:
            for file in files:
                file.unlink(missing_ok=True)

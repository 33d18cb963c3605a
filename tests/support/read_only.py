"""A database file in a place nothing can write: a tmpfs remounted read-only (as root, whom file
modes do not stop), or a folder and file without write permission for everyone else. Copied as a
backup is: the file alone, without -wal/-shm."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def read_only_copy(source: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """For a fixture: yield the copy of `source` in a read-only place (made writable again, or
    unmounted, afterwards)."""
    if os.geteuid() == 0:
        mount = request.getfixturevalue("small_mount")
        place = mount("size=4m,mode=0755")
        shutil.copy2(source, place / source.name)
        subprocess.run(["mount", "-o", "remount,ro", str(place)], check=True)
        yield place / source.name
        return
    place = tmp_path / "stick"
    place.mkdir()
    shutil.copy2(source, place / source.name)
    (place / source.name).chmod(0o400)
    place.chmod(0o500)
    try:
        yield place / source.name
    finally:
        place.chmod(0o700)

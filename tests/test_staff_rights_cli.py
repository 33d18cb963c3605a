"""The two kinds in the rights table that exist only as commands on SQLite, backup and restore,
for each role: the administrator may, everyone else is refused in one line with nothing written
and nothing replaced (the other kinds: tests/test_staff_rights.py, on both backends)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import run_cli
from tests.support.staff_world import LOGIN_OF, PINS, build_staff_world
from tests.support.stores import store_at


def contents(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(db) as conn:
        tables = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables
        }


def as_role(role: str) -> dict[str, str]:
    login = LOGIN_OF[role]
    return {"BEDBOARD_USER": login, "BEDBOARD_PIN": PINS[login]}


@pytest.fixture
def staffed(tmp_path: Path) -> Path:
    db = tmp_path / "b.sqlite3"
    with store_at(str(db), "tester") as store:
        build_staff_world(store)
    return db


@pytest.mark.parametrize("role", ["admin", "coordinator", "outreach", "night"])
def test_only_an_administrator_may_back_up_and_restore(
    staffed: Path, tmp_path: Path, role: str
) -> None:
    copy = tmp_path / f"by-{role}.sqlite3"
    made = run_cli("backup", str(copy), db=str(staffed), env=as_role(role))
    if role == "admin":
        assert made.returncode == 0, made.stderr
        assert copy.is_file()
    else:
        assert (made.returncode, made.stdout) == (1, ""), made.stderr
        assert made.stderr.count("\n") == 1 and "may not make backups" in made.stderr
        assert not copy.exists() and not list(tmp_path.glob(f".{copy.name}*"))

    good = tmp_path / "good.sqlite3"
    assert run_cli("backup", str(good), db=str(staffed), env=as_role("admin")).returncode == 0
    before = contents(staffed)
    restored = run_cli("restore", str(good), db=str(staffed), env=as_role(role))
    if role == "admin":
        assert restored.returncode == 0, restored.stderr
        assert list(tmp_path.glob("b.sqlite3.before-restore-*"))
    else:
        assert (restored.returncode, restored.stdout) == (1, ""), restored.stderr
        assert restored.stderr.count("\n") == 1 and "may not restore backups" in restored.stderr
        assert contents(staffed) == before
        assert not list(tmp_path.glob("b.sqlite3.before-restore-*"))

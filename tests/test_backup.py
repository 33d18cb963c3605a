"""`bedboard backup FILE` and `bedboard restore FILE`, with writer processes running."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bedboard.config import Settings
from bedboard.store import open_store
from tests.support.cli import REPO, CliRunner
from tests.support.invariants import guest_nights, violations
from tests.support.ops import parse_line
from tests.support.seed import seed


def make_db(path: str) -> None:
    store = open_store(Settings(db=path, user="seed"))
    with store.write() as session:
        seed(session, sites=2, units=8, guests={"G-NAMED": "Anna Secret"})
    store.close()


@contextmanager
def writers(
    db: str, count: int, seconds: float, prefix: str = "W"
) -> Iterator[list[subprocess.Popen[str]]]:
    """`count` writer processes doing random stay operations for `seconds`."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.support.ops", db, f"{prefix}{i}", str(seconds), str(i)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        for i in range(count)
    ]
    try:
        for p in procs:  # wait until each has opened the database
            assert p.stdout is not None
            assert p.stdout.readline().strip() == "READY", p.stderr.read() if p.stderr else ""
        yield procs
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()
            if p.stdout:
                p.stdout.close()
            if p.stderr:
                p.stderr.close()


def finish(proc: subprocess.Popen[str]) -> list[str]:
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    return out.splitlines()


def stop(proc: subprocess.Popen[str]) -> list[str]:
    """Stop a writer that is still running (it must still be: the test needs it to be)."""
    assert proc.poll() is None, "the writer ended before the test was done with it"
    proc.terminate()
    out, _ = proc.communicate(timeout=60)
    return out.splitlines()


def sqlite_checks(path: Path) -> tuple[list[str], dict[str, dict]]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            return violations(conn), guest_nights(conn)
    finally:
        engine.dispose()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_while_writers_run_is_consistent_and_private(
    cli_here: CliRunner, tmp_path: Path
) -> None:
    db = str(tmp_path / "live.sqlite3")
    make_db(db)
    out = tmp_path / "backups" / "copy.sqlite3"
    out.parent.mkdir()
    with writers(db, 2, seconds=60) as procs:
        time.sleep(0.8)
        result = cli_here("backup", str(out), db=db)
        time.sleep(0.5)
        lines = [line for p in procs for line in stop(p)]
    assert result.returncode == 0, result.stderr
    assert "backup written to" in result.stdout
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not list(out.parent.glob(".*partial*")), "no partial file left behind"
    problems, _ = sqlite_checks(out)
    assert problems == []
    # The copy is one snapshot: its audit chain is whole, and the writers kept writing after it.
    verify = cli_here("audit", "verify", db=str(out))
    assert verify.returncode == 0, verify.stderr
    acks = [line for line in lines if line.startswith("ACK")]
    with closing(sqlite3.connect(out)) as copy, closing(sqlite3.connect(db)) as live:
        in_copy = copy.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        in_live = live.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert len(acks) > 10
    assert 1 < in_copy < in_live, "the backup was taken while the writers were writing"


def test_restore_while_writers_run_puts_the_backup_back(
    cli_here: CliRunner, tmp_path: Path
) -> None:
    db = str(tmp_path / "live.sqlite3")
    make_db(db)
    backup = tmp_path / "copy.sqlite3"
    with writers(db, 1, seconds=1.0, prefix="A") as procs:
        for p in procs:
            finish(p)
    assert cli_here("backup", str(backup), db=db).returncode == 0
    _, backed_up = sqlite_checks(backup)
    assert backed_up, "the backup holds stays"
    backup_hash = file_hash(backup)

    with writers(db, 2, seconds=60, prefix="B") as procs:
        # Restore only once the second round has written (a loaded machine starts it late).
        deadline = time.monotonic() + 60
        while not any(c.startswith("B") for c in sqlite_checks(Path(db))[1]):
            assert time.monotonic() < deadline, "the second round of writers never wrote"
            time.sleep(0.1)
        result = cli_here("restore", str(backup), db=db)
        time.sleep(0.5)
        lines = [line for p in procs for line in stop(p)]
    assert result.returncode == 0, result.stderr
    assert file_hash(backup) == backup_hash, "restore does not change the backup file"
    kept = sorted(tmp_path.glob("live.sqlite3.before-restore-*"))
    assert len(kept) == 1 and stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    assert str(kept[0]) in result.stdout
    problems, now = sqlite_checks(Path(db))
    assert problems == []
    kept_problems, kept_nights = sqlite_checks(kept[0])
    assert kept_problems == []
    # The first round's guests are exactly as in the backup (nobody touched them since); the
    # second round's writes before the restore are in the replaced copy that was kept.
    assert {c: n for c, n in now.items() if c.startswith("A")} == backed_up
    assert any(c.startswith("B") for c in kept_nights), "the kept copy has the replaced writes"
    assert any(line.startswith("ACK") for line in lines)
    verify = cli_here("audit", "verify", db=db)
    assert verify.returncode == 0, verify.stderr
    history = cli_here("audit", "history", "--guest", "G-NAMED", db=db)
    assert history.returncode == 0
    with closing(sqlite3.connect(db)) as conn:
        actions = [r[0] for r in conn.execute("SELECT action FROM audit_log")]
    assert "restore" in actions
    assert all(parse_line(line) for line in lines if line.startswith(("ACK", "BEGIN")))


@pytest.mark.parametrize(
    "content, message",
    [
        (b"hello, not a database\n", "not an SQLite database file"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "cannot be read"),
        (b"", "not an SQLite database file"),
    ],
)
def test_restore_refuses_a_file_that_is_not_a_backup(
    cli_here: CliRunner, tmp_path: Path, content: bytes, message: str
) -> None:
    db = tmp_path / "live.sqlite3"
    make_db(str(db))
    before = file_hash(db)
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(content)
    result = cli_here("restore", str(bad), db=str(db))
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert file_hash(db) == before
    assert not list(tmp_path.glob("*.before-restore-*"))


def test_restore_refuses_a_backup_from_a_newer_bedboard_and_other_sqlite_files(
    cli_here: CliRunner,
    tmp_path: Path,
) -> None:
    db = tmp_path / "live.sqlite3"
    make_db(str(db))
    newer = tmp_path / "newer.sqlite3"
    assert cli_here("backup", str(newer), db=str(db)).returncode == 0
    before = file_hash(db)
    with closing(sqlite3.connect(newer)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        conn.commit()
    result = cli_here("restore", str(newer), db=str(db))
    assert result.returncode == 2 and "9999_from_the_future" in result.stderr
    other = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
    result = cli_here("restore", str(other), db=str(db))
    assert result.returncode == 2 and "not a bedboard database" in result.stderr
    result = cli_here("restore", str(tmp_path / "missing.sqlite3"), db=str(db))
    assert result.returncode == 1 and "no file" in result.stderr
    assert file_hash(db) == before


def test_backup_to_a_path_that_cannot_be_written_changes_nothing(
    cli_here: CliRunner, tmp_path: Path
) -> None:
    db = tmp_path / "live.sqlite3"
    make_db(str(db))
    before = file_hash(db)
    result = cli_here("backup", str(tmp_path / "no" / "such" / "dir" / "b.sqlite3"), db=str(db))
    assert result.returncode == 1 and "cannot write the backup" in result.stderr
    result = cli_here("backup", str(db), db=str(db))
    assert result.returncode == 2
    result = cli_here("backup", str(tmp_path / "x.sqlite3"), db=str(tmp_path / "none.sqlite3"))
    assert result.returncode == 1 and "no database" in result.stderr
    assert not (tmp_path / "none.sqlite3").exists()
    assert file_hash(db) == before


def test_restore_into_a_new_place_creates_it_private(cli_here: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "live.sqlite3"
    make_db(str(db))
    backup = tmp_path / "b.sqlite3"
    assert cli_here("backup", str(backup), db=str(db)).returncode == 0
    fresh = tmp_path / "new" / "restored.sqlite3"
    result = cli_here("restore", str(backup), db=str(fresh))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert stat.S_IMODE(fresh.parent.stat().st_mode) == 0o700
    assert "kept" not in result.stdout


def test_postgresql_backup_says_it_uses_pg_dump(cli_here: CliRunner, postgres_url: str) -> None:
    for command in ("backup", "restore"):
        result = cli_here(command, "/tmp/never-written.dump", db=postgres_url)
        assert result.returncode == 2
        assert "pg_dump" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not Path("/tmp/never-written.dump").exists()


def test_a_backup_is_audited_and_a_failed_one_is_not(cli_here: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "live.sqlite3"
    make_db(str(db))
    out = tmp_path / "b.sqlite3"
    assert cli_here("backup", str(out), db=str(db)).returncode == 0
    assert cli_here("backup", str(tmp_path / "no" / "b.sqlite3"), db=str(db)).returncode == 1
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT actor, detail FROM audit_log WHERE action = 'backup'"
        ).fetchall()
    assert len(rows) == 1
    assert rows[0][0] == "cli-tester" and str(out) in rows[0][1]
    assert cli_here("audit", "verify", db=str(db)).returncode == 0

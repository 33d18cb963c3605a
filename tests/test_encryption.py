"""Encryption at rest with SQLCipher: `bedboard db encrypt` turns a database into one whose file
(and WAL, and backups) shows no guest code or name; the passphrase opens it, and every wrong
combination (wrong passphrase, none for an encrypted file, one for a plain file) is one line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from bedboard.config import Settings
from bedboard.services.beds import stays
from bedboard.store import open_store
from tests.support.cli import run_cli
from tests.support.read_only import read_only_copy

KEY = {"BEDBOARD_DB_KEY": "correct horse battery"}
SECRETS = (b"G-101", b"Demo person", b"Hvilan", b"Polisen")


def raw(path: Path) -> bytes:
    """The file and whatever sits beside it (WAL, shared memory), as a thief would copy them."""
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


@pytest.fixture
def encrypted(tmp_path: Path) -> Path:
    db = tmp_path / "b.sqlite3"
    assert run_cli("demo", db=str(db)).returncode == 0
    assert all(s in raw(db) for s in SECRETS[:2])  # plain before: the test can see them
    result = run_cli("db", "encrypt", db=str(db), env=KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"encrypted {db}")
    return db


def test_an_encrypted_database_shows_nothing_readable_and_works_with_its_passphrase(
    encrypted: Path,
) -> None:
    assert not any(s in raw(encrypted) for s in SECRETS)
    assert not raw(encrypted).startswith(b"SQLite format 3")
    booked = run_cli(
        "checkin",
        "--unit",
        "Hvilan/3",
        "--guest",
        "G-900",
        "--nights",
        "2",
        db=str(encrypted),
        env=KEY,
    )
    assert booked.returncode == 0, booked.stderr
    listed = run_cli("availability", db=str(encrypted), env=KEY)
    assert listed.returncode == 0 and "Hvilan" in listed.stdout
    assert not any(s in raw(encrypted) for s in (*SECRETS, b"G-900"))
    assert run_cli("audit", "verify", db=str(encrypted), env=KEY).returncode == 0


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"BEDBOARD_DB_KEY": "wrong horse battery"}, "wrong passphrase for the encrypted database"),
        ({"BEDBOARD_DB_KEY": ""}, "give its passphrase if it is"),
    ],
)
def test_a_wrong_or_missing_passphrase_is_one_line(
    encrypted: Path, env: dict[str, str], message: str
) -> None:
    before = raw(encrypted)
    result = run_cli("availability", db=str(encrypted), env=env)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "correct horse" not in result.stderr and "wrong horse" not in result.stderr
    assert raw(encrypted) == before


def test_a_plain_file_opened_as_encrypted_and_encrypting_twice(tmp_path: Path) -> None:
    db = tmp_path / "plain.sqlite3"
    assert run_cli("demo", db=str(db)).returncode == 0
    result = run_cli("availability", db=str(db), env=KEY)
    assert result.returncode == 1
    assert result.stderr == (
        f"bedboard: the database {db} is not encrypted, but a passphrase was given: unset "
        "BEDBOARD_DB_KEY, or encrypt it first with `bedboard db encrypt`\n"
    )
    short = run_cli("db", "encrypt", db=str(db), env={"BEDBOARD_DB_KEY": "short"})
    assert short.returncode == 2 and "at least 8" in short.stderr
    assert raw(db).startswith(b"SQLite format 3")
    assert run_cli("db", "encrypt", db=str(db), env=KEY).returncode == 0
    again = run_cli("db", "encrypt", db=str(db), env=KEY)
    assert (again.returncode, again.stderr) == (
        1,
        f"bedboard: the database {db} is already encrypted\n",
    )


def test_backups_stay_encrypted_and_restore_with_the_passphrase(
    encrypted: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "backup.db"
    made = run_cli("backup", str(copy), db=str(encrypted), env=KEY)
    assert made.returncode == 0, made.stderr
    assert not any(s in copy.read_bytes() for s in SECRETS)
    refused = run_cli("restore", str(copy), db=str(encrypted), env={"BEDBOARD_DB_KEY": ""})
    assert refused.returncode == 1 and "give its passphrase if it is" in refused.stderr
    restored = run_cli("restore", str(copy), db=str(encrypted), env=KEY)
    assert restored.returncode == 0, restored.stderr
    kept = next(tmp_path.glob("b.sqlite3.before-restore-*"))
    assert not any(s in kept.read_bytes() for s in SECRETS)
    assert run_cli("availability", db=str(encrypted), env=KEY).returncode == 0


def test_the_services_and_triggers_work_on_an_encrypted_store(encrypted: Path) -> None:
    store = open_store(Settings(db=str(encrypted), user="t", db_key=KEY["BEDBOARD_DB_KEY"]))
    try:
        assert "correct horse" not in repr(store) and "correct horse" not in str(store.engine.url)
        with store.write() as session:
            stays.check_in(
                session,
                unit="Hvilan/4",
                guest_code="G-901",
                night=store.tonight() + dt.timedelta(days=30),
                actor="t",
            )
    finally:
        store.close()
    assert b"G-901" not in raw(encrypted)


@pytest.fixture
def read_only_encrypted(
    encrypted: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Path]:
    """The encrypted demo on a read-only mount or folder (a laptop's backup stick)."""
    yield from read_only_copy(encrypted, tmp_path, request)


def test_a_read_only_encrypted_file_is_read_with_its_passphrase(read_only_encrypted: Path) -> None:
    """Read-only and encrypted: the passphrase opens it for reading; a change, a wrong
    passphrase and none at all are each one line; the file is the same bytes after."""
    db = str(read_only_encrypted)
    before = raw(read_only_encrypted)
    listed = run_cli("availability", db=db, env=KEY)
    assert listed.returncode == 0, listed.stderr
    assert "Hvilan" in listed.stdout and "occupied" in listed.stdout
    booked = run_cli("checkin", "--unit", "Hvilan/3", "--guest", "G-900", db=db, env=KEY)
    assert booked.returncode == 1 and booked.stderr.count("\n") == 1, booked.stderr
    assert "read-only" in booked.stderr and "Traceback" not in booked.stderr
    for env, says in (
        ({"BEDBOARD_DB_KEY": "wrong horse battery"}, "wrong passphrase"),
        ({"BEDBOARD_DB_KEY": ""}, "give its passphrase if it is"),
    ):
        refused = run_cli("availability", db=db, env=env)
        assert (refused.returncode, refused.stderr.count("\n")) == (1, 1), refused.stderr
        assert says in refused.stderr and "Traceback" not in refused.stderr
    assert raw(read_only_encrypted) == before
    assert not any(p.name.endswith(("-wal", "-shm")) for p in read_only_encrypted.parent.iterdir())

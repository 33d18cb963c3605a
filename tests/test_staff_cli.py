"""`bedboard staff ...` and signing in from the command line, as separate processes: PINs from
standard input and BEDBOARD_PIN, wrong PINs counted and slowed down across processes, and every
refusal one line that changes nothing and shows no PIN."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import run_cli


def as_user(login: str, pin: str) -> dict[str, str]:
    return {"BEDBOARD_USER": login, "BEDBOARD_PIN": pin}


ADMIN = as_user("ada", "1111")


@pytest.fixture
def staffed(tmp_path: Path) -> str:
    """A demo database with an administrator and a night worker at Hvilan."""
    db = str(tmp_path / "b.sqlite3")
    assert run_cli("demo", db=db).returncode == 0
    added = run_cli(
        "staff", "add", "ada", "--role", "admin", "--name", "Ada", db=db, input="1111\n"
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout == "added ada as administrator (all sites)\n"
    night = run_cli(
        "staff",
        "add",
        "nils",
        "--role",
        "night",
        "--site",
        "Hvilan",
        db=db,
        env=ADMIN,
        input="4444\n",
    )
    assert night.returncode == 0, night.stderr
    return db


def check_in(unit: str, guest: str) -> tuple[str, ...]:
    """One night far ahead, so that no demo booking is in the way."""
    return ("checkin", "--unit", unit, "--guest", guest, "--night", "2030-01-01")


def rows(db: str, query: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(query).fetchall()


def test_staff_are_listed_and_pins_are_kept_only_as_salted_hashes(staffed: str) -> None:
    listed = run_cli("staff", "list", db=staffed, env=ADMIN)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        "ada\tadmin\t-\tactive\tAda",
        "nils\tnight\tHvilan\tactive",
    ]
    hashes = [h for (h,) in rows(staffed, "SELECT pin_hash FROM staff ORDER BY login")]
    assert all(h.startswith("scrypt$16384$8$1$") for h in hashes)
    assert len(set(h.split("$")[4] for h in hashes)) == 2  # a salt each
    wal = Path(staffed + "-wal")
    raw = Path(staffed).read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    # Timestamps (microseconds) and the hex hashes hold runs of digits of their own: a PIN
    # stored as text would stand apart from them.
    for pin in (b"1111", b"4444"):
        assert re.search(rb"(?<![0-9a-f:.])" + pin + rb"(?![0-9a-f])", raw) is None


def test_after_the_first_admin_every_command_needs_a_staff_member_and_pin(staffed: str) -> None:
    anonymous = run_cli("availability", db=staffed, env={"BEDBOARD_PIN": ""})
    assert anonymous.returncode == 2
    assert anonymous.stderr == (
        "bedboard: a PIN is needed: set BEDBOARD_PIN or run the command in a terminal\n"
    )
    ok = run_cli("availability", db=staffed, env=as_user("nils", "4444"))
    assert ok.returncode == 0, ok.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (as_user("nobody", "1111"), "unknown staff member or wrong PIN"),
        (as_user("nils", "9999"), "unknown staff member or wrong PIN"),
    ],
)
def test_unknown_staff_and_wrong_pin_get_the_same_one_line(
    staffed: str, env: dict[str, str], message: str
) -> None:
    before = rows(staffed, "SELECT count(*) FROM bed_nights")
    result = run_cli(*check_in("Hvilan/2", "X-1"), db=staffed, env=env)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"bedboard: {message}\n"
    assert env["BEDBOARD_PIN"] not in result.stderr
    assert rows(staffed, "SELECT count(*) FROM bed_nights") == before


def test_wrong_pins_lock_the_login_across_processes_even_for_the_right_pin(staffed: str) -> None:
    for _ in range(3):
        assert run_cli("availability", db=staffed, env=as_user("nils", "0000")).returncode == 1
    assert rows(staffed, "SELECT failed_pins FROM staff WHERE login = 'nils'") == [(3,)]
    locked = run_cli("availability", db=staffed, env=as_user("nils", "4444"))
    assert locked.returncode == 1
    assert locked.stderr.startswith("bedboard: too many wrong PINs for nils; try again in ")
    # The tries are in the audit log, by login, never with the PIN typed.
    refused = rows(
        staffed, "SELECT actor, target, detail FROM audit_log WHERE action = 'pin_refused'"
    )
    assert refused == [("nils", "staff:nils", "{}")] * 3
    # An administrator's new PIN unlocks the login.
    assert run_cli("staff", "pin", "nils", db=staffed, env=ADMIN, input="5678\n").returncode == 0
    assert run_cli("availability", db=staffed, env=as_user("nils", "5678")).returncode == 0


def test_a_disabled_staff_member_is_refused_and_the_last_admin_is_kept(staffed: str) -> None:
    assert run_cli("staff", "disable", "nils", db=staffed, env=ADMIN).returncode == 0
    result = run_cli("availability", db=staffed, env=as_user("nils", "4444"))
    assert (result.returncode, result.stderr) == (1, "bedboard: nils is disabled\n")
    last = run_cli("staff", "disable", "ada", db=staffed, env=ADMIN)
    assert (last.returncode, last.stderr) == (
        1,
        "bedboard: ada is the last administrator; add another administrator first\n",
    )
    demote = run_cli("staff", "edit", "ada", "--role", "coordinator", db=staffed, env=ADMIN)
    assert demote.returncode == 1 and "last administrator" in demote.stderr
    assert rows(staffed, "SELECT role, active FROM staff WHERE login = 'ada'") == [("admin", 1)]
    enabled = run_cli("staff", "enable", "nils", db=staffed, env=ADMIN)
    assert (enabled.returncode, enabled.stdout) == (0, "nils is enabled again\n")
    assert run_cli("availability", db=staffed, env=as_user("nils", "4444")).returncode == 0
    again = run_cli("staff", "enable", "nils", db=staffed, env=ADMIN)
    assert (again.returncode, again.stderr) == (1, "bedboard: nils is not disabled\n")
    by_night = run_cli("staff", "enable", "ada", db=staffed, env=as_user("nils", "4444"))
    assert by_night.returncode == 1 and "nils (night staff) may not" in by_night.stderr


def test_a_night_worker_acts_only_at_their_sites(staffed: str) -> None:
    nils = as_user("nils", "4444")
    here = run_cli(*check_in("Hvilan/2", "X-1"), db=staffed, env=nils)
    assert here.returncode == 0, here.stderr
    assert rows(
        staffed, "SELECT actor FROM audit_log WHERE action = 'check_in' ORDER BY id DESC LIMIT 1"
    ) == [("nils",)]
    there = run_cli(*check_in("Familjen Berg/1", "X-2"), db=staffed, env=nils)
    assert there.returncode == 1
    assert there.stderr == (
        "bedboard: nils (night staff) may book, move or check out guests only at their own sites "
        "(Hvilan)\n"
    )
    export = run_cli("export", "occupancy", db=staffed, env=nils)
    assert (export.returncode, export.stdout) == (1, "")
    assert export.stderr == "bedboard: nils (night staff) may not export data\n"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["--role", "boss"],
            "1234\n",
            "no role 'boss'; roles are night, outreach, coordinator, admin",
        ),
        (["--role", "night"], "1234\n", "night staff work at named sites: give at least one site"),
        (["--role", "outreach"], "12\n", "a PIN must be 4 to 64 printable characters"),
        (["--role", "outreach"], "", "no PIN on standard input; nothing was changed"),
        (["--role", "outreach", "--site", "Nowhere"], "1234\n", "no site named 'Nowhere'"),
    ],
)
def test_bad_staff_input_is_one_line_and_adds_nobody(
    staffed: str, args: list[str], stdin: str, message: str
) -> None:
    result = run_cli("staff", "add", "eve", *args, db=staffed, env=ADMIN, input=stdin)
    assert result.returncode in (1, 2)
    assert result.stderr == f"bedboard: {message}\n"
    assert rows(staffed, "SELECT count(*) FROM staff WHERE login = 'eve'") == [(0,)]


def test_a_login_must_be_a_plain_lower_case_name(staffed: str) -> None:
    result = run_cli(
        "staff", "add", "Eve Smith", "--role", "outreach", db=staffed, env=ADMIN, input="1234\n"
    )
    assert result.returncode == 2
    assert "a login is 1 to 63 characters" in result.stderr

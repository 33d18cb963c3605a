"""The bad input of issue #12, each as a user meets it on SQLite (a separate `bedboard` process):
unknown staff, a wrong PIN, disabled staff, a night worker acting on another site, a role that
does not exist, an empty reason, a wrong passphrase, a plain file opened as encrypted and an
encrypted one opened as plain. Each is one line on stderr with exit 1 (a rule) or 2 (bad input),
changes nothing a person could notice, and shows no PIN, passphrase or guest name."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import run_cli

PINS = {"ada": "7391", "nils": "8402", "otto": "9513"}
KEY = "correct horse battery"
# What a refusal must never show: every PIN, the passphrase, and the demo guests' names.
SECRETS = (*PINS.values(), "9999", KEY, "wrong horse battery", "Demo person")
# A wrong PIN is counted (the backoff) and audited (pin_refused) on purpose: those tables may
# change. Everything a person at the desk sees stays as it was.
COUNTED = {"staff", "audit_log", "audit_anchor", "revision", "revision_changes"}


def as_user(login: str, pin: str | None = None) -> dict[str, str]:
    return {"BEDBOARD_USER": login, "BEDBOARD_PIN": pin if pin is not None else PINS[login]}


@pytest.fixture(scope="module")
def staffed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with an administrator, a night worker at Hvilan and a disabled outreach worker;
    built once, copied for each case."""
    db = tmp_path_factory.mktemp("staffed") / "b.sqlite3"
    assert run_cli("demo", db=str(db)).returncode == 0
    steps: list[tuple[tuple[str, ...], dict[str, str], str]] = [
        (("staff", "add", "ada", "--role", "admin"), {}, PINS["ada"]),
        (("staff", "add", "nils", "--role", "night", "--site", "Hvilan"), as_user("ada"), "8402"),
        (("staff", "add", "otto", "--role", "outreach"), as_user("ada"), PINS["otto"]),
        (("staff", "disable", "otto"), as_user("ada"), ""),
    ]
    for args, env, pin in steps:
        done = run_cli(*args, db=str(db), env=env, input=pin + "\n")
        assert done.returncode == 0, done.stderr
    return db


@pytest.fixture(scope="module")
def encrypted(staffed: Path) -> Path:
    db = staffed.with_name("encrypted.sqlite3")
    shutil.copy(staffed, db)
    done = run_cli("db", "encrypt", db=str(db), env={**as_user("ada"), "BEDBOARD_DB_KEY": KEY})
    assert done.returncode == 0, done.stderr
    return db


def contents(db: Path, *, skip: set[str]) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(db) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
            for t in tables
            if t not in skip
        }


def raw(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(db.parent.glob(db.name + "*")))


CHECKIN_BERG = ("checkin", "--unit", "Familjen Berg/2", "--guest", "G-990", "--nights", "1")
CHECKIN_HVILAN = ("checkin", "--unit", "Hvilan/3", "--guest", "G-991", "--nights", "1")

# (case, args, environment, exit code, a part of the one line)
CASES = [
    (
        "unknown staff",
        CHECKIN_HVILAN,
        as_user("nobody", "1234"),
        1,
        "unknown staff member or wrong PIN",
    ),
    ("wrong PIN", CHECKIN_HVILAN, as_user("nils", "9999"), 1, "unknown staff member or wrong PIN"),
    ("disabled staff", ("availability",), as_user("otto"), 1, "otto is disabled"),
    (
        "night worker at another site",
        CHECKIN_BERG,
        as_user("nils"),
        1,
        "nils (night staff) may book, move or check out guests only at their own sites (Hvilan)",
    ),
    (
        "a role that does not exist",
        ("staff", "add", "vera", "--role", "janitor"),
        as_user("ada"),
        2,
        "no role 'janitor'; roles are night, outreach, coordinator, admin",
    ),
    (
        "an empty reason",
        ("reveal", "--guest", "G-101", "--reason", "  "),
        as_user("ada"),
        2,
        "say why the name is needed",
    ),
    (
        "plain file opened as encrypted",
        ("availability",),
        {**as_user("ada"), "BEDBOARD_DB_KEY": KEY},
        1,
        "is not encrypted, but a passphrase was given",
    ),
]
ENCRYPTED_CASES = [
    (
        "wrong passphrase",
        ("availability",),
        {**as_user("ada"), "BEDBOARD_DB_KEY": "wrong horse battery"},
        1,
        "wrong passphrase for the encrypted database",
    ),
    (
        "encrypted file opened as plain",
        ("availability",),
        {**as_user("ada"), "BEDBOARD_DB_KEY": ""},
        1,
        "give its passphrase if it is",
    ),
]


def check_refusal(
    db: Path, args: tuple[str, ...], env: dict[str, str], code: int, part: str, *, skip: set[str]
) -> None:
    before = contents(db, skip=skip) if not skip >= {"*"} else raw(db)
    result = run_cli(*args, db=str(db), env=env, input=env.get("BEDBOARD_PIN", "") + "\n")
    assert (result.returncode, result.stdout) == (code, ""), result.stderr
    assert result.stderr.startswith("bedboard: ") and result.stderr.count("\n") == 1
    assert part in result.stderr
    assert "Traceback" not in result.stderr
    for secret in SECRETS:
        assert secret not in result.stderr, f"{secret!r} shown"
    after = contents(db, skip=skip) if not skip >= {"*"} else raw(db)
    assert after == before


# Every case on the staffed demo, then the passphrase cases on its encrypted copy.
WORLDS = [("staffed", case) for case in CASES] + [("encrypted", case) for case in ENCRYPTED_CASES]


@pytest.mark.parametrize(
    ("world", "args", "env", "code", "part"),
    [(world, *case[1:]) for world, case in WORLDS],
    ids=[case[0] for _, case in WORLDS],
)
def test_bad_input_is_one_line_and_changes_nothing(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    world: str,
    args: tuple[str, ...],
    env: dict[str, str],
    code: int,
    part: str,
) -> None:
    db = tmp_path / "b.sqlite3"
    shutil.copy(request.getfixturevalue(world), db)
    if world == "encrypted":
        # A wrong or missing passphrase changes no byte, and no guest's name is readable.
        check_refusal(db, args, env, code, part, skip={"*"})
        assert not any(s.encode() in raw(db) for s in ("G-101", "Demo person", "Hvilan"))
        return
    pin_cases = env.get("BEDBOARD_USER") == "nobody" or env.get("BEDBOARD_PIN") == "9999"
    check_refusal(db, args, env, code, part, skip=COUNTED if pin_cases else set())

"""Bad input to every billing command: exit code 1 (a rule refused) or 2 (bad usage or input),
one line on stderr, no traceback, and nothing in the database changed."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bedboard.config import Settings
from bedboard.db.models import (
    Adjustment,
    AuditEntry,
    BedNight,
    ClosedNight,
    Payer,
    Rate,
    Revision,
)
from bedboard.services.demo import load_demo
from bedboard.store import open_store
from tests.support.cli import CliRunner, run_cli

TONIGHT = dt.date.today() - dt.timedelta(days=1)  # the demo's nights are around it
PAST = str(TONIGHT - dt.timedelta(days=1))
FUTURE = str(TONIGHT + dt.timedelta(days=30))


def with_demo(db: str) -> str:
    store = open_store(Settings(db=db, user="t"))
    with store.write() as s:
        load_demo(s, tonight=TONIGHT, actor="t")
    store.close()
    return db


def snapshot(db: str) -> tuple[int, ...]:
    store = open_store(Settings(db=db, user="t"))
    try:
        with store.read() as s:
            tables = (Payer, Rate, BedNight, Adjustment, ClosedNight, AuditEntry)
            counts = tuple(s.scalar(select(func.count()).select_from(t)) or 0 for t in tables)
            payers = s.scalar(select(func.count()).where(Payer.active.is_(True))) or 0
            paid = s.scalar(select(func.count()).where(BedNight.payer_id.is_not(None))) or 0
            return (*counts, payers, paid, s.scalar(select(Revision.value)) or 0)
    finally:
        store.close()


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_bad_inputs_change_nothing(
    db_url: str,
    tmp_path: Path,
    cli_here: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BEDBOARD_USER", "t")
    db = with_demo(db_url)
    bad_payers = write(tmp_path / "p.csv", "name,kind\nA,police\nB,police\nC,bank\n")
    bad_rates = write(
        tmp_path / "r.csv",
        f"amount,valid_from,site_kind,site,payer\n450.00,{PAST},shelter,,\n"
        f"500.00,{PAST},,Nowhere,\n",
    )
    bad_amount = write(
        tmp_path / "r2.csv", f"amount,valid_from,site_kind,site,payer\n450.001,{PAST},shelter,,\n"
    )
    s = ("--site-kind", "shelter")
    cases: list[tuple[int, tuple[str, ...], str]] = [
        (2, ("payers", "add", "X", "--kind", "bank"), "bank"),
        (2, ("payers", "add", "X"), "--kind"),
        (2, ("payers", "add", " ", "--kind", "police"), "name"),
        (1, ("payers", "add", "Polisen", "--kind", "police"), "already exists"),
        (1, ("payers", "deactivate", "Nobody"), "no payer"),
        (1, ("payers", "edit", "Polisen", "--name", "Svea hovrätt"), "already exists"),
        (2, ("rates", "set", "--amount", "450.001", "--from", PAST, *s), "two decimals"),
        (2, ("rates", "set", "--amount", "-5", "--from", PAST, *s), "negative"),
        (2, ("rates", "set", "--amount", "1e3", "--from", PAST, *s), "not an amount"),
        (2, ("rates", "set", "--amount", "nan", "--from", PAST, *s), "not an amount"),
        (2, ("rates", "set", "--amount", "99999999999", "--from", PAST, *s), "too large"),
        (2, ("rates", "set", "--amount", "450", "--from", PAST), "exactly one"),
        (2, ("rates", "set", "--amount", "4", "--from", PAST, *s, "--site", "Hvilan"), "one"),
        (2, ("rates", "set", "--amount", "4", "--from", "2026-13-01", *s), "not a date"),
        (2, ("rates", "set", "--amount", "4", "--from", PAST, "--to", "2000-01-01", *s), "ends"),
        (1, ("rates", "set", "--amount", "4", "--from", PAST, "--site", "Nowhere"), "no site"),
        (1, ("pay", "--guest", "NOPE", "--payer", "Polisen", "--from", PAST), "no guest"),
        (1, ("pay", "--guest", "G-104", "--payer", "Nobody", "--from", PAST), "no payer"),
        (
            2,
            ("pay", "--guest", "G-104", "--payer", "Polisen", "--from", PAST, "--to", "2000-01-01"),
            "before",
        ),
        (1, ("close-night", "--night", FUTURE), "has not come"),
        (1, ("close-night", "--night", PAST, "--out-of-order"), "unbilled"),
        (1, ("close-night", "--night", PAST), "close the nights in order"),
        (
            2,
            ("adjust", "--guest", "G-101", "--night", PAST, "--amount", "0", "--reason", "x"),
            "0.00",
        ),
        (
            2,
            ("adjust", "--guest", "G-101", "--night", PAST, "--amount", "-1", "--reason", " "),
            "reason",
        ),
        (
            2,
            ("adjust", "--guest", "G-101", "--night", PAST, "--amount", "1,5.0", "--reason", "x"),
            "not an amount",
        ),
        (
            1,
            ("adjust", "--guest", "G-101", "--night", PAST, "--amount", "-1", "--reason", "x"),
            "not closed",
        ),
        (2, ("export", "billing", "--from", PAST, "--to", "2000-01-01"), "before"),
        (1, ("export", "billing", "--from", PAST, "--to", PAST, "--payer", "Nobody"), "no payer"),
        (2, ("import", "payers", bad_payers), "line 4"),
        (2, ("import", "rates", bad_rates), "line 3"),
        (2, ("import", "rates", bad_amount), "line 2"),
        (2, ("import", "rates", str(tmp_path / "missing.csv")), "cannot read"),
    ]
    before = snapshot(db)
    problems = []
    for code, args, needle in cases:
        exit_code, _, err = cli_here(*args, db=db)
        if exit_code != code or needle not in err or "\n" in err.strip():
            problems.append(f"{args}: exit {exit_code}, {err!r}")
    assert problems == []
    assert snapshot(db) == before


def test_each_command_refuses_as_a_process(sqlite_url: str, tmp_path: Path) -> None:
    db = with_demo(sqlite_url)
    bad = write(tmp_path / "p.csv", "name,kind\nA,police\nB,bank\n")
    cases: list[tuple[int, tuple[str, ...]]] = [
        (2, ("payers", "add", "X", "--kind", "bank")),
        (2, ("rates", "set", "--amount", "450.001", "--from", PAST, "--site-kind", "shelter")),
        (1, ("pay", "--guest", "NOPE", "--payer", "Polisen", "--from", PAST)),
        (1, ("close-night", "--night", PAST, "--out-of-order")),
        (2, ("adjust", "--guest", "G-101", "--night", PAST, "--amount", "x", "--reason", "x")),
        (2, ("import", "payers", bad)),
    ]
    before = snapshot(db)
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda c: run_cli(*c[1], db=db), cases))
    for (code, args), done in zip(cases, results, strict=True):
        assert done.returncode == code, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr
    assert snapshot(db) == before

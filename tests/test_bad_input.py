# ruff: noqa: E501  (the catalogue is a table: one case a line)
"""A catalogue of bad input: every case is refused with exit code 1 or 2 (or a clear message on
the board) in one line, and the database file is byte-for-byte the same afterwards.

The CLI cases run `bedboard`'s entry point in this process (the same code path as the program,
without a Python start-up per case); a few run as real processes too. The file is hashed after
every connection is closed, so SQLite has checkpointed and removed its WAL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bedboard.config import Settings
from bedboard.db.models import ClosedNight
from bedboard.services.beds import stays
from bedboard.store import open_store
from tests.support.cli import CliRunner, run_cli
from tests.support.seed import BASE_NIGHT, seed

STAY_FIRST = BASE_NIGHT + dt.timedelta(days=4)  # G-1 stays in Site1/1 for three nights
CLOSED = BASE_NIGHT - dt.timedelta(days=1)


def file_state(db: Path) -> str:
    """The database file's hash; a WAL left with content would be a change not yet in it."""
    wal = Path(f"{db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "a WAL is left with content"
    return hashlib.sha256(db.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("template") / "bedboard.sqlite3"
    store = open_store(Settings(db=str(db), user="seed"))
    with store.write() as session:
        seed(session, sites=2, units=3, guests={"G-NAMED": "Anna Secret"})
        session.add(ClosedNight(night=CLOSED, closed_at=dt.datetime(2030, 1, 1), closed_by="x"))
    with store.write() as session:
        stays.check_in(
            session, unit="Site1/1", guest_code="G-1", night=STAY_FIRST, nights_count=3, actor="s"
        )
    store.close()
    return db


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "db" / "bedboard.sqlite3"
    target.parent.mkdir(mode=0o700)
    shutil.copy2(template, target)
    return target


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


INVENTORY_HEADER = "site,site_kind,area,room,unit,tags\n"


@dataclass(frozen=True)
class Case:
    id: str
    args: list[str]
    code: int
    says: str
    files: dict[str, str | bytes] = field(default_factory=dict)  # name -> content, as {name}


S = STAY_FIRST.isoformat()
CASES = [
    # impossible and malformed dates
    Case("date-feb-30", ["checkin", "--unit", "Site1/2", "--guest", "G-9", "--night", "2030-02-30"], 2, "is not a date"),
    Case("date-month-13", ["checkin", "--unit", "Site1/2", "--guest", "G-9", "--night", "2030-13-01"], 2, "is not a date"),
    Case("date-words", ["checkin", "--unit", "Site1/2", "--guest", "G-9", "--night", "yesterday"], 2, "is not a date"),
    Case("date-empty", ["checkout", "--guest", "G-1", "--night", ""], 2, "is not a date"),
    Case("date-year-0", ["availability", "--night", "0000-01-01"], 2, "is not a date"),
    Case("date-year-5-digits", ["export", "occupancy", "--night", "99999-01-01"], 2, "is not a date"),
    Case("date-sql", ["availability", "--night", "2030-01-01' OR '1'='1"], 2, "is not a date"),
    Case("range-reversed-oos", ["out-of-service", "--unit", "Site1/2", "--from", "2030-01-09", "--to", "2030-01-02", "--reason", "x"], 2, "before it starts"),
    Case("range-reversed-billing", ["export", "billing", "--from", "2030-01-09", "--to", "2030-01-02"], 2, "before it starts"),
    Case("range-too-long-oos", ["out-of-service", "--unit", "Site1/2", "--from", "2030-01-01", "--to", "2035-01-01", "--reason", "x"], 2, "at most"),
    # check-out before check-in, and other stays that do not exist
    Case("checkout-never-checked-in", ["checkout", "--guest", "G-NAMED", "--night", S], 1, "has no nights"),
    Case("checkout-after-the-stay", ["checkout", "--guest", "G-1", "--night", "2030-02-01"], 1, "has no nights"),
    Case("checkout-unknown-guest", ["checkout", "--guest", "G-404", "--night", S], 1, "no guest"),
    Case("extend-nobody", ["extend", "--guest", "G-NAMED"], 1, "no stay to extend"),
    Case("move-nothing", ["move", "--guest", "G-NAMED", "--to", "Site1/2", "--night", S], 1, "no nights"),
    # unknown and malformed units
    Case("unit-unknown", ["checkin", "--unit", "Nowhere/1", "--guest", "G-9", "--night", S], 1, "no unit"),
    Case("unit-no-slash", ["checkin", "--unit", "Site1", "--guest", "G-9", "--night", S], 2, "SITE/UNIT"),
    Case("unit-no-site", ["hold", "--unit", "/1", "--night", S], 2, "SITE/UNIT"),
    Case("unit-no-label", ["hold", "--unit", "Site1/", "--night", S], 2, "SITE/UNIT"),
    Case("unit-sql", ["checkin", "--unit", "Site1/1' OR '1'='1", "--guest", "G-9", "--night", S], 1, "no unit"),
    Case("move-to-unknown", ["move", "--guest", "G-1", "--to", "Site9/9", "--night", S], 1, "no unit"),
    Case("unit-taken", ["checkin", "--unit", "Site1/1", "--guest", "G-9", "--night", S], 1, "is taken"),
    Case("closed-night", ["checkin", "--unit", "Site1/2", "--guest", "G-9", "--night", CLOSED.isoformat()], 1, "is closed"),
    # negative, zero and huge numbers
    Case("nights-zero", ["checkin", "--unit", "Site1/2", "--guest", "G-9", "--night", S, "--nights", "0"], 2, "1<=x<=366"),
    Case("nights-negative", ["checkin", "--unit", "Site1/2", "--guest", "G-9", "--night", S, "--nights", "-3"], 2, "1<=x<=366"),
    Case("nights-huge", ["checkin", "--unit", "Site1/2", "--guest", "G-9", "--night", S, "--nights", "99999999999999999999"], 2, "1<=x<=366"),
    Case("nights-not-a-number", ["extend", "--guest", "G-1", "--nights", "three"], 2, "not a valid integer"),
    Case("nights-past-the-calendar", ["checkin", "--unit", "Site1/2", "--guest", "G-9", "--night", "9999-12-30", "--nights", "5"], 2, "calendar"),
    Case("hold-minutes-zero", ["hold", "--unit", "Site1/2", "--night", S, "--minutes", "0"], 2, "minutes"),
    Case("hold-minutes-huge", ["hold", "--unit", "Site1/2", "--night", S, "--minutes", "10000000"], 2, "minutes"),
    Case("hold-id-huge", ["cancel-hold", "99999999999999999999999"], 2, "HOLD_ID"),
    Case("hold-id-unknown", ["cancel-hold", "424242"], 1, "no hold"),
    Case("amount-negative-rate", ["rates", "set", "--amount", "-450.00", "--from", S, "--site-kind", "shelter"], 2, "amount"),
    Case("amount-huge", ["rates", "set", "--amount", "99999999999999999999.00", "--from", S, "--site-kind", "shelter"], 2, "amount"),
    Case("amount-exponent", ["rates", "set", "--amount", "1e309", "--from", S, "--site-kind", "shelter"], 2, "amount"),
    Case("amount-three-decimals", ["adjust", "--guest", "G-1", "--night", S, "--amount", "-4.505", "--reason", "x"], 2, "amount"),
    # the guest record at intake
    Case("guest-code-exists", ["guests", "add", "G-1"], 1, "already exists"),
    Case("guest-birth-year-future", ["guests", "add", "--birth-year", "2999"], 2, "in the future"),
    Case("guest-birth-year-ancient", ["guests", "add", "--birth-year", "1066"], 2, "before 1900"),
    Case("guest-name-emoji", ["guests", "add", "--name", "Anna \U0001f600"], 2, "GRINNING FACE"),
    Case("guest-name-rtl-override", ["guests", "add", "--name", "\u202eanna"], 2, "RIGHT-TO-LEFT OVERRIDE"),
    Case("guest-name-newline", ["guests", "add", "--name", "Anna\nBerg"], 2, "letters, digits"),
    Case("guest-name-empty", ["guests", "add", "--name", "  "], 2, "cannot be empty"),
    Case("guest-unknown-need", ["guests", "add", "--needs", "women_only,pets"], 2, "unknown need 'pets'"),
    Case("guest-bad-language", ["guests", "add", "--languages", "sv,swedish"], 2, "two- or three-letter"),
    Case("guest-bad-gender", ["guests", "add", "--gender", "female"], 2, "woman"),
    Case("guest-edit-unknown", ["guests", "edit", "G-404", "--gender", "man"], 1, "no guest"),
    Case("guest-edit-nothing", ["guests", "edit", "G-1"], 2, "nothing to change"),
    Case("guest-show-unknown", ["guests", "show", "G-404"], 1, "no guest"),
    Case("household-unknown", ["guests", "list", "--household", "H-404"], 1, "no household"),
    Case("avoid-unknown-site", ["guests", "avoid", "G-1", "--site", "Nowhere"], 1, "no site named 'Nowhere'"),
    Case("avoid-unknown-area", ["guests", "avoid", "G-1", "--area", "Atlantis"], 1, "no site is in an area"),
    Case("avoid-unknown-guest", ["guests", "avoid", "G-1", "--guest", "G-404"], 1, "no guest"),
    Case("avoid-self", ["guests", "avoid", "G-1", "--guest", "G-1"], 2, "themselves"),
    Case("avoid-two-targets", ["guests", "avoid", "G-1", "--site", "Site1", "--guest", "G-NAMED"], 2, "exactly one"),
    Case("avoid-list-without-reason", ["guests", "avoid", "G-1", "--list"], 2, "--reason"),
    # names and codes with quotes, newlines, emoji, right-to-left marks, SQL
    Case("code-empty", ["checkin", "--unit", "Site1/2", "--guest", "", "--night", S], 2, "guest code"),
    Case("code-spaces", ["checkin", "--unit", "Site1/2", "--guest", "   ", "--night", S], 2, "guest code"),
    Case("code-newline", ["checkin", "--unit", "Site1/2", "--guest", "G\n1", "--night", S], 2, "guest code"),
    Case("code-tab", ["checkin", "--unit", "Site1/2", "--guest", "G\t1", "--night", S], 2, "guest code"),
    Case("code-rtl-override", ["checkin", "--unit", "Site1/2", "--guest", "\u202eG-1", "--night", S], 2, "guest code"),
    Case("code-zero-width", ["checkin", "--unit", "Site1/2", "--guest", "G\u200b1", "--night", S], 2, "guest code"),
    Case("code-too-long", ["checkin", "--unit", "Site1/2", "--guest", "G" * 101, "--night", S], 2, "guest code"),
    Case("code-emoji-unknown", ["checkout", "--guest", "🛏️😀", "--night", S], 1, "no guest"),
    Case("code-arabic-unknown", ["extend", "--guest", "ضيف-١"], 1, "no guest"),
    Case("code-sql-unknown", ["checkout", "--guest", "G-1'; DROP TABLE guests; --", "--night", S], 1, "no guest"),
    Case("code-quotes-forget", ["forget", "--guest", '"G-1"'], 1, "no guest"),
    Case("reference-newline", ["checkin", "--unit", "Site1/2", "--guest", "G-9", "--night", S, "--reference", "K-1\nK-2"], 2, "reference"),
    Case("hold-for-control", ["hold", "--unit", "Site1/2", "--night", S, "--for", "bell\a"], 2, "printable"),
    Case("hold-for-too-long", ["hold", "--unit", "Site1/2", "--night", S, "--for", "x" * 301], 2, "printable"),
    Case("payer-unknown", ["checkin", "--unit", "Site1/2", "--guest", "G-9", "--night", S, "--payer", "Robert'); --"], 1, "no payer"),
    Case("payer-kind-unknown", ["payers", "add", "Ambassad", "--kind", "king"], 2, "king"),
    # usage
    Case("unknown-command", ["checkinn"], 2, "No such command"),
    Case("unknown-option", ["checkin", "--unit", "Site1/2", "--guest", "G-9", "--room", "2"], 2, "No such option"),
    Case("history-both", ["audit", "history", "--unit", "Site1/1", "--guest", "G-1"], 2, "exactly one"),
    Case("with-names-summary", ["export", "occupancy", "--night", S, "--summary", "--with-names"], 2, "--with-names"),
    # import files
    Case("import-missing", ["import", "inventory", "{dir}/missing.csv"], 2, "cannot read"),
    Case("import-directory", ["import", "inventory", "{dir}"], 2, "directory"),
    Case("import-empty", ["import", "inventory", "{empty.csv}"], 2, "empty", {"empty.csv": ""}),
    Case("import-not-utf8", ["import", "inventory", "{latin1.csv}"], 2, "UTF-8", {"latin1.csv": (INVENTORY_HEADER + "Hälsa,shelter,Täby,1,1,\n").encode("latin-1")}),
    Case("import-binary", ["import", "inventory", "{bin.csv}"], 2, "", {"bin.csv": b"\x00\x01\x02SQLite format 3\x00" * 20}),
    Case("import-missing-column", ["import", "inventory", "{cols.csv}"], 2, "missing column", {"cols.csv": "site,unit\nA,1\n"}),
    Case("import-bad-kind", ["import", "inventory", "{kind.csv}"], 2, "line 2", {"kind.csv": INVENTORY_HEADER + "A,castle,Solna,1,1,\n"}),
    Case("import-slash-label", ["import", "inventory", "{slash.csv}"], 2, "line 2", {"slash.csv": INVENTORY_HEADER + "A,shelter,Solna,1,1/2,\n"}),
    Case("import-newline-site", ["import", "inventory", "{nl.csv}"], 2, "printable", {"nl.csv": INVENTORY_HEADER + '"A\nB",shelter,Solna,1,1,\n'}),
    Case("import-duplicate-unit", ["import", "inventory", "{dup.csv}"], 2, "line 3", {"dup.csv": INVENTORY_HEADER + "A,shelter,Solna,1,1,\nA,shelter,Solna,1,1,\n"}),
    Case("import-bad-tag", ["import", "inventory", "{tag.csv}"], 2, "tag", {"tag.csv": INVENTORY_HEADER + "A,shelter,Solna,1,1,=cmd()\n"}),
    Case("import-ragged-row", ["import", "inventory", "{ragged.csv}"], 2, "cells", {"ragged.csv": INVENTORY_HEADER + "A,shelter\n"}),
    Case("import-later-line-bad", ["import", "inventory", "{late.csv}"], 2, "line 4", {"late.csv": INVENTORY_HEADER + "A,shelter,Solna,1,1,\nA,shelter,Solna,1,2,\nA,shelter,Solna,1,,\n"}),
    Case("import-payers-bad-kind", ["import", "payers", "{payers.csv}"], 2, "line 2", {"payers.csv": "name,kind\nPolisen Syd,sheriff\n"}),
    Case("import-rates-negative", ["import", "rates", "{rates.csv}"], 2, "line 2", {"rates.csv": "amount,currency,valid_from,valid_to,site_kind,site,payer\n-1.00,SEK,2030-01-01,,shelter,,\n"}),
    # paths that cannot be written
    Case("export-into-missing-dir", ["export", "occupancy", "--night", S, "--out", "{dir}/no/such/x.csv"], 2, "does not exist"),
    Case("export-onto-a-directory", ["export", "occupancy", "--night", S, "--out", "{dir}"], 2, "is a folder"),
    Case("backup-into-missing-dir", ["backup", "{dir}/no/such/b.sqlite3"], 1, "cannot write the backup"),
    Case("backup-onto-itself", ["backup", "{db}"], 2, "database itself"),
    Case("restore-text-file", ["restore", "{notes.txt}"], 2, "not an SQLite", {"notes.txt": "hello\n"}),
]  # fmt: skip


def expand(args: list[str], db: Path, files: dict[str, Path]) -> list[str]:
    out = []
    for arg in args:
        arg = arg.replace("{dir}", str(db.parent.parent)).replace("{db}", str(db))
        for name, path in files.items():
            arg = arg.replace("{" + name + "}", str(path))
        out.append(arg)
    return out


def test_the_catalogue_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_cli_input_is_refused_and_changes_nothing(
    case: Case, db: Path, cli_here: CliRunner
) -> None:
    files = {name: write(db.parent.parent / name, body) for name, body in case.files.items()}
    before = file_state(db)
    code, _, err = cli_here(*expand(case.args, db, files), db=db)
    assert code == case.code, err
    assert err.startswith("bedboard: ") and len(err.strip().splitlines()) == 1, err
    assert case.says in err
    assert "Traceback" not in err and "Anna Secret" not in err
    assert file_state(db) == before


def test_real_processes_refuse_the_same_way(db: Path) -> None:
    """A few of the catalogue through `python -m bedboard`, as a user runs it."""
    before = file_state(db)
    for args, code, says in (
        (["checkin", "--unit", "Site1/2", "--guest", "G-9", "--night", "2030-02-30"], 2, "date"),
        (["checkin", "--unit", "Nowhere/1", "--guest", "G-9", "--night", S], 1, "no unit"),
        (["checkout", "--guest", "☃\u202e'\"", "--night", S], 1, "no guest"),
    ):
        result = run_cli(*args, db=str(db))
        assert result.returncode == code, result.stderr
        assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert file_state(db) == before


# Databases that cannot be used ------------------------------------------------------------


def test_a_database_from_a_newer_bedboard_is_refused(db: Path, cli_here: CliRunner) -> None:
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff_newer'")
        conn.commit()
    before = file_state(db)
    for args in (
        ["availability"],
        ["checkin", "--unit", "Site1/2", "--guest", "G-9"],
        ["db", "upgrade"],
    ):
        code, _, err = cli_here(*args, db=db)
        assert code == 1 and "newer bedboard" in err, err
    assert file_state(db) == before


def test_a_file_that_is_not_a_database_is_left_alone(tmp_path: Path, cli_here: CliRunner) -> None:
    notes = write(tmp_path / "notes.sqlite3", "my notes, not a database\n" * 50)
    before = hashlib.sha256(notes.read_bytes()).hexdigest()
    code, _, err = cli_here("checkin", "--unit", "Site1/2", "--guest", "G-9", db=notes)
    assert code == 1 and "not a database" in err
    assert hashlib.sha256(notes.read_bytes()).hexdigest() == before


def test_a_read_only_disk(
    db: Path, small_mount: Callable[[str], Path], cli_here: CliRunner
) -> None:
    point = small_mount("size=2m,mode=0700")
    shutil.copy2(db, point / "bedboard.sqlite3")
    ro_db = point / "bedboard.sqlite3"
    subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)
    before = file_state(ro_db)
    for args in (
        ["checkin", "--unit", "Site1/2", "--guest", "G-9", "--night", S],
        ["forget", "--guest", "G-NAMED"],
        ["restore", str(db)],
    ):
        code, _, err = cli_here(*args, db=ro_db)
        assert code == 1, err
        assert err.startswith("bedboard: ") and len(err.strip().splitlines()) == 1
        assert "read-only" in err.lower(), err
    # Reading works (the database is opened read-only); the file asked for cannot be written.
    code, _, err = cli_here("export", "occupancy", "--night", S, "--out", str(point / "x.csv"),
                            db=ro_db)  # fmt: skip
    assert code == 2 and len(err.strip().splitlines()) == 1 and "x.csv" in err, err
    assert file_state(ro_db) == before


def test_a_full_disk(db: Path, small_mount: Callable[[str], Path], cli_here: CliRunner) -> None:
    point = small_mount("size=1m,mode=0700")
    full_db = point / "bedboard.sqlite3"
    shutil.copy2(db, full_db)
    with closing(sqlite3.connect(full_db)) as conn:  # make the -shm exist before the disk fills
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        with closing(sqlite3.connect(full_db)) as keep_open:
            keep_open.execute("SELECT 1").fetchone()
            fd = os.open(point / "filler", os.O_CREAT | os.O_WRONLY, 0o600)
            try:
                while os.write(fd, b"\0" * 4096):
                    pass
            except OSError:
                pass  # the disk is full
            finally:
                os.close(fd)
    before = file_state(full_db)
    code, _, err = cli_here(
        "checkin",
        "--unit",
        "Site1/2",
        "--guest",
        "G-FULL",
        "--night",
        S,
        "--nights",
        "366",
        db=full_db,
    )
    assert code == 1, err
    assert err.startswith("bedboard: ") and len(err.strip().splitlines()) == 1
    assert "full" in err or "disk" in err or "space" in err, err
    code, _, err = cli_here("backup", str(point / "copy.sqlite3"), db=full_db)
    assert code == 1 and "cannot write the backup" in err, err
    assert sorted(p.name for p in point.iterdir()) == ["bedboard.sqlite3", "filler"]
    assert file_state(full_db) == before


# The board's forms --------------------------------------------------------------------------


@dataclass(frozen=True)
class FormCase:
    id: str
    unit: str | None  # the unit to select first, if any
    key: str  # the key that opens the form
    values: dict[str, str]  # field name -> text typed
    says: str  # in the form's error line, or in the "Refused" message


TOO_LONG_CODE = "G" * 101
BOARD_CASES = [
    FormCase("checkin-nights-zero", "Hvilan/3", "c", {"guest": "G-700", "nights": "0"}, "Nights must be from 1 to 366"),
    FormCase("checkin-nights-negative", "Hvilan/3", "c", {"guest": "G-700", "nights": "-3"}, "Nights must be from 1 to 366"),
    FormCase("checkin-nights-huge", "Hvilan/3", "c", {"guest": "G-700", "nights": "99999999999999999999"}, "Nights must be from 1 to 366"),
    FormCase("checkin-code-rtl", "Hvilan/3", "c", {"guest": "\u202eG-700"}, "guest code"),
    FormCase("checkin-code-too-long", "Hvilan/3", "c", {"guest": TOO_LONG_CODE}, "guest code"),
    FormCase("checkin-reference-bell", "Hvilan/3", "c", {"guest": "G-700", "reference": "K\a1"}, "reference"),
    FormCase("extend-zero", "Hvilan/1", "e", {"extra": "0"}, "Extra nights must be from 1"),
    FormCase("move-impossible-date", "Hvilan/1", "m", {"to": "Hvilan/3", "from_night": "2026-02-30"}, "is not a date"),
    FormCase("hold-for-too-long", "Hvilan/3", "h", {"held_for": "x" * 301}, "printable"),
    FormCase("hold-minutes-huge", "Hvilan/3", "h", {"minutes": "100000"}, "Minutes must be from 1"),
    FormCase("go-to-impossible-date", None, "d", {"night": "2026-13-45"}, "is not a date"),
]  # fmt: skip


@pytest.mark.parametrize("case", BOARD_CASES, ids=[c.id for c in BOARD_CASES])
async def test_bad_board_input_is_refused_and_changes_nothing(case: FormCase, db: Path) -> None:
    from textual.widgets import Input, Label, Select

    from bedboard.ui.screens.form import FormScreen
    from tests.support.board import demo_at_frozen_time, notes, opened, select_unit, wait_until
    from tests.support.stores import store_at

    demo_db = db.parent / "demo.sqlite3"
    with store_at(str(demo_db), "night-staff") as store:
        demo_at_frozen_time(store)
    before = file_state(demo_db)
    with store_at(str(demo_db), "night-staff") as store:
        async with opened(store) as (app, pilot, board):
            if case.unit:
                await select_unit(pilot, board, case.unit)
            await pilot.press(case.key)
            assert await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
            form = app.screen
            for name, value in case.values.items():
                widget = form.query_one(f"#field-{name}")
                assert isinstance(widget, Input | Select)
                widget.value = value
            await pilot.press("ctrl+s")

            def said() -> str:
                if app.screen is form:
                    return str(form.query_one("#form-error", Label).render())
                return " ".join(n for n in notes(app) if "Refused" in n)

            assert await wait_until(pilot, lambda: case.says in said()), said()
            assert "Traceback" not in said() and "unexpected" not in said()
    assert file_state(demo_db) == before

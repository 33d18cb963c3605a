"""Small command-line defects of issue 13 items 8 and 9: a night more than a year from today is
refused unless --far; a database URL of an unsupported kind says so; a reader that stops early
(`| head`) is a normal end."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import REPO, CliRunner, in_process, run_cli


@pytest.fixture
def cli_here(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("BEDBOARD_FAR", raising=False)
    return in_process(capsys)


@pytest.fixture(scope="module")
def shared_demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One demo database for the refusals, which change nothing."""
    db = str(tmp_path_factory.mktemp("far") / "demo.sqlite3")
    assert run_cli("demo", db=db).returncode == 0
    return db


@pytest.fixture
def demo_db(tmp_path: Path) -> str:
    db = str(tmp_path / "demo.sqlite3")
    assert run_cli("demo", db=db).returncode == 0
    return db


@pytest.mark.parametrize("night", ["2020-11-27", "2062-11-27", "9999-12-31"])
@pytest.mark.parametrize(
    "command",
    [
        ["checkin", "--unit", "Hvilan/5", "--guest", "G-900", "--night"],
        ["hold", "--unit", "Hvilan/5", "--night"],
        ["checkout", "--guest", "G-101", "--night"],
        ["move", "--guest", "G-101", "--to", "Hvilan/5", "--night"],
        ["close-night", "--night"],
        ["availability", "--night"],
        ["export", "occupancy", "--night"],
        ["out-of-service", "--unit", "Hvilan/5", "--to", "2026-12-01", "--reason", "x", "--from"],
    ],
)
def test_a_night_more_than_a_year_away_needs_far(
    cli_here: CliRunner, shared_demo: str, command: list[str], night: str
) -> None:
    done = cli_here(*command, night, db=shared_demo)
    assert done.returncode == 2, done
    assert f"{night} is more than a year from today; if that is meant, add --far" in done.stderr
    assert done.stdout == ""


def test_far_lets_it_through_before_or_after_the_night(cli_here: CliRunner, demo_db: str) -> None:
    far = (dt.date.today() + dt.timedelta(days=800)).isoformat()
    near = (dt.date.today() + dt.timedelta(days=300)).isoformat()
    assert (
        cli_here(
            "checkin", "--unit", "Hvilan/5", "--guest", "G-900", "--night", near, db=demo_db
        ).returncode
        == 0
    )
    first = cli_here(
        "checkin", "--unit", "Hvilan/5", "--guest", "G-901", "--night", far, "--far", db=demo_db
    )
    assert first.returncode == 0, first.stderr
    second = cli_here("--far", "hold", "--unit", "Hvilan/6", "--night", far, db=demo_db)
    assert second.returncode == 0, second.stderr


@pytest.mark.parametrize(
    "url", ["mysql://anna:s3cret@db.example/beds", "mysql+pymysql://x@h/db", "oracle://h/db"]
)
def test_an_unsupported_database_url_says_so(cli_here: CliRunner, url: str) -> None:
    """It said to install the postgres extra, which would not help."""
    done = cli_here("availability", db=url)
    assert done.returncode == 2
    scheme = url.split("://")[0]
    assert f"database URLs starting {scheme}:// are not supported" in done.stderr
    assert "pip install" not in done.stderr and "s3cret" not in done.stderr


def test_a_reader_that_stops_early_is_a_normal_end(tmp_path: Path) -> None:
    """`bedboard export inventory | head -1` exited 1 (click's own handling of a broken pipe)."""
    units = tmp_path / "units.csv"
    units.write_text(
        "site,site_kind,area,room,unit,tags\n"
        + "".join(f"Site{i // 10},shelter,Area,1,{i % 10},women_only\n" for i in range(3000)),
        encoding="utf-8",
    )
    db = str(tmp_path / "big.sqlite3")
    assert run_cli("import", "inventory", str(units), db=db).returncode == 0
    env = {**os.environ, "PYTHONPATH": str(REPO), "BEDBOARD_DB": db}
    process = subprocess.Popen(
        [sys.executable, "-m", "bedboard", "export", "inventory"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=REPO,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith(b"site,site_kind")
    process.stdout.close()  # like head after its one line
    code = process.wait(timeout=60)
    error = process.stderr.read().decode()
    assert (code, error) == (0, "")

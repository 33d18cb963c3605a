"""The command line as a user runs it (a separate process): exit codes 0/1/2, errors as one line
on stderr with no traceback, the occupancy CSV and JSON contracts, --db/--user after the
subcommand, and the demo world."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bedboard.config import Settings
from bedboard.db.models import AuditEntry, AvoidRule, BedNight, Guest, Household, Payer, Site, Unit
from bedboard.services.beds import out_of_service, stays
from bedboard.services.exports.occupancy import OCCUPANCY_COLUMNS, OCCUPANCY_SUMMARY_COLUMNS
from bedboard.store import Store, open_store
from tests.support.booking import book
from tests.support.cli import run_cli
from tests.support.rules_world import NIGHT, NOW, build_world, night, table_contents

DESIGN_OCCUPANCY_HEADER = (
    "night,site,site_kind,area,room,unit,status,guest_code,stay_id,payer,payer_reference,rate,"
    "currency,posted"
)
DESIGN_SUMMARY_HEADER = (
    "night,site,site_kind,area,capacity,occupied,held,free,out_of_service,occupancy_rate"
)
D = NIGHT.isoformat()


def assert_refused(result: subprocess.CompletedProcess[str], code: int, *words: str) -> str:
    """Exit `code`, one line on stderr naming the problem, nothing on stdout, no traceback."""
    assert result.returncode == code, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("bedboard: ")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    for word in words:
        assert word in lines[0]
    return lines[0]


@pytest.fixture
def world(store: Store) -> Store:
    """The rules world, with G-1 in Hvilan/1 (police paid) and G-2 in Familjen Berg/1 (no payer)
    on NIGHT, Hvilan/2 held and Hvilan/3 out of service; then the store is closed for the CLI."""
    build_world(store)

    with store.write() as s:
        book(s, "Hvilan/1", "G-1", NIGHT, 2, payer="Polisen", reference="=K-1", now=NOW)
        stays.check_in(s, unit="Familjen Berg/1", guest_code="G-2", night=NIGHT, actor="t", now=NOW)
        out_of_service.mark_out_of_service(
            s, unit="Hvilan/3", first=NIGHT, last=NIGHT, reason="paint", actor="t"
        )
    return store


def test_rule_refusals_exit_1_and_change_nothing(world: Store) -> None:
    db = world.settings.db
    before = table_contents(world)
    taken = run_cli("checkin", "--unit", "Hvilan/1", "--guest", "G-9", "--night", D, db=db)
    assert_refused(taken, 1, "Hvilan/1 is taken", D)
    unknown_unit = run_cli("checkin", "--unit", "Hvilan/42", "--guest", "G-9", "--night", D, db=db)
    assert_refused(unknown_unit, 1, "no unit 'Hvilan/42'")
    unknown_guest = run_cli("checkout", "--guest", "G-404", "--night", D, db=db)
    assert_refused(unknown_guest, 1, "no guest with code 'G-404'")
    assert table_contents(world) == before


def test_checkin_checkout_and_hold_succeed_with_exit_0(world: Store) -> None:
    db = world.settings.db
    ok = run_cli(
        "checkin",
        "--unit",
        "Hvilan/2",
        "--guest",
        "G-3",
        "--night",
        night(1).isoformat(),
        "--nights",
        "3",
        "--payer",
        "Svea hovrätt",
        "--reference",
        "B 1-26",
        db=db,
    )
    assert ok.returncode == 0, ok.stderr
    assert "checked in G-3 to Hvilan/2" in ok.stdout and ok.stderr == ""
    out = run_cli("checkout", "--guest", "G-3", "--night", night(3).isoformat(), db=db)
    assert out.returncode == 0, out.stderr
    held = run_cli("hold", "--unit", "Familjen Berg/2", "--night", D, "--for", "on her way", db=db)
    assert held.returncode == 0, held.stderr
    with world.read() as s:
        g3 = s.execute(
            select(BedNight.night, BedNight.payer_reference)
            .join(Guest, Guest.id == BedNight.guest_id)
            .where(Guest.code == "G-3")
            .order_by(BedNight.night)
        ).all()
        assert g3 == [(night(1), "B 1-26"), (night(2), "B 1-26")]
        assert s.scalar(select(func.count()).where(BedNight.state == "held")) == 1


def test_bad_usage_exits_2(sqlite_url: str, tmp_path: Path) -> None:
    open_store(Settings(db=sqlite_url, user="tester")).close()  # commands refuse a missing file
    bad_date = run_cli(
        "checkin", "--unit", "Hvilan/1", "--guest", "G-1", "--night", "2026-13-01", db=sqlite_url
    )
    assert_refused(bad_date, 2, "--night", "2026-13-01")
    unknown_option = run_cli("availability", "--colour", db=sqlite_url)
    assert_refused(unknown_option, 2, "--colour")
    bad_unit = run_cli("checkin", "--unit", "Hvilan-1", "--guest", "G-1", db=sqlite_url)
    assert_refused(bad_unit, 2, "SITE/UNIT")
    malformed = tmp_path / "units.csv"
    malformed.write_text(
        "site,site_kind,area,room,unit,tags\nHvilan,shelter,Stockholm,1,1,\nX,hotel,Solna,,1,\n",
        encoding="utf-8",
    )
    refused = run_cli("import", "inventory", str(malformed), db=sqlite_url)
    assert_refused(refused, 2, "line 3", "hotel")
    unknown_command = run_cli("frobnicate", db=sqlite_url)
    assert_refused(unknown_command, 2, "frobnicate")


def test_debug_shows_the_traceback(sqlite_url: str) -> None:
    open_store(Settings(db=sqlite_url, user="tester")).close()
    result = run_cli("checkin", "--unit", "Hvilan/1", "--guest", "G-1", "--debug", db=sqlite_url)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "NotFound" in result.stderr


def test_export_occupancy_csv(world: Store, tmp_path: Path) -> None:
    result = run_cli("export", "occupancy", "--night", D, db=world.settings.db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == DESIGN_OCCUPANCY_HEADER
    assert ",".join(OCCUPANCY_COLUMNS) == DESIGN_OCCUPANCY_HEADER
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["site"], r["unit"], r["status"]) for r in rows] == [
        ("Hvilan", "1", "occupied"),
        ("Hvilan", "2", "free"),
        ("Hvilan", "3", "out_of_service"),
        ("Familjen Berg", "1", "occupied"),
        ("Familjen Berg", "2", "free"),
    ]
    g1 = rows[0]
    assert g1["night"] == D and g1["site_kind"] == "shelter" and g1["area"] == "Stockholm"
    assert (g1["guest_code"], g1["payer"], g1["payer_reference"]) == ("G-1", "Polisen", "'=K-1")
    assert g1["stay_id"].isdigit() and g1["posted"] == "false"
    assert (rows[3]["guest_code"], rows[3]["payer"]) == ("G-2", "")  # unbilled: empty payer
    assert rows[1]["guest_code"] == rows[1]["stay_id"] == ""

    out = tmp_path / "occupancy.csv"
    to_file = run_cli(
        "export", "occupancy", "--night", D, "--out", str(out), "--excel", db=world.settings.db
    )
    assert to_file.returncode == 0, to_file.stderr
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode())
    assert raw.decode("utf-8-sig").replace("\r\n", "\n") == result.stdout.replace("\r\n", "\n")


def test_export_occupancy_summary(world: Store) -> None:
    result = run_cli(
        "export",
        "occupancy",
        "--night",
        D,
        "--summary",
        "--db",
        world.settings.db,
        db="/nonexistent/ignored.sqlite3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == DESIGN_SUMMARY_HEADER
    assert ",".join(OCCUPANCY_SUMMARY_COLUMNS) == DESIGN_SUMMARY_HEADER
    rows = {r["site"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert set(rows) == {"Hvilan", "Familjen Berg"}
    hv = rows["Hvilan"]
    assert [
        hv[c]
        for c in (
            "night",
            "site_kind",
            "area",
            "capacity",
            "occupied",
            "held",
            "free",
            "out_of_service",
        )
    ] == [D, "shelter", "Stockholm", "3", "1", "0", "1", "1"]
    assert float(hv["occupancy_rate"]) == pytest.approx(0.5, abs=0.01)
    fb = rows["Familjen Berg"]
    assert (fb["capacity"], fb["occupied"], fb["free"]) == ("2", "1", "1")


def test_availability_json(world: Store) -> None:
    result = run_cli("availability", "--night", D, "--json", db=world.settings.db)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"night", "units"} and payload["night"] == D
    assert len(payload["units"]) == 5
    for unit in payload["units"]:
        assert list(unit) == list(OCCUPANCY_COLUMNS)
    g1 = payload["units"][0]
    assert (g1["site"], g1["unit"], g1["status"], g1["guest_code"]) == (
        "Hvilan",
        "1",
        "occupied",
        "G-1",
    )
    assert isinstance(g1["stay_id"], int) and g1["posted"] is False
    assert g1["payer_reference"] == "=K-1"  # JSON is not a spreadsheet: nothing neutralised
    assert [u["status"] for u in payload["units"]].count("free") == 2


def test_db_and_user_after_the_subcommand_name(world: Store, tmp_path: Path) -> None:
    elsewhere = str(tmp_path / "not-this-one.sqlite3")
    result = run_cli(
        "checkin",
        "--unit",
        "Hvilan/2",
        "--guest",
        "G-5",
        "--night",
        D,
        "--db",
        world.settings.db,
        "--user",
        "nattpersonal",
        db=elsewhere,
    )
    assert result.returncode == 0, result.stderr
    before = run_cli(
        "--db",
        world.settings.db,
        "--user",
        "morgon",
        "checkout",
        "--guest",
        "G-5",
        "--night",
        D,
        db=elsewhere,
    )
    assert before.returncode == 0, before.stderr
    with world.read() as s:
        actors = s.execute(
            select(AuditEntry.action, AuditEntry.actor).order_by(AuditEntry.id.desc()).limit(2)
        ).all()
    assert actors == [("check_out", "morgon"), ("check_in", "nattpersonal")]
    assert not Path(elsewhere).exists()


def test_demo_loads_the_world_once(db_url: str) -> None:
    first = run_cli("demo", db=db_url)
    assert first.returncode == 0, first.stderr
    again = run_cli("demo", db=db_url)
    assert_refused(again, 1, "already has sites")

    from bedboard.config import Settings
    from bedboard.store import open_store

    store = open_store(Settings(db=db_url, user="t"))
    try:
        with store.read() as s:
            sites = s.execute(
                select(Site.name, Site.kind, func.count(Unit.id), func.max(Unit.tags))
                .join(Unit, Unit.site_id == Site.id)
                .group_by(Site.id, Site.name, Site.kind)
            ).all()
            shelters = [r for r in sites if r.kind == "shelter"]
            families = [r for r in sites if r.kind == "host_family"]
            womens = [r for r in shelters if "women_only" in r[3] and 15 <= r[2] <= 25]
            assert len(womens) >= 1 and len(shelters) == 4
            with_children = [r for r in shelters if r[3] == "women_only;children_ok"]
            assert [r[0] for r in with_children] == ["Kvinnohuset Maria"]
            assert len(families) == 4 and all(1 <= r[2] <= 3 for r in families)
            kinds = set(s.scalars(select(Payer.kind)))
            expected = {"police", "court", "social_services", "migration_agency", "embassy", "own"}
            assert expected <= kinds
            occupied = s.execute(
                select(BedNight.payer_id).where(BedNight.state == "occupied")
            ).all()
            assert any(p is None for (p,) in occupied)  # some stays have no payer yet
            assert any(p is not None for (p,) in occupied)
            # People: a household booked together, one waiting, a keep-away rule, history.
            assert s.scalar(select(func.count()).select_from(Household)) == 2
            assert s.scalar(select(func.count()).select_from(AvoidRule)) == 1
            first_night = s.scalar(select(func.min(BedNight.night)))
            assert first_night is not None and (dt.date.today() - first_night).days >= 85
            assert (s.scalar(select(func.count()).select_from(Guest)) or 0) >= 5
    finally:
        store.close()


def test_db_current_and_check_change_nothing(tmp_path: Path) -> None:
    missing = str(tmp_path / "none" / "bedboard.sqlite3")
    # A missing file is refused like everywhere else (a typo in --db), never made.
    assert_refused(run_cli("db", "current", db=missing), 2, "no database", "db upgrade")
    assert_refused(run_cli("db", "check", db=missing), 2, "no database", "db upgrade")
    assert not Path(missing).parent.exists()
    upgraded = run_cli("db", "upgrade", db=missing)
    assert upgraded.returncode == 0, upgraded.stderr

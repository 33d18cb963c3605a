"""Every export written to a real file and read back with the csv module: DESIGN.md's headers,
the promised rows, formula-looking text neutralised, a BOM only with --excel, and awkward
names (commas, quotes, newlines, emoji) intact."""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bedboard.config import Settings
from bedboard.db.models import Payer, Site, Unit
from bedboard.services.beds.inventory import import_inventory, parse_inventory
from bedboard.services.beds.stays import check_in
from bedboard.services.clock import iso_week
from bedboard.services.csvio import neutralise, restore
from bedboard.services.demo import load_demo
from bedboard.services.exports.export import Export, write_export_file
from bedboard.services.exports.inventory import inventory_export
from bedboard.services.exports.occupancy import occupancy_export
from bedboard.services.exports.turnaways import turnaway_export
from bedboard.services.people.turnaways import record_turnaway
from bedboard.store import Store, open_store
from tests.support.billing_world import adjust
from tests.support.cli import REPO, CliRunner, load_demo_into, run_cli, run_on_terminal

TONIGHT = dt.date(2026, 11, 27)
BOM = "\ufeff".encode()
AWKWARD_SITE = 'Hem "Ljuset", Järfälla\nnorra 🏠'
FORMULA_SITE = '=HYPERLINK("http://x")'
AWKWARD_PAYER = '-Polis, region "Öst" 🚓'
OCCUPANCY_HEADER = (
    "night,site,site_kind,area,room,unit,status,guest_code,stay_id,payer,payer_reference,"
    "rate,currency,posted"
)
SUMMARY_HEADER = (
    "night,site,site_kind,area,capacity,occupied,held,free,out_of_service,occupancy_rate"
)
BILLING_HEADER = (
    "night,payer,payer_reference,site,unit,guest_code,stay_id,rate,currency,posted,kind,reason"
)
REFERRED = '+Stadsmissionen, "Klara", rum 3 🙏'  # one line: free text is checked as typed


def read_back(path: Path) -> tuple[bytes, list[list[str]]]:
    raw = path.read_bytes()
    with path.open(encoding="utf-8-sig", newline="") as f:
        return raw, list(csv.reader(f))


def awkward_world(store: Store) -> None:
    """The demo, plus a site, payer and turnaway whose names try to break a CSV file."""
    with store.write() as session:
        load_demo(session, tonight=TONIGHT, actor="tester")
        for name in (AWKWARD_SITE, FORMULA_SITE):
            site = Site(name=name, kind="shelter", area="Järfälla, norr")
            session.add(site)
            session.flush()
            session.add(Unit(site_id=site.id, room="", label="1", tags=""))
        session.add(Payer(name=AWKWARD_PAYER, kind="police"))
        session.flush()
        check_in(
            session,
            unit=f"{AWKWARD_SITE}/1",
            guest_code='@guest, "x" 🙂',
            night=TONIGHT,
            nights_count=2,
            payer=AWKWARD_PAYER,
            reference="=1+1",
            actor="tester",
        )
        record_turnaway(
            session,
            night=TONIGHT,
            reason="no_free_unit",
            people=3,
            site=AWKWARD_SITE,
            referred_to=REFERRED,
            actor="tester",
        )
        record_turnaway(
            session, night=TONIGHT - dt.timedelta(days=7), reason="no_payer", actor="tester"
        )


def test_occupancy_export_round_trip(store: Store, tmp_path: Path) -> None:
    awkward_world(store)
    path = tmp_path / "occupancy.csv"
    with store.read() as session:
        units = session.scalar(select(Unit.id).order_by(Unit.id.desc()))
        written = write_export_file(path, occupancy_export(session, TONIGHT))
    raw, rows = read_back(path)
    assert not raw.startswith(BOM)
    assert raw.endswith(b"\r\n")
    assert rows[0] == OCCUPANCY_HEADER.split(",")
    assert written == len(rows) - 1 == units  # one row per unit, free ones included
    assert {r[0] for r in rows[1:]} == {"2026-11-27"}
    by_site = {r[1]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    guest = by_site[AWKWARD_SITE]
    assert guest["status"] == "occupied"
    assert guest["area"] == "Järfälla, norr"
    assert guest["guest_code"] == '\'@guest, "x" 🙂'
    assert guest["payer"] == "'" + AWKWARD_PAYER
    assert guest["payer_reference"] == "'=1+1"
    assert restore(guest["payer"]) == AWKWARD_PAYER
    assert "'" + FORMULA_SITE in by_site
    statuses = [r[6] for r in rows[1:]]
    assert statuses.count("held") == 1 and statuses.count("out_of_service") == 1
    assert set(statuses) <= {"free", "occupied", "held", "out_of_service"}


def test_occupancy_summary_export(store: Store, tmp_path: Path) -> None:
    awkward_world(store)
    path = tmp_path / "summary.csv"
    with store.read() as session:
        sites = len(session.scalars(select(Site.id)).all())
        write_export_file(path, occupancy_export(session, TONIGHT, summary=True), excel=True)
    raw, rows = read_back(path)
    assert raw.startswith(BOM) and not raw.startswith(BOM + BOM)
    assert rows[0] == SUMMARY_HEADER.split(",")
    assert len(rows) - 1 == sites
    hvilan = next(dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[1] == "Hvilan")
    assert hvilan["capacity"] == "20"
    assert (
        int(hvilan["occupied"])
        + int(hvilan["held"])
        + int(hvilan["free"])
        + int(hvilan["out_of_service"])
        == 20
    )
    assert AWKWARD_SITE in {r[1] for r in rows[1:]}


def test_turnaway_export_and_summary(store: Store, tmp_path: Path) -> None:
    awkward_world(store)
    first, last = TONIGHT - dt.timedelta(days=30), TONIGHT
    detail, summary = tmp_path / "turnaways.csv", tmp_path / "weeks.csv"
    with store.read() as session:
        assert write_export_file(detail, turnaway_export(session, first, last)) == 2
        write_export_file(summary, turnaway_export(session, first, last, summary=True))
    _, rows = read_back(detail)
    assert rows == [
        ["night", "site", "reason", "people", "referred_to", "needs"],
        ["2026-11-20", "", "no_payer", "1", "", ""],
        ["2026-11-27", AWKWARD_SITE, "no_free_unit", "3", "'" + REFERRED, ""],
    ]
    _, weeks = read_back(summary)
    assert weeks == [
        ["week", "reason", "turnaways", "people"],
        ["2026-W47", "no_payer", "1", "1"],
        ["2026-W48", "no_free_unit", "1", "3"],
    ]
    with store.read() as session:
        write_export_file(detail, turnaway_export(session, TONIGHT, TONIGHT))
    assert len(read_back(detail)[1]) == 2  # the period is inclusive at both ends


def test_iso_week_across_new_year() -> None:
    assert iso_week(dt.date(2027, 1, 1)) == "2026-W53"
    assert iso_week(dt.date(2025, 12, 29)) == "2026-W01"


def test_neutralise_keeps_amounts_and_round_trips_quotes() -> None:
    assert neutralise("-450.00") == "-450.00"  # an amount, not a formula
    assert neutralise(-45000) == -45000
    for text in ("=x", "'=x", "''@x", "-x", "\tx", "\rx", "plain", "'quoted", "", "-"):
        assert restore(neutralise(text)) == text
    assert neutralise("+46 8 123") == "'+46 8 123"


def inventory_rows(store: Store) -> list[tuple[str, str, str, str, str, str]]:
    with store.read() as session:
        rows = session.execute(
            select(Site.name, Site.kind, Site.area, Unit.room, Unit.label, Unit.tags).join(
                Unit, Unit.site_id == Site.id
            )
        )
        # the demo writes tags unsorted; import stores them sorted
        return sorted((*r[:5], ";".join(sorted(r[5].split(";")))) for r in rows)


def test_inventory_export_imports_into_an_empty_database(
    store: Store, tmp_path: Path, sqlite_url: str
) -> None:
    with store.write() as session:
        load_demo(session, tonight=TONIGHT, actor="tester")
        site = Site(name='=Hem, "Ljuset" 🏠', kind="host_family", area="-Täby")
        session.add(site)
        session.flush()
        session.add(Unit(site_id=site.id, room="'=a", label="+1", tags="children_ok"))
    path = tmp_path / "inventory.csv"
    with store.read() as session:
        write_export_file(path, inventory_export(session), excel=True)
    raw, rows = read_back(path)
    assert raw.startswith(BOM)
    assert rows[0] == ["site", "site_kind", "area", "room", "unit", "tags"]
    assert rows[1] == ["Hvilan", "shelter", "Stockholm", "1", "1", "accessible;women_only"]
    assert ['\'=Hem, "Ljuset" 🏠', "host_family", "'-Täby", "''=a", "'+1", "children_ok"] in rows

    empty = tmp_path / "empty.sqlite3"
    result = run_cli("import", "inventory", str(path), db=str(empty))
    assert result.returncode == 0, result.stderr
    copy = open_store(Settings(db=str(empty), user="tester"))
    try:
        assert inventory_rows(copy) == inventory_rows(store)
    finally:
        copy.close()
    again = run_cli("import", "inventory", str(path), db=str(empty))
    assert again.returncode == 0 and "nothing to change" in again.stdout


def test_cli_exports_to_stdout_and_files(
    sqlite_url: str, tmp_path: Path, cli_here: CliRunner
) -> None:
    load_demo_into(sqlite_url)
    recorded = run_cli(
        "turnaway", "--night", "2026-11-27", "--reason", "no_free_unit", "--people", "2",
        "--site", "Hvilan", "--referred-to", "=Klara, 🙏", db=sqlite_url,
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    assert "2 people" in recorded.stdout

    out = run_cli("export", "turnaways", "--from", "2026-11-01", "--to", "2026-11-30", "--out",
                  "-", db=sqlite_url)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "night,site,reason,people,referred_to,needs",
        '2026-11-27,Hvilan,no_free_unit,2,"\'=Klara, 🙏",',
    ]
    assert out.stderr == ""  # nothing but rows on stdout, and no chatter with --out -

    target = tmp_path / "weeks.csv"
    code, _, err = cli_here("export", "turnaways", "--from", "2026-11-01", "--to", "2026-11-30",
                            "--summary", "--excel", "--out", str(target),
                            db=sqlite_url)  # fmt: skip
    assert code == 0, err
    assert f"wrote 1 row(s) to {target}" in err
    assert target.read_bytes().startswith(BOM)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

    code, _, err = cli_here("export", "turnaways", "--from", "2026-11-30", "--to", "2026-11-01",
                            "--out", str(tmp_path / "never.csv"), db=sqlite_url)  # fmt: skip
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "never.csv").exists()

    code, _, err = cli_here("export", "inventory", "--out", str(tmp_path / "no" / "such.csv"),
                            db=sqlite_url)  # fmt: skip
    assert code == 2 and "does not exist" in err

    code, _, err = cli_here("turnaway", "--reason", "no_free_unit", "--site", "Nowhere",
                            db=sqlite_url)  # fmt: skip
    assert code == 1 and "no site named 'Nowhere'" in err


def test_failed_export_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "occupancy.csv"
    path.write_text("old contents\n", encoding="utf-8")

    def broken() -> Iterator[list[str]]:
        yield ["2026-11-27"]
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        write_export_file(path, Export(("night",), broken()))
    assert path.read_text(encoding="utf-8") == "old contents\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["occupancy.csv"]


def test_progress_bar_only_on_a_terminal_for_a_file(sqlite_url: str, tmp_path: Path) -> None:
    """A long export to a file, run on a pseudo-terminal, draws a bar on stderr; the same
    export to stdout does not (the bar would land among the rows)."""
    inventory = tmp_path / "big.csv"
    lines = ["site,site_kind,area,room,unit,tags"]
    lines += [f"Stort {i // 100},shelter,Stockholm,,{i}," for i in range(5200)]
    inventory.write_text("\n".join(lines) + "\n", encoding="utf-8")
    big = open_store(Settings(db=sqlite_url, user="tester"))
    with big.write() as session:
        import_inventory(session, parse_inventory(inventory), actor="tester")
    big.close()

    def on_terminal(*args: str) -> str:
        return run_on_terminal(*args, db=sqlite_url)

    to_file = on_terminal("export", "inventory", "--out", str(tmp_path / "out.csv"))
    assert "exporting" in to_file and "100%" in to_file
    assert "wrote 5200 row(s)" in to_file
    to_stdout = on_terminal("export", "inventory", "--out", "-")
    assert to_stdout == ""


def test_billing_export_round_trip(store: Store, tmp_path: Path) -> None:
    from bedboard.db.models import BedNight
    from bedboard.services.beds import holds
    from bedboard.services.billing import close
    from bedboard.services.exports.kinds import billing_export

    awkward_world(store)
    first, last = TONIGHT - dt.timedelta(days=5), TONIGHT + dt.timedelta(days=1)
    with store.write() as session:
        hold_id = session.scalar(select(BedNight.hold_id).where(BedNight.state == "held"))
        assert hold_id is not None
        holds.cancel_hold(session, hold_id=hold_id, actor="tester")
        close.close_night(
            session,
            night=TONIGHT,
            currency="SEK",
            actor="tester",
            allow_unbilled=True,
            out_of_order=True,
        )
        adjust(session, '@guest, "x" 🙂', TONIGHT, -45000, 'left early, "=refund"', actor="tester")
    path, summary_path = tmp_path / "billing.csv", tmp_path / "billing-summary.csv"
    with store.read() as session:
        occupied = (
            session.scalar(
                select(func.count())
                .select_from(BedNight)
                .where(BedNight.state == "occupied", BedNight.night.between(first, last))
            )
            or 0
        )
        export = billing_export(session, first, last, currency="SEK")
        assert export.expected() == occupied + 1  # counted when a progress bar asks
        assert write_export_file(path, export) == occupied + 1
        write_export_file(
            summary_path, billing_export(session, first, last, currency="SEK", summary=True)
        )
    raw, rows = read_back(path)
    assert not raw.startswith(BOM)
    assert rows[0] == BILLING_HEADER.split(",")
    assert len(rows) - 1 == occupied + 1  # every occupied night, and the adjustment
    records = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    mine = [r for r in records if r["site"] == AWKWARD_SITE]
    assert [(r["night"], r["kind"]) for r in mine] == [
        ("2026-11-27", "night"),
        ("2026-11-27", "adjustment"),
        ("2026-11-28", "night"),
    ]
    night, adjustment = mine[0], mine[1]
    assert night["payer"] == "'" + AWKWARD_PAYER and night["payer_reference"] == "'=1+1"
    assert night["guest_code"] == '\'@guest, "x" 🙂'
    assert (night["rate"], night["currency"], night["posted"]) == ("650.00", "SEK", "true")
    assert adjustment["rate"] == "-450.00"  # an amount, not a formula to neutralise
    assert adjustment["reason"] == 'left early, "=refund"'
    assert (night["kind"], night["reason"]) == ("night", "")
    unbilled = [r for r in records if r["kind"] == "night" and r["payer"] == ""]
    assert {r["guest_code"] for r in unbilled} >= {"G-104", "G-106"}

    _, totals = read_back(summary_path)
    assert totals[0] == ["payer", "nights", "amount", "currency", "unbilled_nights"]
    awkward = next(r for r in totals if r[0] == "'" + AWKWARD_PAYER)
    assert awkward[1:] == ["2", "850.00", "SEK", "0"]  # 650 + 650 - 450
    assert totals[-1][0] == "" and int(totals[-1][4]) > 0  # unbilled last, never hidden


def test_cli_billing_export_with_excel(
    sqlite_url: str, tmp_path: Path, cli_here: CliRunner
) -> None:
    load_demo_into(sqlite_url)
    target = tmp_path / "basis.csv"
    # the CLI's demo is loaded around today's night, whatever day the test runs
    first, last = (
        str(dt.date.today() - dt.timedelta(days=30)),
        str(dt.date.today() + dt.timedelta(days=30)),
    )
    done = run_cli("export", "billing", "--from", first, "--to", last,
                   "--excel", "--out", str(target), db=sqlite_url)  # fmt: skip
    assert done.returncode == 0, done.stderr
    raw, rows = read_back(target)
    assert raw.startswith(BOM)
    assert rows[0][0] == "night" and rows[0][-2:] == ["kind", "reason"]
    assert len(rows) > 1 and {(r[-2], r[-1]) for r in rows[1:]} == {("night", "")}
    code, out, _ = cli_here("export", "billing", "--from", first, "--to", last, "--summary",
                            "--out", "-", db=sqlite_url)  # fmt: skip
    assert code == 0 and not out.startswith("\ufeff")
    assert out.splitlines()[0] == "payer,nights,amount,currency,unbilled_nights"


def test_stdout_is_utf8_whatever_the_locale(sqlite_url: str) -> None:
    load_demo_into(sqlite_url)
    env = {"PYTHONIOENCODING": "latin-1", "LC_ALL": "C"}
    out = subprocess.run(
        [sys.executable, "-m", "bedboard", "export", "occupancy", "--out", "-"],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "BEDBOARD_DB": sqlite_url, **env},
        cwd=REPO,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "Svea hovrätt".encode() in out.stdout
    assert out.stdout.count(b"\r\n") == len(out.stdout.splitlines()) == 43

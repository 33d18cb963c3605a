"""Names of protected guests never leave the program unasked; `forget` erases personal data
but keeps the nights and billing under the code; files holding identities are private."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

from sqlalchemy import select, text

from bedboard.config import Settings
from bedboard.db.models import AuditEntry, BedNight, Guest, Payer, Stay
from bedboard.services.safety.privacy import forget
from bedboard.store import Store, open_store
from tests.support.booking import book
from tests.support.cli import REPO, CliRunner, run_cli
from tests.support.db_checks import guest_nights
from tests.support.seed import BASE_NIGHT, seed

NAME = "Anna Hemlig-Namnsson"
OTHER_NAME = "Olga Tajna"


def with_guests(store: Store) -> None:
    with store.write() as session:
        seed(session, sites=1, units=3, guests={"G-A": NAME, "G-B": OTHER_NAME})
    with store.write() as session:
        book(
            session,
            "Site1/1",
            "G-A",
            BASE_NIGHT,
            3,
            payer="Polisen",
            reference="K-1",
            actor="staff",
        )
        book(session, "Site1/2", "G-B", BASE_NIGHT, 2, actor="s")


def test_forget_erases_personal_data_and_keeps_nights(
    cli_here: CliRunner, store: Store, db_url: str
) -> None:
    with_guests(store)
    with store.read() as session:
        nights_before = session.execute(
            select(BedNight.night, BedNight.unit_id, BedNight.payer_id, BedNight.stay_id)
            .join(Guest, Guest.id == BedNight.guest_id)
            .where(Guest.code == "G-A")
            .order_by(BedNight.night)
        ).all()
    result = cli_here("forget", "--guest", "G-A", db=db_url)
    assert result.returncode == 0, result.stderr
    assert "name, birth_year, languages, notes" in result.stdout
    with store.read() as session:
        guest = session.scalars(select(Guest).where(Guest.code == "G-A")).one()
        assert (guest.name, guest.birth_year, guest.languages, guest.notes) == (None, None, "", "")
        other = session.scalars(select(Guest).where(Guest.code == "G-B")).one()
        assert other.name == OTHER_NAME, "only the one guest is forgotten"
        nights_after = session.execute(
            select(BedNight.night, BedNight.unit_id, BedNight.payer_id, BedNight.stay_id)
            .where(BedNight.guest_id == guest.id)
            .order_by(BedNight.night)
        ).all()
        assert nights_after == nights_before and len(nights_after) == 3
        assert session.scalar(select(Stay.guest_id).where(Stay.guest_id == guest.id))
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last is not None
        assert (last.action, last.target, last.actor) == ("forget", "guest:G-A", "cli-tester")
        assert NAME not in last.detail
    export = cli_here("export", "occupancy", "--night", BASE_NIGHT.isoformat(), db=db_url)
    assert export.returncode == 0 and "G-A" in export.stdout
    verify = cli_here("audit", "verify", db=db_url)
    assert verify.returncode == 0


def test_forget_overwrites_the_name_in_the_sqlite_file(
    cli_here: CliRunner, sqlite_url: str
) -> None:
    store = open_store(Settings(db=sqlite_url, user="t"))
    with_guests(store)
    store.close()
    files = lambda: [p for p in Path(sqlite_url).parent.iterdir() if p.is_file()]  # noqa: E731
    assert any(NAME.encode() in p.read_bytes() for p in files()), "the name was stored"
    result = cli_here("forget", "--guest", "G-A", db=sqlite_url)
    assert result.returncode == 0, result.stderr
    assert not any(NAME.encode() in p.read_bytes() for p in files())
    assert any(OTHER_NAME.encode() in p.read_bytes() for p in files())


def test_forget_an_unknown_guest_changes_nothing(
    cli_here: CliRunner, store: Store, db_url: str
) -> None:
    with_guests(store)
    with store.read() as session:
        before = session.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
    result = cli_here("forget", "--guest", "G-NOBODY", db=db_url)
    assert result.returncode == 1 and "no guest" in result.stderr
    with store.read() as session:
        assert session.execute(text("SELECT count(*) FROM audit_log")).scalar_one() == before
        assert session.scalars(select(Guest.name).where(Guest.code == "G-A")).one() == NAME


def test_no_name_leaves_through_the_commands(
    cli_here: CliRunner, store: Store, db_url: str, tmp_path: Path
) -> None:
    with_guests(store)
    night = BASE_NIGHT.isoformat()
    outputs = []
    for args in (
        ["availability", "--night", night],
        ["availability", "--night", night, "--json"],
        ["export", "occupancy", "--night", night],
        ["export", "occupancy", "--night", night, "--summary"],
        ["audit", "history", "--guest", "G-A"],
        ["audit", "history", "--unit", "Site1/1"],
        ["audit", "verify"],
        ["checkout", "--guest", "G-A", "--night", "2031-01-01"],  # refused: shows the code
    ):
        result = cli_here(*args, db=db_url)
        outputs.append(result.stdout + result.stderr)
    assert "G-A" in "".join(outputs)
    for out in outputs:
        assert NAME not in out and OTHER_NAME not in out
        assert "Hemlig" not in out
    json.loads(cli_here("availability", "--night", night, "--json", db=db_url).stdout)
    with store.read() as session:
        details = " ".join(session.scalars(select(AuditEntry.detail)))
        assert NAME not in details and OTHER_NAME not in details


def test_database_and_folder_are_created_private(tmp_path: Path) -> None:
    db = tmp_path / "fresh" / "bedboard.sqlite3"
    result = run_cli("db", "upgrade", db=str(db))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    for side in db.parent.iterdir():  # -wal and -shm, if left, take the database's mode
        assert stat.S_IMODE(side.stat().st_mode) & 0o077 == 0


# Where the code may read a guest's name, and why that is guarded. Anything else reading `.name`
# of a guest is a leak risk and fails this test until it is looked at and added here.
NAME_READERS_ALLOWED = {
    "bedboard/db/models.py": "the column itself",
    "bedboard/services/safety/privacy.py": (
        "--with-names exports: audited before any name is returned"
    ),
    "bedboard/services/people/search.py": (
        "the board's search matches names but returns codes; reveal_name is audited"
    ),
    "bedboard/services/people/guests.py": (
        "intake writes the name and says whether one is recorded; it never returns it"
    ),
    "bedboard/services/safety/extract.py": (
        "an access request's extract: audited (with a reason) before anything is returned"
    ),
}
GUEST_NAME_PATTERN = re.compile(r"\b(Guest|guest\w*)\.name\b|\bguests\.name\b|\bg\.name\b")


def test_only_the_privacy_service_reads_guest_names() -> None:
    offenders = []
    for path in sorted((REPO / "bedboard").rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        if rel in NAME_READERS_ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if GUEST_NAME_PATTERN.search(line):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert offenders == [], "guest names read outside bedboard/services/safety/privacy.py"


def test_with_names_adds_names_and_audits_the_release(
    cli_here: CliRunner, store: Store, db_url: str
) -> None:
    with_guests(store)
    night = BASE_NIGHT.isoformat()
    plain = cli_here("export", "occupancy", "--night", night, db=db_url)
    assert plain.returncode == 0 and NAME not in plain.stdout and "guest_name" not in plain.stdout
    named = cli_here(
        "export",
        "occupancy",
        "--night",
        night,
        "--with-names",
        "--reason",
        "court asked",
        db=db_url,
    )
    assert named.returncode == 0, named.stderr
    header, *rows = named.stdout.splitlines()
    assert header.endswith(",guest_name")
    assert any(row.startswith(night) and row.endswith(f",{NAME}") for row in rows)
    assert any(row.endswith(f",{OTHER_NAME}") for row in rows)
    billing = cli_here(
        "export",
        "billing",
        "--from",
        night,
        "--to",
        night,
        "--with-names",
        "--reason",
        "court asked",
        db=db_url,
    )
    assert billing.returncode == 0, billing.stderr
    assert NAME in billing.stdout and billing.stdout.splitlines()[0].endswith(",guest_name")
    with store.read() as session:
        released = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "names_released")
        ).all()
    assert len(released) == 2
    assert all(e.actor == "cli-tester" and NAME not in e.detail for e in released)
    assert json.loads(released[0].detail)["guests"] == ["G-A", "G-B"]
    history = cli_here("audit", "history", "--guest", "G-A", db=db_url)
    assert history.stdout.count("names_released") == 2


def test_with_names_that_fails_releases_nothing(
    cli_here: CliRunner, store: Store, db_url: str, tmp_path: Path
) -> None:
    with_guests(store)
    night = BASE_NIGHT.isoformat()
    bad = str(tmp_path / "no" / "dir" / "out.csv")
    for args in (
        ["export", "occupancy", "--night", night, "--with-names", "--reason", "r", "--out", bad],
        ["export", "occupancy", "--night", night, "--with-names", "--reason", "r", "--summary"],
        ["export", "occupancy", "--night", night, "--with-names"],  # no reason
    ):
        result = cli_here(*args, db=db_url)
        assert result.returncode in (1, 2), result.stderr
        assert NAME not in result.stdout + result.stderr
    with store.read() as session:
        assert not session.scalars(
            select(AuditEntry).where(AuditEntry.action == "names_released")
        ).all()


def test_forget_keeps_billing_fields(store: Store) -> None:
    """Payers and nights stay; the payer's reference (a case number that ties the code to a
    person elsewhere) is erased from nights not yet closed (issue 13 item 9)."""
    with_guests(store)
    with store.write() as session:
        erased = forget(session, guest_code="G-A", actor="t")
    assert erased == ["name", "birth_year", "languages", "notes", "references"]
    with store.read() as session:
        rows = session.execute(guest_nights("G-A", BedNight.payer_reference, Payer.name)).all()
    assert rows == [("", "Polisen")] * 3


def test_forget_keeps_references_of_closed_nights_and_says_so(
    cli_here: CliRunner, store: Store, db_url: str
) -> None:
    from bedboard.services.billing.close import close_night
    from bedboard.services.billing.rates import set_rate

    with_guests(store)
    with store.write() as session:
        set_rate(
            session, amount=45000, currency="SEK", valid_from=BASE_NIGHT, site="Site1", actor="t"
        )
        close_night(session, night=BASE_NIGHT, currency="SEK", actor="t", allow_unbilled=True)
    result = cli_here("forget", "--guest", "G-A", db=db_url)
    assert result.returncode == 0, result.stderr
    assert "references" in result.stdout
    assert "the payer's reference on 1 closed night(s) is kept" in result.stdout
    with store.read() as session:
        refs = session.scalars(guest_nights("G-A", BedNight.payer_reference)).all()
    assert refs == ["K-1", "", ""]


def test_forget_erases_the_note_of_a_hold_confirmed_for_the_guest(store: Store) -> None:
    """Issue 13 items 9 and 10: `forget` left who a hold was for. A confirmed hold's note now
    ends with the hold; forget erases any note still there (a database from before)."""
    from bedboard.db.models import Hold
    from bedboard.services.beds.holds import confirm_hold, hold

    with_guests(store)
    with store.write() as session:
        held = hold(
            session,
            unit="Site1/3",
            night=BASE_NIGHT,
            held_for="Anna Hemlig-Namnsson, 34",
            actor="t",
        )
    with store.write() as session:
        confirm_hold(session, hold_id=held.id, guest_code="G-C", actor="t")
        # as a database from before the fix kept it
        session.execute(text("UPDATE holds SET held_for = 'Anna Hemlig-Namnsson, 34'"))
    with store.write() as session:
        erased = forget(session, guest_code="G-C", actor="t")
    assert "hold_notes" in erased
    with store.read() as session:
        assert session.scalars(select(Hold.held_for)).all() == [""]
        details = session.scalars(select(AuditEntry.detail)).all()
    assert not any("Hemlig" in d for d in details)

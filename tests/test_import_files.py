"""Malformed import files: each is refused with exit code 2 and one line that names the
problem and the line, and the database is left exactly as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bedboard.config import Settings
from bedboard.db.models import AuditEntry, Payer, Rate, Site, Unit
from bedboard.errors import BadInput
from bedboard.services.beds.inventory import import_inventory, parse_inventory
from bedboard.store import Store, open_store
from tests.support.cli import CliRunner, run_cli

T = TypeVar("T")
GOOD = "site,site_kind,area,room,unit,tags\nHvilan,shelter,Stockholm,1,1,women_only\n"


# name -> (file bytes, words the one-line message must contain)
MALFORMED: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "missing column": (
        b"site,site_kind,area,unit,tags\nHvilan,shelter,Stockholm,2,\n",
        ("line 1", "missing column(s) room"),
    ),
    "unknown site kind": (
        b"site,site_kind,area,room,unit,tags\nHvilan,shelter,Stockholm,1,2,\nNya,hotel,Solna,,1,\n",
        ("line 3", "unknown site kind 'hotel'"),
    ),
    "duplicate unit": (
        b"site,site_kind,area,room,unit,tags\nHvilan,shelter,Stockholm,1,2,\n"
        b"Hvilan,shelter,Stockholm,1,3,\nHvilan,shelter,Stockholm,2,2,\n",
        ("line 4", "Hvilan/2 already on line 2"),
    ),
    "bad encoding": (
        "site,site_kind,area,room,unit,tags\nFamiljen Åberg,host_family,Täby,,1,\n".encode(
            "latin-1"
        ),
        ("not UTF-8", "save it as UTF-8"),
    ),
    "empty file": (b"", ("the file is empty",)),
    "only a header": (b"site,site_kind,area,room,unit,tags\r\n", ("no units in the file",)),
    "ragged row": (
        b"site,site_kind,area,room,unit,tags\nHvilan,shelter,Stockholm,1,2,\n"
        b"Hvilan,shelter,Stockholm,1,3\n",
        ("line 3", "5 cells where the header has 6"),
    ),
    "semicolons from a Swedish Excel": (
        b"site;site_kind;area;room;unit;tags\nHvilan;shelter;Stockholm;1;2;\n",
        ("line 1", "missing column(s)", "separated by ';'"),
    ),
    "bad tag": (
        b"site,site_kind,area,room,unit,tags\nHvilan,shelter,Stockholm,1,2,Women Only\n",
        ("line 2", "tag 'Women Only'"),
    ),
}


def seen(db: str, read: Callable[[Session], T]) -> tuple[T, int]:
    """What `read` finds and the audit log's length, through a separate store's eyes."""
    store = open_store(Settings(db=db, user="tester"))
    try:
        with store.read() as session:
            found = read(session)
            return found, session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    finally:
        store.close()


def refused_in_one_line(
    cli_here: CliRunner, db: str, command: str, folder: Path, content: bytes, words: tuple[str, ...]
) -> str:
    """`bedboard import COMMAND` of a malformed file: exit 2 and one line that names the file
    and has every one of `words`. Returns what went to stdout."""
    bad = folder / "bad.csv"
    bad.write_bytes(content)
    code, out, err = cli_here("import", command, str(bad), db=db)
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(bad) in lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    return out


def snapshot(db: str) -> tuple[list[tuple[str, ...]], int]:
    """The inventory and the audit log's length."""
    columns = (Site.name, Site.kind, Site.area, Unit.room, Unit.label, Unit.tags)
    query = select(*columns).join(Unit, Unit.site_id == Site.id)
    return seen(db, lambda session: sorted(tuple(r) for r in session.execute(query)))


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_inventory_is_refused_and_changes_nothing(
    case: str, sqlite_url: str, tmp_path: Path, cli_here: CliRunner
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    assert cli_here("import", "inventory", str(good), db=sqlite_url).returncode == 0
    before = snapshot(sqlite_url)

    content, words = MALFORMED[case]
    out = refused_in_one_line(cli_here, sqlite_url, "inventory", tmp_path, content, words)
    assert out == ""
    assert snapshot(sqlite_url) == before


def test_a_malformed_file_from_a_real_process(sqlite_url: str, tmp_path: Path) -> None:
    """The same through `python -m bedboard`, as a script would run it."""
    content, words = MALFORMED["duplicate unit"]
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    result = run_cli("import", "inventory", str(bad), db=sqlite_url)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and words[1] in result.stderr


def test_missing_file_is_bad_input(sqlite_url: str, tmp_path: Path) -> None:
    result = run_cli("import", "inventory", str(tmp_path / "nope.csv"), db=sqlite_url)
    assert result.returncode == 2
    assert "cannot read" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_conflict_with_the_database_imports_no_row(store: Store, tmp_path: Path) -> None:
    """A site already of another kind is found only in the database, after earlier rows were
    added in the same transaction: none of them stay."""
    with store.write() as session:
        import_inventory(session, parse_inventory(_file(tmp_path, "a.csv", GOOD)), actor="t")
    clash = _file(
        tmp_path,
        "b.csv",
        "site,site_kind,area,room,unit,tags\nNya,shelter,Solna,,1,\n"
        "Hvilan,host_family,Stockholm,,9,\n",
    )
    rows = parse_inventory(clash)
    refused = pytest.raises(BadInput, match="line 3: site 'Hvilan' is already a shelter")
    with refused, store.write() as session:
        import_inventory(session, rows, actor="t")
    with store.read() as session:
        assert session.scalars(select(Site.name).order_by(Site.name)).all() == ["Hvilan"]
        assert session.scalar(select(func.count()).select_from(Unit)) == 1


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD_PAYERS = "name,kind\nPolisen,police\n"
GOOD_RATES = "amount,valid_from,site_kind,site,payer\n650.00,2026-01-01,shelter,,\n"

# (command, file bytes, words the one-line message must contain)
MALFORMED_BILLING: dict[str, tuple[str, bytes, tuple[str, ...]]] = {
    "payers: missing column": ("payers", b"name\nPolisen\n", ("line 1", "missing column(s) kind")),
    "payers: unknown kind": (
        "payers",
        b"name,kind\nSvea hovratt,court\nKyrkan,church\n",
        ("line 3", "unknown payer kind 'church'"),
    ),
    "payers: duplicate": (
        "payers",
        b"name,kind\nSvea hovratt,court\nMigrationsverket,migration_agency\nSvea hovratt,court\n",
        ("line 4", "already on line 2"),
    ),
    "payers: bad encoding": (
        "payers",
        "name,kind\nSvea hovrätt,court\n".encode("cp1252"),
        ("not UTF-8",),
    ),
    "payers: empty": ("payers", b"   \n", ("the file is empty",)),
    "payers: ragged": (
        "payers",
        b"name,kind\nSvea hovratt,court,extra\n",
        ("line 2", "3 cells where the header has 2"),
    ),
    "rates: bad amount": (
        "rates",
        b"amount,valid_from,site_kind,site,payer\n650.00,2026-01-01,shelter,,\n"
        b"450;00,2026-01-01,host_family,,\n",
        ("line 3", "'450;00' is not an amount"),
    ),
    "rates: bad date": (
        "rates",
        b"amount,valid_from,site_kind,site,payer\n650.00,1/1/2026,shelter,,\n",
        ("line 2", "valid_from '1/1/2026'"),
    ),
    "rates: unknown site kind": (
        "rates",
        b"amount,valid_from,site_kind,site,payer\n650.00,2026-01-01,hotel,,\n",
        ("line 2", "unknown site kind 'hotel'"),
    ),
    "rates: unknown payer": (
        "rates",
        b"amount,valid_from,site_kind,site,payer\n650.00,2026-02-01,shelter,,\n"
        b"700.00,2026-02-01,shelter,,Kyrkan\n",
        ("line 3", "no payer named 'Kyrkan'"),
    ),
}


def billing_snapshot(db: str) -> tuple[tuple[list[tuple[str, str]], list[tuple[int, str]]], int]:
    """The payers, the rates and the audit log's length."""

    def read(session: Session) -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
        payers = sorted((p.name, p.kind) for p in session.scalars(select(Payer)))
        rates = sorted((r.amount, str(r.valid_from)) for r in session.scalars(select(Rate)))
        return payers, rates

    return seen(db, read)


@pytest.mark.parametrize("case", sorted(MALFORMED_BILLING))
def test_malformed_payers_and_rates_are_refused_and_change_nothing(
    case: str, sqlite_url: str, tmp_path: Path, cli_here: CliRunner
) -> None:
    assert cli_here("db", "upgrade", db=sqlite_url).returncode == 0
    for command, text in (("payers", GOOD_PAYERS), ("rates", GOOD_RATES)):
        good = _file(tmp_path, f"good-{command}.csv", text)
        code, _, err = cli_here("import", command, str(good), db=sqlite_url)
        assert code == 0, err
    before = billing_snapshot(sqlite_url)

    command, content, words = MALFORMED_BILLING[case]
    refused_in_one_line(cli_here, sqlite_url, command, tmp_path, content, words)
    assert billing_snapshot(sqlite_url) == before

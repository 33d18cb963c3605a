"""Every reveal has a reason and lands in the disclosure log; a protected guest's name needs a
second staff member; an access request's extract holds everything on the person."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from bedboard.db.models import AuditEntry, Guest
from bedboard.errors import BadInput
from bedboard.services.people.search import reveal_name
from bedboard.services.safety.disclosures import disclosures
from bedboard.services.staff.access import Actor, NotAllowed
from bedboard.store import Store
from tests.support.cli import run_cli
from tests.support.rules_world import table_contents
from tests.support.staff_world import as_role, build_staff_world

NAME = "Anna Hemlig"


def named_world(store: Store) -> Store:
    build_staff_world(store)
    with store.write() as s:
        for guest in s.scalars(select(Guest).where(Guest.code.in_(["G-1", "G-2"]))):
            guest.name = NAME if guest.code == "G-1" else "Olga Tajna"
            guest.protected = guest.code == "G-1"
    return store


def signed(store: Store, role: str) -> Actor:
    return as_role(store, role).who


def test_a_protected_name_needs_a_reason_and_a_second_staff_member(store: Store) -> None:
    named_world(store)
    night = signed(store, "night")
    coordinator = signed(store, "coordinator")
    as_role(store, "night")
    before = table_contents(store)
    for reason, second, error, text in [
        ("", coordinator, BadInput, "say why the name is needed"),
        ("police asked", None, NotAllowed, "G-1 protected: a second staff member must confirm"),
        ("police asked", night, NotAllowed, "the second staff member must be someone else"),
    ]:
        with pytest.raises(error, match=text), store.write() as s:
            reveal_name(s, guest_code="G-1", actor="nils", reason=reason, confirmed_by=second)
        assert table_contents(store) == before
    with store.write() as s:
        name = reveal_name(
            s, guest_code="G-1", actor="nils", reason="police asked", confirmed_by=coordinator
        )
    assert name == NAME
    with store.read() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None and (entry.actor, entry.action) == ("nils", "reveal_name")
    assert json.loads(entry.detail) == {
        "confirmed_by": "cora",
        "protected": True,
        "reason": "police asked",
    }
    assert NAME not in entry.detail


def test_who_may_reveal_and_confirm(store: Store) -> None:
    named_world(store)
    outreach = signed(store, "outreach")
    # An unprotected guest needs no second person; night staff only for guests at their sites.
    as_role(store, "night")
    with pytest.raises(NotAllowed, match="only at their own sites"), store.write() as s:
        reveal_name(s, guest_code="G-2", actor="nils", reason="r")
    as_role(store, "outreach")
    with pytest.raises(NotAllowed, match="may not reveal"), store.write() as s:
        reveal_name(s, guest_code="G-2", actor="otto", reason="r")
    as_role(store, "coordinator")
    with store.write() as s:
        assert reveal_name(s, guest_code="G-2", actor="cora", reason="r") == "Olga Tajna"
    with pytest.raises(NotAllowed, match="otto \\(outreach\\) may not confirm"), store.write() as s:
        reveal_name(s, guest_code="G-1", actor="cora", reason="r", confirmed_by=outreach)


def test_the_disclosure_log_lists_who_saw_a_person_and_why(store: Store) -> None:
    named_world(store)
    coordinator = signed(store, "coordinator")
    as_role(store, "admin")
    with store.write() as s:
        reveal_name(
            s, guest_code="G-1", actor="ada", reason="court order 12", confirmed_by=coordinator
        )
        reveal_name(s, guest_code="G-2", actor="ada", reason="about someone else")
    as_role(store, "night")
    with pytest.raises(NotAllowed), store.read() as s:
        disclosures(s, "G-1")
    as_role(store, "coordinator")
    with store.read() as s:
        lines = disclosures(s, "G-1")
    assert [(d.actor, d.action, d.reason, d.confirmed_by) for d in lines] == [
        ("ada", "reveal_name", "court order 12", "cora")
    ]


ADMIN = {"BEDBOARD_USER": "ada", "BEDBOARD_PIN": "1111"}


def test_reveal_with_names_extract_and_disclosures_from_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "b.sqlite3")
    assert run_cli("demo", db=db).returncode == 0
    assert run_cli("staff", "add", "ada", "--role", "admin", db=db, input="1111\n").returncode == 0
    assert (
        run_cli(
            "staff", "add", "cora", "--role", "coordinator", db=db, env=ADMIN, input="2222\n"
        ).returncode
        == 0
    )

    def confirmed_by_cora(*args: str, pin: str = "2222") -> subprocess.CompletedProcess[str]:
        """ada asks; cora confirms with her PIN, as every release of a name needs."""
        env = {**ADMIN, "BEDBOARD_CONFIRM_PIN": pin}
        return run_cli(*args, "--confirm-by", "cora", db=db, env=env)

    reveal = ("reveal", "--guest", "G-101", "--reason", "police")
    no_reason = run_cli(*reveal[:3], db=db, env=ADMIN)
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    alone = run_cli(*reveal, db=db, env=ADMIN)
    assert (alone.returncode, alone.stdout) == (1, "")
    assert "a second staff member must confirm" in alone.stderr
    wrong = confirmed_by_cora(*reveal, pin="0000")
    assert (wrong.returncode, wrong.stdout) == (1, "")
    assert wrong.stderr == "bedboard: unknown staff member or wrong PIN\n"
    shown = confirmed_by_cora(*reveal)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == "Demo person 101\n"
    export = confirmed_by_cora("export", "occupancy", "--with-names", "--reason", "court asked")
    assert export.returncode == 0, export.stderr
    assert "Demo person 101" in export.stdout
    out = tmp_path / "g101.json"
    extracted = confirmed_by_cora(
        "guests", "extract", "G-101", "--out", str(out), "--reason", "access request 7"
    )
    assert extracted.returncode == 0, extracted.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["guest"]["code"] == "G-101" and data["guest"]["name"] == "Demo person 101"
    assert data["nights"] and all(n["site"] for n in data["nights"])
    assert [e["action"] for e in data["audit"]][-3:] == [
        "reveal_name",
        "names_released",
        "guest_extract",
    ]
    log = run_cli("audit", "disclosures", "--guest", "G-101", db=db, env=ADMIN)
    assert log.returncode == 0, log.stderr
    lines = log.stdout.splitlines()
    assert [line.split("  ")[3] for line in lines] == [
        "reveal_name",
        "names_released",
        "guest_extract",
    ]
    assert "police  confirmed by cora" in lines[0]
    assert "court asked  confirmed by cora" in lines[1]
    assert lines[2].endswith(f"access request 7  confirmed by cora  {out}")
    assert "Demo person" not in log.stdout

"""Every change writes an audit entry (time, actor, action, what) and bumps the revision; the log
is a hash chain the database keeps append-only; on both backends."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select, text

from bedboard.db.models import AuditEntry
from bedboard.errors import RuleViolation
from bedboard.services.beds import holds, out_of_service, stays
from bedboard.services.clock import utcnow
from bedboard.services.safety import audit
from bedboard.store import Store
from tests.support.rules_world import NIGHT, NOW, audit_actions, night, revision


def run_day(store: Store) -> None:
    """One write transaction per change, as the CLI and the board make them."""
    changes = [
        lambda s: stays.check_in(s, unit="Hvilan/1", guest_code="G-1", night=NIGHT,
                                 nights_count=3, payer="Polisen", actor="anna", now=NOW),
        lambda s: stays.extend(s, guest_code="G-1", extra_nights=1, actor="anna", now=NOW),
        lambda s: stays.move(s, guest_code="G-1", to_unit="Hvilan/2", from_night=night(2),
                             actor="bo", now=NOW),
        lambda s: stays.check_out(s, guest_code="G-1", night=night(3), actor="bo"),
        lambda s: holds.hold(s, unit="Hvilan/3", night=NIGHT, actor="cy", now=NOW),
        lambda s: holds.cancel_hold(s, hold_id=1, actor="cy", now=NOW),
        lambda s: out_of_service.mark_out_of_service(s, unit="Hvilan/3", first=NIGHT, last=night(1),
                                            reason="paint", actor="cy"),
        lambda s: out_of_service.return_to_service(s, unit="Hvilan/3", first=NIGHT, last=night(1),
                                          actor="cy"),
    ]  # fmt: skip
    for change in changes:
        before = revision(store)
        with store.write() as s:
            change(s)
        assert revision(store) == before + 1


def test_every_change_is_audited_and_bumps_the_revision(world: Store) -> None:
    start = len(audit_actions(world))
    run_day(world)
    assert audit_actions(world)[start:] == [
        "check_in",
        "extend",
        "move",
        "check_out",
        "hold",
        "cancel_hold",
        "out_of_service",
        "return_to_service",
    ]
    with world.read() as s:
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()[start:]
        assert [e.actor for e in entries] == ["anna"] * 2 + ["bo"] * 2 + ["cy"] * 4
        assert all(e.target.startswith(("unit:", "guest:")) for e in entries)
        assert all(abs(e.at - utcnow()) < dt.timedelta(minutes=5) for e in entries)
        detail = json.loads(entries[0].detail)
        assert detail["guest"] == "G-1" and detail["nights"] == 3 and detail["payer"] == "Polisen"
        assert audit.verify(s) == []


def test_guest_names_never_reach_the_audit_log(world: Store) -> None:
    from bedboard.db.models import Guest

    with world.write() as s:
        s.add(Guest(code="G-7", name="Secret Name", protected=True, languages="", notes=""))
    with world.write() as s:
        stays.check_in(s, unit="Hvilan/1", guest_code="G-7", night=NIGHT, actor="t", now=NOW)
    with world.read() as s:
        assert all("Secret" not in e.detail for e in s.scalars(select(AuditEntry)))


def test_audit_log_is_append_only_in_the_database(world: Store) -> None:
    run_day(world)
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        before = audit_actions(world)
        with pytest.raises(RuleViolation, match="audit log cannot be changed"), world.write() as s:
            s.execute(text(statement))
        assert audit_actions(world) == before


def test_verify_finds_a_broken_chain(world: Store) -> None:
    """Tampering past the triggers (dropped by someone with the database in hand) is found."""
    run_day(world)
    with world.read() as s:
        ids = list(s.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
    with world.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
        else:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = :id"), {"id": ids[2]})
    with world.read() as s:
        problems = audit.verify(s)
    assert [(p.entry_id, p.problem) for p in problems] == [(ids[2], "its content was changed")]

"""Revision 0005 on a database that already has holds: the notes of holds that ended are erased,
active holds keep theirs, and `expired` becomes a status the database accepts (and nothing else
new). On both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bedboard.db import migrate
from bedboard.store import Store
from tests.support.rules_world import build_world

INSERT = text(
    "INSERT INTO holds (id, unit_id, night, nights, expires_at, held_for, created_by, status) "
    "VALUES (:id, (SELECT min(id) FROM units), '2026-11-27', 1, '2026-11-27 21:00:00', "
    ":note, 't', :status)"
)


def test_0005_erases_notes_of_ended_holds_and_accepts_expired(store: Store) -> None:
    build_world(store)
    migrate.downgrade(store.engine, "0004_payers_households")
    with store.engine.begin() as conn:
        for i, status in enumerate(("active", "confirmed", "cancelled"), start=1):
            conn.execute(INSERT, {"id": i, "note": f"Anna Andersson {i}", "status": status})
        with pytest.raises(IntegrityError), conn.begin_nested():
            conn.execute(INSERT, {"id": 9, "note": "", "status": "expired"})
    migrate.upgrade(store.engine)
    with store.engine.begin() as conn:
        rows = conn.execute(text("SELECT id, status, held_for FROM holds ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [
            (1, "active", "Anna Andersson 1"),
            (2, "confirmed", ""),
            (3, "cancelled", ""),
        ]
        conn.execute(INSERT, {"id": 4, "note": "", "status": "expired"})
        with pytest.raises(IntegrityError), conn.begin_nested():
            conn.execute(INSERT, {"id": 5, "note": "", "status": "gone"})

"""Revision 0002 on a database that already has billing: an adjustment made before it is billed
to its night's payer, posted nights keep their triggers, and the new locks hold."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bedboard.db import migrate
from bedboard.db.engine import make_engine


def test_upgrade_from_0001_keeps_billing_and_locks(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0001")
        with engine.begin() as c:
            for statement in (
                "INSERT INTO sites (id, name, kind, area) VALUES (1, 'Hvilan', 'shelter', '')",
                "INSERT INTO units (id, site_id, room, label, tags) VALUES (1, 1, '', '1', '')",
                "INSERT INTO guests (id, code, protected, languages, notes) "
                "VALUES (1, 'G-1', true, '', '')",
                "INSERT INTO payers (id, name, kind, active, org_number, address, contact) "
                "VALUES (1, 'Polisen', 'police', true, '', '', '')",
                "INSERT INTO stays (id, guest_id, created_at, created_by) "
                "VALUES (1, 1, '2026-01-01 10:00', 't')",
                "INSERT INTO bed_nights (id, unit_id, night, state, stay_id, guest_id, payer_id,"
                " payer_reference, reason, posted_at, rate, currency) VALUES (1, 1, '2026-01-01',"
                " 'occupied', 1, 1, 1, 'K-1', '', '2026-01-02 12:00', 45000, 'SEK')",
                "INSERT INTO closed_nights (night, closed_at, closed_by) "
                "VALUES ('2026-01-01', '2026-01-02 12:00', 't')",
                "INSERT INTO adjustments (id, bed_night_id, amount, currency, reason, actor,"
                " created_at) VALUES (1, 1, -100, 'SEK', 'late', 't', '2026-01-03 09:00')",
            ):
                c.execute(text(statement))
        migrate.upgrade(engine)
        with engine.connect() as c:
            got = c.execute(
                text("SELECT kind, payer_id, payer_reference, amount FROM adjustments")
            ).all()
            assert [tuple(r) for r in got] == [("adjustment", 1, "K-1", -100)]
            assert c.execute(text("SELECT commitment_id FROM bed_nights")).scalar() is None
        for statement in (
            "UPDATE bed_nights SET rate = 1",
            "DELETE FROM closed_nights",
            "DELETE FROM adjustments",
        ):
            with pytest.raises(DBAPIError, match="bedboard: "), engine.begin() as c:
                c.execute(text(statement))
        migrate.downgrade(engine, "0001")  # and back: posted nights still locked
        with pytest.raises(DBAPIError, match="bedboard: "), engine.begin() as c:
            c.execute(text("UPDATE bed_nights SET rate = 1"))
        migrate.upgrade(engine)
        with engine.begin() as c:  # the wider payer kinds
            c.execute(
                text(
                    "INSERT INTO payers (id, name, kind, active, org_number, address, contact) "
                    "VALUES (2, 'Åklagarmyndigheten', 'prosecutor', true, '', '', '')"
                )
            )
    finally:
        engine.dispose()

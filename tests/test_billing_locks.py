"""A posted night never changes: not through the services, not through the CLI, not through
plain SQL against the database (the triggers refuse it on both backends)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from bedboard.db.models import BedNight, ClosedNight, Payer
from bedboard.errors import BedboardError, NightClosed
from bedboard.services.beds import stays
from bedboard.services.billing import close, payers, payments, rates
from bedboard.store import Store
from tests.support.billing_world import add_site, adjust
from tests.support.booking import book
from tests.support.cli import run_cli

N0 = dt.date(2025, 5, 10)
N1 = N0 + dt.timedelta(days=1)


@pytest.fixture
def closed(store: Store) -> Store:
    """G-1 in Hvilan/1 on N0 and N1, paid by the police; N0 closed and posted."""
    actor = store.actor
    with store.write() as s:
        add_site(s, "Hvilan", "shelter", units=2)
        payers.add_payer(s, name="Polisen", kind="police", actor=actor)
        payers.add_payer(s, name="Svea hovrätt", kind="court", actor=actor)
        rates.set_rate(
            s, amount=65000, currency="SEK", valid_from=N0, site_kind="shelter", actor=actor
        )
        book(s, "Hvilan/1", "G-1", N0, 2, payer="Polisen", reference="K-1", actor=actor)
    with store.write() as s:
        close.close_night(s, night=N0, currency="SEK", actor=actor)
    return store


def snapshot(store: Store) -> list[tuple[Any, ...]]:
    with store.read() as s:
        rows = s.execute(select(BedNight).order_by(BedNight.id)).scalars().all()
        return [
            (
                r.id,
                r.unit_id,
                r.night,
                r.state,
                r.guest_id,
                r.payer_id,
                r.payer_reference,
                r.posted_at,
                r.rate,
                r.currency,
            )
            for r in rows
        ]


def test_close_posts_rate_and_currency(closed: Store) -> None:
    with closed.read() as s:
        row = s.scalars(select(BedNight).where(BedNight.night == N0)).one()
        assert (row.rate, row.currency, row.posted_at is not None) == (65000, "SEK", True)
        other = s.scalars(select(BedNight).where(BedNight.night == N1)).one()
        assert other.posted_at is None and other.rate is None


def test_services_refuse(closed: Store) -> None:
    before = snapshot(closed)
    actor = closed.actor
    attempts = [
        lambda s: stays.check_out(s, guest_code="G-1", night=N0, actor=actor),
        lambda s: stays.move(s, guest_code="G-1", to_unit="Hvilan/2", from_night=N0, actor=actor),
        lambda s: payments.assign_payer(
            s, guest_code="G-1", payer="Svea hovrätt", first=N0, last=N0, actor=actor
        ),
        lambda s: close.close_night(s, night=N0, currency="SEK", actor=actor),
        lambda s: stays.check_in(
            s, unit="Hvilan/2", guest_code="G-2", night=N0, nights_count=1, actor=actor
        ),
    ]
    for attempt in attempts:
        with pytest.raises(NightClosed), closed.write() as s:
            attempt(s)
    assert snapshot(closed) == before


def test_rerouting_from_a_night_on_keeps_posted_nights(closed: Store) -> None:
    with closed.write() as s:
        result = payments.assign_payer(
            s, guest_code="G-1", payer="Svea hovrätt", first=N0, reference="B 1", actor="x"
        )
    assert (result.changed, result.kept_closed) == (1, 1)
    with closed.read() as s:
        got = s.execute(
            select(BedNight.night, Payer.name, BedNight.payer_reference)
            .join(Payer, Payer.id == BedNight.payer_id)
            .order_by(BedNight.night)
        ).all()
    assert [tuple(r) for r in got] == [(N0, "Polisen", "K-1"), (N1, "Svea hovrätt", "B 1")]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE bed_nights SET rate = 1 WHERE night = :n",
        "UPDATE bed_nights SET payer_id = NULL WHERE night = :n",
        "DELETE FROM bed_nights WHERE night = :n",
        "INSERT INTO bed_nights (unit_id, night, state, payer_reference, reason) "
        "SELECT id, :n, 'out_of_service', '', 'x' FROM units WHERE label = '2'",
    ],
)
def test_plain_sql_refused(closed: Store, statement: str) -> None:
    before = snapshot(closed)
    with pytest.raises(DBAPIError, match="bedboard: "), closed.engine.begin() as conn:
        conn.execute(text(statement), {"n": N0})
    assert snapshot(closed) == before


def test_cli_refuses_with_one_line(closed: Store, db_url: str) -> None:
    before = snapshot(closed)
    for args in (
        ("checkout", "--guest", "G-1", "--night", str(N0)),
        ("pay", "--guest", "G-1", "--payer", "Svea hovrätt", "--from", str(N0), "--to", str(N0)),
        ("close-night", "--night", str(N0)),
    ):
        done = run_cli(*args, db=db_url)
        assert done.returncode == 1, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "closed" in done.stderr and "Traceback" not in done.stderr
    assert snapshot(closed) == before
    with closed.read() as s:
        assert s.scalar(select(ClosedNight.night)) == N0


def test_adjust_only_posted_nights(closed: Store) -> None:
    with pytest.raises(BedboardError, match="not closed yet"), closed.write() as s:
        adjust(s, "G-1", N1, -100, "x", actor="x")
    with closed.write() as s:
        row = adjust(s, "G-1", N0, -65000, "not there", actor="x")
    assert (row.amount, row.currency, row.actor) == (-65000, "SEK", "x")

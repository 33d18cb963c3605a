"""Corrections after close: a credit and a rebill in one transaction, the posted row untouched;
nights closed unbilled are corrected the same way; open nights, the same payer and an empty
reason are refused. The closed_nights row and every adjustment, credit and rebill are locked
in the database (raw connections). Closing is safe: in order, and only once a night ended."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from bedboard.db.models import Adjustment, BedNight, ClosedNight
from bedboard.errors import BadInput, NotFound, RuleViolation
from bedboard.services.beds import stays
from bedboard.services.beds.availability import availability
from bedboard.services.billing import close, corrections, payers, rates
from bedboard.services.exports.billing import billing_summary
from bedboard.store import Store
from tests.support.billing_world import add_site, adjust, nights_from
from tests.support.cli import CliRunner

night = nights_from(dt.date(2026, 10, 1))


@pytest.fixture
def closed(store: Store) -> Store:
    """G-1 in Hvilan/1 nights 0..2: night 0 police, night 1 unbilled, night 2 open."""
    with store.write() as s:
        add_site(s, "Hvilan", "shelter", units=2)
        payers.add_payer(s, name="Polisen", kind="police", actor="t")
        payers.add_payer(s, name="Svea hovrätt", kind="court", actor="t")
        rates.set_rate(
            s, amount=45000, currency="SEK", valid_from=night(-9), site_kind="shelter", actor="t"
        )
        rates.set_rate(s, amount=50000, currency="SEK", valid_from=night(-9),
                       site_kind="shelter", payer="Svea hovrätt", actor="t")  # fmt: skip
        stays.check_in(s, unit="Hvilan/1", guest_code="G-1", night=night(0), nights_count=1,
                       payer="Polisen", reference="K-1", actor="t")  # fmt: skip
        stays.extend(s, guest_code="G-1", extra_nights=2, actor="t")
        row = s.scalars(select(BedNight).where(BedNight.night == night(1))).one()
        row.payer_id = None
    for i in (0, 1):
        with store.write() as s:
            close.close_night(s, night=night(i), currency="SEK", actor="t", allow_unbilled=True)
    return store


def rows(store: Store) -> list[tuple[Any, ...]]:
    with store.read() as s:
        nights = [
            (r.id, r.night, r.payer_id, r.payer_reference, r.rate, r.posted_at)
            for r in s.scalars(select(BedNight).order_by(BedNight.id))
        ]
        adjustments = [
            (a.id, a.kind, a.amount, a.payer_id, a.reason)
            for a in s.scalars(select(Adjustment).order_by(Adjustment.id))
        ]
    return [*nights, *adjustments]


def summary(store: Store) -> list[tuple[str, int, int, int]]:
    with store.read() as s:
        totals = billing_summary(s, night(0), night(2), currency="SEK")
    return [(t.payer, t.nights, t.amount, t.unbilled_nights) for t in totals]


def test_correct_credits_the_old_and_rebills_the_new(closed: Store) -> None:
    before_nights = [r for r in rows(closed) if len(r) == 6]
    with closed.write() as s:
        done = corrections.correct(
            s, guest_code="G-1", first=night(0), payer="Svea hovrätt", reference="B 1",
            reason="court took over", actor="t",
        )  # fmt: skip
    assert [(c.old_payer, c.credit, c.rebill) for c in done] == [("Polisen", -45000, 50000)]
    assert [r for r in rows(closed) if len(r) == 6] == before_nights  # posted rows untouched
    with closed.read() as s:
        got = s.execute(select(Adjustment.kind, Adjustment.amount, Adjustment.payer_reference,
                               Adjustment.reason).order_by(Adjustment.id)).all()  # fmt: skip
    assert [tuple(r) for r in got] == [
        ("credit", -45000, "K-1", "court took over"),
        ("rebill", 50000, "B 1", "court took over"),
    ]
    # night 0 is the court's now (500.00), night 1 still unbilled, night 2 open with police
    assert summary(closed) == [
        ("Polisen", 1, 45000, 0),
        ("Svea hovrätt", 1, 50000, 0),
        ("", 1, 45000, 1),
    ]
    with closed.write() as s:  # and back again: the credit is what the last rebill billed
        corrections.correct(s, guest_code="G-1", first=night(0), payer="Polisen",
                            reason="court declined", actor="t")  # fmt: skip
    assert summary(closed)[:2] == [("Polisen", 2, 90000, 0), ("Svea hovrätt", 0, 0, 0)]


def test_night_closed_unbilled_is_corrected(closed: Store) -> None:
    with closed.write() as s:
        (c,) = corrections.correct(
            s, guest_code="G-1", first=night(1), payer="Polisen", reference="K-1",
            reason="decision came late", actor="t",
        )  # fmt: skip
    assert (c.old_payer, c.credit, c.rebill) == ("", -45000, 45000)
    assert summary(closed) == [("Polisen", 3, 135000, 0)]  # no unbilled line left
    with closed.read() as s:  # the board and the occupancy export no longer say unbilled
        (unit,) = [u for u in availability(s, night(1)) if u.status == "occupied"]
    assert (unit.payer, unit.payer_reference, unit.rate, unit.unbilled) == (
        "Polisen", "K-1", 45000, False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "error", "needle"),
    [
        ({"first": night(2), "payer": "Svea hovrätt"}, RuleViolation, "not closed yet"),
        ({"first": night(1), "last": night(2), "payer": "Svea hovrätt"}, RuleViolation,
         "not closed"),
        ({"first": night(0), "payer": "Polisen"}, RuleViolation, "already billed to Polisen"),
        ({"first": night(0), "payer": "Svea hovrätt", "reason": "  "}, BadInput, "reason"),
        ({"first": night(5), "payer": "Svea hovrätt"}, RuleViolation, "no nights"),
        ({"first": night(0), "payer": "Nobody"}, NotFound, "no payer"),
    ],
)  # fmt: skip
def test_bad_corrections_change_nothing(
    closed: Store, kwargs: dict[str, Any], error: type[Exception], needle: str
) -> None:
    before = rows(closed)
    with pytest.raises(error, match=needle), closed.write() as s:
        corrections.correct(s, **{"guest_code": "G-1", "reason": "x", "actor": "t", **kwargs})
    assert rows(closed) == before


def test_cli_correct_and_billing_kinds(
    closed: Store, db_url: str, cli_here: CliRunner, tmp_path: Any
) -> None:
    code, out, err = cli_here("correct", "--guest", "G-1", "--night", str(night(0)), "--to",
                         str(night(1)), "--payer", "Svea hovrätt", "--reason", "=court",
                         db=db_url, user="tester")  # fmt: skip
    assert code == 0, err
    assert "credit -450.00 SEK to Polisen, rebill 500.00 SEK to Svea hovrätt" in out
    assert "nobody (unbilled)" in out
    code, out, err = cli_here("export", "billing", "--from", str(night(0)), "--to",
                              str(night(1)), db=db_url, user="tester")  # fmt: skip
    lines = out.splitlines()
    assert lines[0].endswith(",kind,reason")
    kinds = [(line.split(",")[1], line.split(",")[7], line.split(",")[-2], line.split(",")[-1])
             for line in lines[1:]]  # fmt: skip
    assert kinds == [
        ("Polisen", "450.00", "night", ""),
        ("Polisen", "-450.00", "credit", "'=court"),
        ("Svea hovrätt", "500.00", "rebill", "'=court"),
        ("", "450.00", "night", ""),
        ("", "-450.00", "credit", "'=court"),
        ("Svea hovrätt", "500.00", "rebill", "'=court"),
    ]
    code, out, err = cli_here("export", "billing", "--from", str(night(0)), "--to",
                              str(night(1)), "--payer", "Svea hovrätt", "--summary",
                              db=db_url, user="tester")  # fmt: skip
    assert out.splitlines()[1:] == ["Svea hovrätt,2,1000.00,SEK,0"]
    for args, want in [
        (("correct", "--guest", "G-1", "--night", str(night(2)), "--payer", "Polisen",
          "--reason", "x"), 1),
        (("correct", "--guest", "G-1", "--night", str(night(0)), "--payer", "Polisen",
          "--reason", ""), 2),
    ]:  # fmt: skip
        code, out, err = cli_here(*args, db=db_url, user="tester")
        assert code == want and len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE closed_nights SET closed_by = 'x'",
        "DELETE FROM closed_nights",
        "UPDATE adjustments SET amount = 1",
        "UPDATE adjustments SET payer_id = NULL",
        "DELETE FROM adjustments",
    ],
)
def test_closed_nights_and_adjustments_are_locked(closed: Store, statement: str) -> None:
    with closed.write() as s:
        corrections.correct(s, guest_code="G-1", first=night(0), payer="Svea hovrätt",
                            reason="court", actor="t")  # fmt: skip
        adjust(s, "G-1", night(1), -100, "x")
    before = rows(closed)
    with closed.read() as s:
        closed_before = s.execute(select(ClosedNight.night, ClosedNight.closed_by)).all()
    with pytest.raises(DBAPIError, match=r"bedboard: .* is locked"), closed.engine.begin() as c:
        c.execute(text(statement))
    assert rows(closed) == before
    with closed.read() as s:
        assert s.execute(select(ClosedNight.night, ClosedNight.closed_by)).all() == closed_before


def test_close_in_order_and_only_after_the_night(store: Store) -> None:
    with store.write() as s:
        add_site(s, "Hvilan", "shelter", units=1)
        payers.add_payer(s, name="Polisen", kind="police", actor="t")
        rates.set_rate(
            s, amount=45000, currency="SEK", valid_from=night(-9), site_kind="shelter", actor="t"
        )
        stays.check_in(s, unit="Hvilan/1", guest_code="G-1", night=night(0), nights_count=4,
                       payer="Polisen", actor="t")  # fmt: skip
    still_open = f"night of {night(0)} is still open"
    with pytest.raises(RuleViolation, match=still_open), store.write() as s:
        close.close_night(s, night=night(1), currency="SEK", actor="t")
    with pytest.raises(RuleViolation, match="still going on"), store.write() as s:
        close.close_night(s, night=night(3), currency="SEK", actor="t", latest=night(3),
                          out_of_order=True)  # fmt: skip
    with pytest.raises(RuleViolation, match="has not come yet"), store.write() as s:
        close.close_night(s, night=night(3), currency="SEK", actor="t", latest=night(2),
                          out_of_order=True)  # fmt: skip
    with store.read() as s:
        assert s.scalars(select(ClosedNight.night)).all() == []
        plan = close.plan_close(s, night=night(1), currency="SEK")
    assert (plan.occupied, plan.total_text, plan.by_payer) == (
        1, "450.00 SEK", {"Polisen": (1, {"SEK": 45000})},
    )  # fmt: skip
    with store.write() as s:
        close.close_night(s, night=night(1), currency="SEK", actor="t", out_of_order=True)
        close.close_night(s, night=night(0), currency="SEK", actor="t", latest=night(3))
        close.close_night(s, night=night(2), currency="SEK", actor="t", latest=night(3))
    with store.read() as s:
        assert s.scalars(select(ClosedNight.night).order_by(ClosedNight.night)).all() == [
            night(0), night(1), night(2)
        ]  # fmt: skip

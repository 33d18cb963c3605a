"""Commitments route nights: an explicit `pay` wins, else the newest commitment that covers the
night, else nobody; nights beyond a cap stay unbilled and are flagged; overlapping commitments
of one payer for one guest, and caps of zero or less, are refused and change nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from bedboard.db.models import BedNight, Commitment, Guest, Payer
from bedboard.errors import BadInput, RuleViolation
from bedboard.services.beds import stays
from bedboard.services.billing import close, commitments, payers, payments, rates
from bedboard.store import Store
from tests.support.billing_world import add_site, nights_from
from tests.support.cli import CliRunner

night = nights_from(dt.date(2026, 11, 1))


@pytest.fixture
def booked(store: Store) -> Store:
    """G-1 in Hvilan/1 for nights 0..7 (450.00 a night), nobody pays yet."""
    with store.write() as s:
        add_site(s, "Hvilan", "shelter", units=3)
        for name, kind in (
            ("Polisen", "police"),
            ("Svea hovrätt", "court"),
            ("Åklagaren", "prosecutor"),
            ("Nacka kommun", "municipality"),
        ):
            payers.add_payer(s, name=name, kind=kind, actor="t")  # fmt: skip
        rates.set_rate(
            s, amount=45000, currency="SEK", valid_from=night(-9), site_kind="shelter", actor="t"
        )
        stays.check_in(
            s, unit="Hvilan/1", guest_code="G-1", night=night(0), nights_count=8, actor="t"
        )
    return store


def payers_by_night(store: Store, guest: str = "G-1") -> list[tuple[dt.date, str, str]]:
    with store.read() as s:
        rows = s.execute(
            select(BedNight.night, Payer.name, BedNight.payer_reference)
            .outerjoin(Payer, Payer.id == BedNight.payer_id)
            .where(BedNight.guest_id.is_not(None))
            .order_by(BedNight.night)
        ).all()
    return [(n, p or "", ref) for n, p, ref in rows]


def add(store: Store, payer: str, first: int, last: int | None = None, **kw: object) -> int:
    with store.write() as s:
        c = commitments.add_commitment(
            s,
            payer=payer,
            guest_code="G-1",
            first=night(first),
            last=night(last) if last is not None else None,
            actor="t",
            **kw,  # type: ignore[arg-type]
        )
        return c.id


def test_newest_covering_commitment_routes_and_pay_wins(booked: Store) -> None:
    add(booked, "Polisen", 0, reference="K-1")
    add(booked, "Svea hovrätt", 3, reference="B 12-26")
    with booked.write() as s:  # an explicit pay for night 5 wins over both
        payments.assign_payer(
            s, guest_code="G-1", payer="Åklagaren", first=night(5), last=night(5), actor="t"
        )
    assert payers_by_night(booked) == [
        *[(night(i), "Polisen", "K-1") for i in range(3)],
        (night(3), "Svea hovrätt", "B 12-26"),
        (night(4), "Svea hovrätt", "B 12-26"),
        (night(5), "Åklagaren", ""),
        (night(6), "Svea hovrätt", "B 12-26"),
        (night(7), "Svea hovrätt", "B 12-26"),
    ]


def test_ending_a_commitment_hands_the_nights_back(booked: Store) -> None:
    police = add(booked, "Polisen", 0, reference="K-1")
    court = add(booked, "Svea hovrätt", 3, reference="B")
    with booked.write() as s:
        commitments.end_commitment(s, commitment_id=court, last=night(4), actor="t")
    got = payers_by_night(booked)
    assert [p for _n, p, _r in got] == ["Polisen"] * 3 + ["Svea hovrätt"] * 2 + ["Polisen"] * 3
    with booked.write() as s:
        commitments.end_commitment(s, commitment_id=police, last=night(5), actor="t")
    assert [p for _n, p, _r in payers_by_night(booked)][5:] == ["Polisen", "", ""]
    with booked.read() as s:
        chase = payments.who_pays(s)
    assert [(u.first_night, u.last_night, u.beyond_cap_of) for u in chase] == [
        (night(6), night(7), None)
    ]


def test_cap_in_nights_leaves_the_rest_unbilled_and_flagged(booked: Store) -> None:
    cid = add(booked, "Nacka kommun", 0, max_nights=3, reference="SoN 1")
    got = payers_by_night(booked)
    assert [p for _n, p, _r in got] == ["Nacka kommun"] * 3 + [""] * 5
    with booked.read() as s:
        chase = payments.who_pays(s)
        (line,) = commitments.list_commitments(s)
    assert [(u.first_night, u.last_night, u.nights, u.beyond_cap_of) for u in chase] == [
        (night(3), night(7), 5, cid)
    ]
    assert (line.routed_nights, line.beyond_cap) == (3, 5)


def test_cap_in_money(booked: Store) -> None:
    add(booked, "Nacka kommun", 0, max_amount=100000)  # two nights of 450.00 fit, not three
    assert [p for _n, p, _r in payers_by_night(booked)][:3] == ["Nacka kommun"] * 2 + [""]


def test_cap_counts_closed_nights(booked: Store) -> None:
    add(booked, "Nacka kommun", 0, max_nights=2)
    with booked.write() as s:
        close.close_night(s, night=night(0), currency="SEK", actor="t")
    with booked.write() as s:  # extending the stay re-routes; the closed night still counts
        stays.extend(s, guest_code="G-1", extra_nights=1, actor="t")
    assert [p for _n, p, _r in payers_by_night(booked)] == ["Nacka kommun"] * 2 + [""] * 7


def test_check_in_after_the_decision_is_routed(store: Store) -> None:
    with store.write() as s:
        add_site(s, "Hvilan", "shelter", units=1)
        payers.add_payer(s, name="Polisen", kind="police", actor="t")
        stays.check_in(s, unit="Hvilan/1", guest_code="G-9", night=night(0), actor="t")
        stays.check_out(s, guest_code="G-9", night=night(0), actor="t")
        commitments.add_commitment(
            s, payer="Polisen", guest_code="G-9", first=night(0), reference="K-9", actor="t"
        )
        stays.check_in(s, unit="Hvilan/1", guest_code="G-9", night=night(2), actor="t")
    assert payers_by_night(store, "G-9") == [(night(2), "Polisen", "K-9")]


@pytest.mark.parametrize(
    ("kwargs", "error", "needle"),
    [
        ({"payer": "Polisen", "first": night(2)}, RuleViolation, "already has commitment"),
        ({"payer": "Polisen", "first": night(-5), "last": night(0)}, RuleViolation, "already"),
        ({"payer": "Svea hovrätt", "first": night(0), "max_nights": 0}, BadInput, "at least 1"),
        ({"payer": "Svea hovrätt", "first": night(0), "max_nights": -2}, BadInput, "at least 1"),
        ({"payer": "Svea hovrätt", "first": night(0), "max_amount": 0}, BadInput, "more than"),
        ({"payer": "Svea hovrätt", "first": night(0), "max_amount": -100}, BadInput, "more than"),
        ({"payer": "Svea hovrätt", "first": night(3), "last": night(1)}, BadInput, "before"),
    ],
)
def test_bad_commitments_change_nothing(
    booked: Store, kwargs: dict[str, object], error: type[Exception], needle: str
) -> None:
    add(booked, "Polisen", 0, last=4)
    before = payers_by_night(booked)
    with pytest.raises(error, match=needle), booked.write() as s:
        commitments.add_commitment(s, guest_code="G-1", actor="t", **kwargs)  # type: ignore[arg-type]
    assert payers_by_night(booked) == before
    with booked.read() as s:
        assert len(s.scalars(select(Commitment)).all()) == 1


def test_same_payer_may_commit_again_after_the_first_ends(booked: Store) -> None:
    add(booked, "Polisen", 0, last=2, reference="K-1")
    add(booked, "Polisen", 3, reference="K-2")
    assert {r for _n, _p, r in payers_by_night(booked)} == {"K-1", "K-2"}


def test_ending_soon_while_the_stay_goes_on(booked: Store) -> None:
    cid = add(booked, "Polisen", 0, last=4)
    add(booked, "Svea hovrätt", 0, last=7)  # ends with the stay: no warning
    with booked.read() as s:
        soon = commitments.ending_soon(s, night(2))
        later = commitments.ending_soon(s, night(0))
    assert [(e.commitment_id, e.last_night, e.next_night) for e in soon] == [
        (cid, night(4), night(5))
    ]
    assert later == []  # four days ahead is not within three


def test_cli_add_list_end_and_refusals(booked: Store, db_url: str, cli_here: CliRunner) -> None:
    code, out, err = cli_here(
        "commitments", "add", "--payer", "Polisen", "--guest", "G-1", "--from", str(night(0)),
        "--reference", "K-2026-1", "--max-nights", "5", "--signed-by", "Insp. Berg",
        db=db_url, user="tester",
    )  # fmt: skip
    assert code == 0, err
    assert "commitment #1" in out
    code, out, err = cli_here("commitments", "list", "--json", db=db_url, user="tester")
    (listed,) = json.loads(out)
    assert (listed["payer"], listed["reference"], listed["nights"], listed["beyond_cap"]) == (
        "Polisen", "K-2026-1", 5, 3,
    )  # fmt: skip
    assert listed["signed_by"] == "Insp. Berg"
    code, out, err = cli_here("who-pays", db=db_url, user="tester")
    assert "beyond the cap of commitment #1" in out
    before = payers_by_night(booked)
    for args, want in [
        (("commitments", "add", "--payer", "Polisen", "--guest", "G-1", "--from",
          str(night(3))), 1),
        (("commitments", "add", "--payer", "Svea hovrätt", "--guest", "G-1", "--from",
          str(night(3)), "--max-nights", "0"), 2),
        (("commitments", "add", "--payer", "Svea hovrätt", "--guest", "G-1", "--from",
          str(night(3)), "--max-amount", "-450,00"), 2),
        (("commitments", "add", "--payer", "Svea hovrätt", "--from", str(night(3))), 2),
        (("commitments", "end", "99", "--on", str(night(3))), 1),
    ]:  # fmt: skip
        code, out, err = cli_here(*args, db=db_url, user="tester")
        assert code == want, (args, err)
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert payers_by_night(booked) == before
    code, out, err = cli_here(
        "commitments", "add", "--payer", "Svea hovrätt", "--guest", "G-1", "--from",
        str(night(6)), "--max-amount", "900,00", db=db_url, user="tester",
    )  # fmt: skip
    assert code == 0, err
    assert [p for _n, p, _r in payers_by_night(booked)][5:] == ["", "Svea hovrätt", "Svea hovrätt"]
    code, out, err = cli_here("commitments", "end", "1", "--on", str(night(1)),
                              db=db_url, user="tester")  # fmt: skip
    assert code == 0, err
    assert [p for _n, p, _r in payers_by_night(booked)][:3] == ["Polisen", "Polisen", ""]


def test_a_households_commitment_covers_every_member_under_one_cap(
    booked: Store, db_url: str, cli_here: CliRunner
) -> None:
    for code in ("M-1", "C-1"):
        code_, out, err = cli_here("guests", "add", code, "--household", "H-1", db=db_url,
                                   user="tester")  # fmt: skip
        assert code_ == 0, err
    with booked.write() as s:
        for code, unit in (("M-1", "Hvilan/2"), ("C-1", "Hvilan/3")):
            stays.check_in(s, unit=unit, guest_code=code, night=night(0), nights_count=4,
                           actor="t")  # fmt: skip
    code_, out, err = cli_here(
        "commitments", "add", "--payer", "Nacka kommun", "--household", "H-1", "--from",
        str(night(0)), "--max-nights", "5", "--reference", "SoN 7", db=db_url, user="tester",
    )  # fmt: skip
    assert code_ == 0, err
    assert "household H-1" in out
    with booked.read() as s:
        got = s.execute(
            select(BedNight.night, Guest.code, Payer.name)
            .join(Guest, Guest.id == BedNight.guest_id)
            .outerjoin(Payer, Payer.id == BedNight.payer_id)
            .where(Guest.code.in_(["M-1", "C-1"]))
            .order_by(BedNight.night, Guest.id)
        ).all()
    # five nights in night order, the members together; the other three beyond the cap
    assert [p or "" for _n, _c, p in got] == ["Nacka kommun"] * 5 + [""] * 3
    code_, out, err = cli_here("commitments", "list", "--guest", "C-1", "--json", db=db_url,
                               user="tester")  # fmt: skip
    (listed,) = json.loads(out)
    assert (listed["household"], listed["guest"], listed["nights"], listed["beyond_cap"]) == (
        "H-1", None, 5, 3,
    )  # fmt: skip
    with booked.write() as s:  # the child's own, newer decision wins for the child's nights
        commitments.add_commitment(s, payer="Polisen", guest_code="C-1", first=night(0),
                                   actor="t")  # fmt: skip
    with booked.read() as s:
        mother = (
            s.execute(
                select(Payer.name)
                .select_from(BedNight)
                .join(Guest, Guest.id == BedNight.guest_id)
                .outerjoin(Payer, Payer.id == BedNight.payer_id)
                .where(Guest.code == "M-1")
                .order_by(BedNight.night)
            )
            .scalars()
            .all()
        )
    assert mother == ["Nacka kommun"] * 4  # the cap now has room for all her nights
    code_, out, err = cli_here(
        "commitments", "add", "--payer", "Nacka kommun", "--household", "H-1", "--from",
        str(night(2)), db=db_url, user="tester",
    )  # fmt: skip
    assert code_ == 1 and "already has commitment" in err
    code_, out, err = cli_here("commitments", "add", "--payer", "Polisen", "--guest", "M-1",
                               "--household", "H-1", "--from", str(night(0)), db=db_url,
                               user="tester")  # fmt: skip
    assert code_ == 2


def test_a_deactivated_payers_commitment_takes_no_new_nights(booked: Store) -> None:
    """Checkin, pay and extend refuse a deactivated payer; its commitment must not bill it new
    nights behind their back (routing did, so extend billed the new nights to it). Nights it
    already had stay its; new ones are unbilled, and extend says so."""
    add(booked, "Svea hovrätt", 0, reference="B 12-26")
    with booked.write() as s:
        payers.set_active(s, name="Svea hovrätt", active=False, actor="t")
        done = stays.extend(s, guest_code="G-1", extra_nights=2, actor="t")
        stays.check_in(s, unit="Hvilan/2", guest_code="G-1", night=night(11), actor="t")
    assert done.inactive_payer == "Svea hovrätt"
    got = payers_by_night(booked)
    assert got[:8] == [(night(i), "Svea hovrätt", "B 12-26") for i in range(8)]
    assert got[8:] == [(night(8), "", ""), (night(9), "", ""), (night(11), "", "")]
    with booked.read() as s:
        chase = payments.who_pays(s)
        (line,) = commitments.list_commitments(s)
    assert [(u.first_night, u.last_night, u.beyond_cap_of) for u in chase] == [
        (night(8), night(9), None),
        (night(11), night(11), None),
    ]
    assert (line.routed_nights, line.beyond_cap) == (8, 0)
    with booked.write() as s:  # active again: it takes the nights its decision covers
        payers.set_active(s, name="Svea hovrätt", active=True, actor="t")
        stays.extend(s, guest_code="G-1", extra_nights=1, night=night(11), actor="t")
    assert [p for _n, p, _r in payers_by_night(booked)] == ["Svea hovrätt"] * 12

"""Property test of payers' decisions: random stays, pays, commitments (with and without caps,
some ended), closes in any order and corrections; then, for every occupied night, the billed
total over all payers equals its rate exactly once - the rate of the payer it is billed to now
- or zero when nobody pays it; the unbilled rows add up to the unbilled rate or to zero; the
summary counts each night once, for its payer now; and an open night without an explicit payer
goes to the newest commitment that covers it (when no cap is involved).

Each example works in its own window of dates with its own sites, payers and guests, so one
database serves every example (closed nights can never be deleted to clean up)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bedboard.db.models import Adjustment, BedNight, Commitment, Guest, Payer, Rate, Unit
from bedboard.errors import BedboardError
from bedboard.services.beds import stays
from bedboard.services.billing import close, commitments, corrections, payers, payments, rates
from bedboard.services.exports.billing import billing_rows, billing_summary
from bedboard.store import Store
from tests.support.billing_world import add_site
from tests.test_billing_properties import book_stay, minor, oracle, stay_ops_over

WINDOW = 10
EXAMPLES = {"sqlite": 40, "postgresql": 15}
offsets = st.integers(0, WINDOW - 1)
amounts = st.integers(1, 100_000)
stay_ops = stay_ops_over(3, WINDOW)
commit_ops = st.tuples(
    st.just("commit"),
    st.integers(0, 2),
    st.integers(0, 2),
    offsets,
    st.none() | offsets,
    st.none() | st.integers(1, 4),
    st.none() | st.integers(1, 300_000),
)
close_ops = st.tuples(st.just("close"), offsets, st.sampled_from([True, True, False]))
ops = st.one_of(
    stay_ops,
    commit_ops,
    commit_ops,
    st.tuples(st.just("pay"), st.integers(0, 2), st.integers(0, 2), offsets, offsets),
    st.tuples(st.just("end"), st.integers(0, 5), offsets),
    close_ops,
    close_ops,
    close_ops,
    st.tuples(st.just("correct"), st.integers(0, 20), st.integers(0, 2)),
    st.tuples(st.just("correct"), st.integers(0, 20), st.integers(0, 2)),
    st.tuples(st.just("correct"), st.integers(0, 20), st.integers(0, 2)),
    st.tuples(st.just("checkout"), st.integers(0, 2), offsets),
)
scenarios = st.tuples(
    st.tuples(amounts, amounts, amounts),  # base rate, and two payer-specific rates
    st.lists(stay_ops, min_size=2, max_size=4),  # guests exist before their decisions
    st.lists(ops, min_size=3, max_size=30),
)
counter = itertools.count()
done = [0, 0, 0]  # corrections, closes and commitments that went through (the test checks)


def run_scenario(store: Store, scenario: Any) -> None:
    (base, rate_p0, rate_p1), first_stays, more = scenario
    operations = first_stays + more
    k = next(counter)
    start = dt.date(1990, 1, 1) + dt.timedelta(days=k * (WINDOW + 8))
    day = lambda i: start + dt.timedelta(days=i)  # noqa: E731
    tag = f"y{k}"
    with store.write() as s:
        site_id = add_site(s, f"{tag}S", "shelter", units=3)
        names = [f"{tag}-p{i}" for i in range(3)]
        for name in names:
            payers.add_payer(s, name=name, kind="municipality", actor="t")
        rates.set_rate(s, amount=base, currency="SEK", valid_from=day(0), site=f"{tag}S",
                       actor="t")  # fmt: skip
        for name, amount in ((names[0], rate_p0), (names[1], rate_p1)):
            rates.set_rate(s, amount=amount, currency="SEK", valid_from=day(0),
                           site=f"{tag}S", payer=name, actor="t")  # fmt: skip
    units = [f"{tag}S/{u}" for u in (1, 2, 3)]
    guests = [f"{tag}-g{i}" for i in range(3)]
    explicit: dict[tuple[str, dt.date], str] = {}  # open nights an explicit `pay` decided
    for op in operations:
        try:
            with store.write() as s:
                apply(s, op, units, guests, names, day, explicit)
            if op[0] in ("close", "commit"):
                done[1 if op[0] == "close" else 2] += 1
        except BedboardError:
            pass  # a refused command changes nothing
    check(store, day(0), day(WINDOW + 6), site_id, explicit)


def apply(
    s: Any,
    op: Any,
    units: list[str],
    guests: list[str],
    names: list[str],
    day: Any,
    explicit: dict[tuple[str, dt.date], str],
) -> None:
    kind = op[0]
    if kind == "stay":
        book_stay(s, op, units, guests, day)
    elif kind == "pay":
        _, guest, payer, first, last = op
        first, last = min(first, last), max(first, last)
        payments.assign_payer(s, guest_code=guests[guest], payer=names[payer], first=day(first),
                              last=day(last), reference=f"pay{first}", actor="t")  # fmt: skip
        for n in s.scalars(
            select(BedNight.night)
            .join(Guest, Guest.id == BedNight.guest_id)
            .where(Guest.code == guests[guest], BedNight.posted_at.is_(None),
                   BedNight.night.between(day(first), day(last)))
        ):  # fmt: skip
            explicit[(guests[guest], n)] = names[payer]
    elif kind == "commit":
        _, guest, payer, first, last, max_nights, max_amount = op
        if last is not None and last < first:
            first, last = last, first
        commitments.add_commitment(
            s, payer=names[payer], guest_code=guests[guest], first=day(first),
            last=None if last is None else day(last), reference=f"c{first}",
            max_nights=max_nights, max_amount=max_amount, actor="t",
        )  # fmt: skip
    elif kind == "end":
        ids = s.scalars(select(Commitment.id).order_by(Commitment.id)).all()
        if ids:
            commitments.end_commitment(s, commitment_id=ids[-1 - op[1] % len(ids)],
                                       last=day(op[2]), actor="t")  # fmt: skip
    elif kind == "close":
        close.close_night(s, night=day(op[1]), currency="SEK", actor="t", allow_unbilled=True,
                          out_of_order=op[2])  # fmt: skip
    elif kind == "correct":
        # the k-th closed night of this example (a random guest and night rarely is one)
        _, k, payer = op
        posted = s.execute(
            select(Guest.code, BedNight.night)
            .join(Guest, Guest.id == BedNight.guest_id)
            .where(Guest.code.in_(guests), BedNight.posted_at.is_not(None))
            .order_by(BedNight.night, Guest.code)
        ).all()
        if posted:
            code, night = posted[k % len(posted)]
            corrections.correct(s, guest_code=code, first=night, payer=names[payer],
                                reason="property", actor="t")  # fmt: skip
            done[0] += 1
    else:
        _, guest, night = op
        stays.check_out(s, guest_code=guests[guest], night=day(night), actor="t")
        for key in [key for key in explicit if key[0] == guests[guest] and key[1] >= day(night)]:
            del explicit[key]


def check(
    store: Store,
    first: dt.date,
    last: dt.date,
    site_id: int,
    explicit: dict[tuple[str, dt.date], str],
) -> None:
    with store.read() as s:
        rules = list(s.scalars(select(Rate)))
        names = {a: b for a, b in s.execute(select(Payer.id, Payer.name))}
        ids = {b: a for a, b in names.items()}
        nights = s.execute(
            select(BedNight, Guest.code)
            .join(Guest, Guest.id == BedNight.guest_id)
            .join(Unit, Unit.id == BedNight.unit_id)
            .where(BedNight.state == "occupied", Unit.site_id == site_id)
        ).all()
        rebills = {
            a.bed_night_id: a
            for a in s.scalars(
                select(Adjustment).where(Adjustment.kind == "rebill").order_by(Adjustment.id)
            )
        }  # the latest rebill of each night wins the dict
        decisions = list(s.scalars(select(Commitment).order_by(Commitment.id)))
        rows = list(billing_rows(s, first, last, currency="SEK"))
        totals = billing_summary(s, first, last, currency="SEK")
    my_keys = {(n.night.isoformat(), code) for n, code in nights}
    mine = [r for r in rows if (r[0], r[5]) in my_keys]
    billed: dict[tuple[str, str], int] = defaultdict(int)
    nobody: dict[tuple[str, str], int] = defaultdict(int)
    for r in mine:
        (billed if r[1] else nobody)[(r[0], r[5])] += minor(r[7])
    want_nights: dict[str, int] = defaultdict(int)
    for n, code in nights:
        key = (n.night.isoformat(), code)
        rebill = rebills.get(n.id)
        now = rebill.payer_id if rebill is not None else n.payer_id
        if now is not None:
            want_nights[names[now]] += 1
        rate_now = oracle(rules, n.night, site_id, "shelter", now)
        assert billed[key] == (rate_now if now is not None else 0), (key, "billed once")
        unbilled_rate = (
            n.rate if n.posted_at is not None else oracle(rules, n.night, site_id, "shelter", None)
        )
        assert nobody[key] == (unbilled_rate if (now is None and rebill is None) else 0), key
        if rebill is not None:
            assert rebill.amount == rate_now
        if n.posted_at is None:
            assert rebill is None
            wanted = explicit.get((code, n.night))
            if wanted is not None:
                assert n.payer_id == ids[wanted], (key, "an explicit pay wins")
                continue
            guest_id = n.guest_id
            covering = [
                c for c in decisions
                if c.guest_id == guest_id and c.first_night <= n.night
                and (c.last_night is None or n.night <= c.last_night)
            ]  # fmt: skip
            if not covering:
                assert n.payer_id is None and n.commitment_id is None, key
            elif all(c.max_nights is None and c.max_amount is None for c in decisions
                     if c.guest_id == guest_id):  # fmt: skip
                newest = covering[-1]
                assert (n.payer_id, n.commitment_id) == (newest.payer_id, newest.id), key
            else:
                assert n.commitment_id == covering[-1].id, key
                assert n.payer_id in (None, covering[-1].payer_id), key
    got = {t.payer: t.nights for t in totals}
    for name, count in want_nights.items():
        assert got.get(name, 0) == count, (name, "each night counted once, for its payer now")
    assert sum(t.amount for t in totals) == sum(minor(r[7]) for r in rows)


def test_each_night_is_billed_once_whatever_the_order(store: Store, backend: str) -> None:
    @settings(
        max_examples=EXAMPLES[backend],
        deadline=None,
        derandomize=True,  # the same examples every run, so the guard below cannot flake
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(scenarios)
    def run(scenario: Any) -> None:
        run_scenario(store, scenario)

    done[:] = [0, 0, 0]
    run()
    corrected, closed, committed = done
    least = EXAMPLES[backend] // 8
    assert min(corrected, closed, committed) >= least, done  # it tested something

"""Stateful property tests: random sequences of check in, check out, extend, move, hold,
confirm and cancel keep every invariant on both backends, succeed exactly when a simple model
says they should, and change nothing when they fail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import text
from sqlalchemy.orm import Session

from bedboard.errors import BedboardError
from bedboard.services.beds import holds, stays
from bedboard.store import Store
from tests.support.booking import book
from tests.support.invariants import GuestNights, guest_nights, violations
from tests.support.seed import BASE_NIGHT, StayModel, seed

UNITS = ["Site1/1", "Site1/2", "Site1/3", "Site1/4"]
GUESTS = ["G-1", "G-2", "G-3"]
WINDOW = 8
EXAMPLES = {"sqlite": 40, "postgresql": 8}

nights_st = st.integers(0, WINDOW - 1).map(lambda d: BASE_NIGHT + dt.timedelta(days=d))
units_st = st.sampled_from(UNITS)
guests_st = st.sampled_from(GUESTS)
counts_st = st.integers(1, 3)


def fresh(store: Store) -> None:
    """Empty the bookings between examples (nothing here is posted, so nothing is locked)."""
    with store.write() as session:
        for table in ("bed_nights", "hold_units", "holds", "stays", "avoid_rules", "guests"):
            session.execute(text(f"DELETE FROM {table}"))
        if not session.execute(text("SELECT count(*) FROM units")).scalar_one():
            seed(session, sites=1, units=len(UNITS))


class Bookings(RuleBasedStateMachine):
    store: Store

    def __init__(self) -> None:
        super().__init__()
        fresh(self.store)
        self.model = StayModel()
        self.holds: dict[int, tuple[str, dt.date]] = {}

    # what the model says about a unit and a night
    def taken(self, unit: str, night: dt.date, ignore_guest: str | None = None) -> bool:
        if (unit, night) in self.holds.values():
            return True
        return any(
            nights.get(night) == unit
            for code, nights in self.model.nights.items()
            if code != ignore_guest
        )

    def attempt(self, expected: bool, change: Callable[[Session], object]) -> tuple[bool, object]:
        """Run one change; it must succeed exactly when expected, and a failure changes
        nothing at all. Returns whether it worked, and what it returned."""
        before = self.picture()
        try:
            with self.store.write() as session:
                result = change(session)
        except BedboardError as exc:
            assert not expected, f"refused but should have worked: {exc}"
            assert self.picture() == before, "a refused change changed something"
            return False, None
        assert expected, "worked but should have been refused"
        return True, result

    def picture(self) -> tuple[GuestNights, int]:
        with self.store.read() as session:
            conn = session.connection()
            held = conn.execute(text("SELECT count(*) FROM bed_nights WHERE state = 'held'"))
            return guest_nights(conn), held.scalar_one()

    @rule(guest=guests_st, unit=units_st, first=nights_st, count=counts_st)
    def check_in(self, guest: str, unit: str, first: dt.date, count: int) -> None:
        wanted = [first + dt.timedelta(days=i) for i in range(count)]
        mine = self.model.nights.get(guest, {})
        ok = not any(self.taken(unit, n) or n in mine for n in wanted)
        done, _ = self.attempt(
            ok,
            lambda s: stays.check_in(
                s, unit=unit, guest_code=guest, night=first, nights_count=count, actor="prop"
            ),
        )
        if done:
            self.model.check_in(guest, unit, first, count)

    @rule(guest=guests_st, night=nights_st)
    def check_out(self, guest: str, night: dt.date) -> None:
        ok = night in self.model.nights.get(guest, {})
        if self.attempt(
            ok, lambda s: stays.check_out(s, guest_code=guest, night=night, actor="prop")
        )[0]:
            self.model.check_out(guest, night)

    @rule(guest=guests_st, count=counts_st)
    def extend(self, guest: str, count: int) -> None:
        mine = self.model.nights.get(guest, {})
        ok = bool(mine)
        if mine:
            last = max(mine)
            wanted = [last + dt.timedelta(days=i) for i in range(1, count + 1)]
            ok = not any(self.taken(mine[last], n) for n in wanted)
        if self.attempt(
            ok, lambda s: stays.extend(s, guest_code=guest, extra_nights=count, actor="prop")
        )[0]:
            self.model.extend(guest, count)

    @rule(guest=guests_st, unit=units_st, night=nights_st)
    def move(self, guest: str, unit: str, night: dt.date) -> None:
        mine = self.model.nights.get(guest, {})
        moving = {n: mine[n] for n in self.model.visit_from(guest, night)}
        ok = (
            bool(moving)
            and unit not in moving.values()
            and not any(self.taken(unit, n, ignore_guest=guest) for n in moving)
        )
        if self.attempt(
            ok,
            lambda s: stays.move(s, guest_code=guest, to_unit=unit, from_night=night, actor="p"),
        )[0]:
            self.model.move(guest, unit, night)

    @rule(unit=units_st, night=nights_st)
    def hold(self, unit: str, night: dt.date) -> None:
        _, row = self.attempt(
            not self.taken(unit, night),
            lambda s: holds.hold(s, unit=unit, night=night, held_for="on the way", actor="prop"),
        )
        if isinstance(row, holds.Hold):
            self.holds[row.id] = (unit, night)

    @rule(data=st.data())
    def cancel_hold(self, data: st.DataObject) -> None:
        known = [*sorted(self.holds), 999_999]
        hold_id = data.draw(st.sampled_from(known))
        if self.attempt(
            hold_id in self.holds,
            lambda s: holds.cancel_hold(s, hold_id=hold_id, actor="prop"),
        )[0]:
            del self.holds[hold_id]

    @rule(data=st.data(), guest=guests_st, count=counts_st)
    def confirm_hold(self, data: st.DataObject, guest: str, count: int) -> None:
        known = [*sorted(self.holds), 999_999]
        hold_id = data.draw(st.sampled_from(known))
        ok = hold_id in self.holds
        if ok:
            unit, night = self.holds[hold_id]
            wanted = [night + dt.timedelta(days=i) for i in range(count)]
            mine = self.model.nights.get(guest, {})
            others = {k: v for k, v in self.holds.items() if k != hold_id}.values()
            ok = not any(
                n in mine
                or (unit, n) in others
                or any(ns.get(n) == unit for ns in self.model.nights.values())
                for n in wanted
            )
        if self.attempt(
            ok,
            lambda s: holds.confirm_hold(
                s, hold_id=hold_id, guest_code=guest, nights_count=count, actor="prop"
            ),
        )[0]:
            unit, night = self.holds.pop(hold_id)
            self.model.check_in(guest, unit, night, count)

    @invariant()
    def invariants_hold_and_match_the_model(self) -> None:
        with self.store.read() as session:
            conn = session.connection()
            assert violations(conn) == []
            assert guest_nights(conn) == self.model.picture()
            held = conn.execute(text("SELECT count(*) FROM bed_nights WHERE state = 'held'"))
            assert held.scalar_one() == len(self.holds)


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
def test_random_sequences_keep_every_invariant(store: Store, db_url: str) -> None:
    backend = "sqlite" if "://" not in db_url else "postgresql"
    Bookings.store = store
    run_state_machine_as_test(
        Bookings,
        settings=settings(
            max_examples=EXAMPLES[backend],
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )


def test_moving_nights_of_two_stays_keeps_each_stay_whole(store: Store) -> None:
    """Found by the soak: move used to put a guest's later nights of two separate stays into
    one new stay, which then had a gap. Now a move takes only the visit it starts in (issue 13):
    the later stay stays whole where it was."""
    fresh(store)
    with store.write() as session:
        stays.check_in(
            session, unit="Site1/1", guest_code="G", night=BASE_NIGHT, nights_count=2, actor="t"
        )
        book(session, "Site1/2", "G", BASE_NIGHT + dt.timedelta(days=4), 2)
        stays.move(
            session,
            guest_code="G",
            to_unit="Site1/3",
            from_night=BASE_NIGHT + dt.timedelta(days=1),
            actor="t",
        )
    with store.read() as session:
        conn = session.connection()
        assert violations(conn) == []
        moved = conn.execute(
            text("SELECT count(*), count(DISTINCT stay_id) FROM bed_nights WHERE unit_id = 3")
        ).one()
        assert tuple(moved) == (1, 1)
        kept = conn.execute(text("SELECT count(*) FROM bed_nights WHERE unit_id = 2")).scalar_one()
        assert kept == 2

"""Households and holds that cover the whole stay, on both backends: a hold has every unit and
every night under one id and expires as a whole; confirming books every held night for the
guests paired with the units; a household check-in is all or none; eligibility and keep-away
rules are enforced at the door."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from sqlalchemy import func, select

from bedboard.db.models import AuditEntry, BedNight, Hold
from bedboard.errors import BadInput, RuleViolation, UnitTaken
from bedboard.services.beds import holds, stays
from bedboard.services.beds.availability import availability
from bedboard.services.beds.placement import Needs, find_places, needs_for
from bedboard.services.people import avoid, guests
from bedboard.services.people.eligibility import NotEligible
from bedboard.services.people.guests import GuestFields
from bedboard.store import Store
from tests.support.rules_world import NIGHT, NOW, Recorded, add_mother_and_children, night, refused

LATER = NOW + dt.timedelta(hours=2)  # past a 90-minute hold


def status(store: Store, ref: str, on: dt.date, now: dt.datetime = NOW) -> str:
    with store.read() as s:
        return next(u.status for u in availability(s, on, now) if u.ref == ref)


def family(store: Store) -> None:
    """A mother who needs a women-only place, and her two children, in household H-7."""
    with store.write() as s:
        add_mother_and_children(s, actor="t")


def test_a_hold_covers_every_unit_and_night_and_expires_as_a_whole(world: Store) -> None:
    with Recorded(world, "hold"), world.write() as s:
        row = holds.hold(
            s, units=["Hvilan/1", "Hvilan/2"], night=NIGHT, nights_count=3, actor="t", now=NOW
        )
        hold_id = row.id
        assert holds.held_units(s, hold_id) == ["Hvilan/1", "Hvilan/2"]
    for ref in ("Hvilan/1", "Hvilan/2"):
        assert [status(world, ref, night(i)) for i in range(4)] == ["held"] * 3 + ["free"]
        assert [status(world, ref, night(i), LATER) for i in range(3)] == ["free"] * 3
    # Taking the last night after expiry clears the whole hold, not only that night.
    with world.write() as s:
        stays.check_in(s, unit="Hvilan/2", guest_code="G-1", night=night(2), actor="t", now=LATER)
    with world.read() as s:
        assert s.scalar(select(func.count()).where(BedNight.hold_id == hold_id)) == 0
        assert s.get(Hold, hold_id).status != "active"  # type: ignore[union-attr]


def test_a_hold_for_a_future_night_expires_by_the_clock(world: Store) -> None:
    with world.write() as s:
        holds.hold(s, unit="Hvilan/1", night=night(10), nights_count=2, actor="t", now=NOW)
    assert status(world, "Hvilan/1", night(11)) == "held"
    assert status(world, "Hvilan/1", night(11), LATER) == "free"
    with world.read() as s:
        held = next(u for u in availability(s, night(10), NOW) if u.ref == "Hvilan/1")
    assert held.hold_expires_at == NOW + dt.timedelta(minutes=90)


def test_a_hold_is_all_or_none(world: Store) -> None:
    with world.write() as s:
        stays.check_in(s, unit="Hvilan/3", guest_code="G-X", night=night(1), actor="t", now=NOW)
    refused(
        world,
        UnitTaken,
        lambda s: holds.hold(
            s, units=["Hvilan/1", "Hvilan/3"], night=NIGHT, nights_count=2, actor="t", now=NOW
        ),
        "Hvilan/3 is taken on the night of 2026-11-28",
    )
    refused(
        world,
        BadInput,
        lambda s: holds.hold(s, units=["Hvilan/1", "Hvilan/1"], night=NIGHT, actor="t", now=NOW),
        "twice",
    )


def test_confirm_books_every_held_night_for_the_paired_guests(world: Store) -> None:
    with world.write() as s:
        hold_id = holds.hold(
            s,
            units=["Hvilan/1", "Familjen Berg/1", "Familjen Berg/2"],
            night=NIGHT,
            nights_count=3,
            actor="t",
            now=NOW,
        ).id
    # Two guests for three units: refused, the hold stays as it was.
    refused(
        world,
        BadInput,
        lambda s: holds.confirm(s, hold_id=hold_id, guest_codes=["G-1", "G-2"], actor="t", now=NOW),
        "3 guest",
    )
    with Recorded(world, "confirm_hold", "check_in", "check_in", "check_in"), world.write() as s:
        booked = holds.confirm(
            s,
            hold_id=hold_id,
            guest_codes=["G-1", "G-2", "G-3"],
            payer="Polisen",
            actor="t",
            now=NOW,
        )
    assert len(booked) == 3
    with world.read() as s:
        for i in range(3):
            placed = {u.ref: u.guest_code for u in availability(s, night(i), NOW) if u.guest_code}
            assert placed == {
                "Hvilan/1": "G-1",
                "Familjen Berg/1": "G-2",
                "Familjen Berg/2": "G-3",
            }
        assert s.scalar(select(func.count()).where(BedNight.payer_id.is_(None))) == 0


def test_confirm_refuses_a_guest_the_unit_does_not_fit(world: Store) -> None:
    with world.write() as s:
        guests.add_guest(s, code="G-M", fields=GuestFields(gender="man"), actor="t")
        hold_id = holds.hold(s, unit="Hvilan/1", night=NIGHT, actor="t", now=NOW).id
    refused(
        world,
        NotEligible,
        lambda s: holds.confirm_hold(s, hold_id=hold_id, guest_code="G-M", actor="t", now=NOW),
        "a man in a women-only place",
    )


def test_household_check_in_where_one_unit_is_taken_books_nobody(world: Store) -> None:
    family(world)
    with world.write() as s:
        stays.check_in(s, unit="Familjen Berg/2", guest_code="G-X", night=night(2), actor="t")
    refused(
        world,
        UnitTaken,
        lambda s: stays.check_in_many(
            s,
            pairs=[
                ("Hvilan/1", "G-201"),
                ("Familjen Berg/1", "G-202"),
                ("Familjen Berg/2", "G-203"),
            ],
            night=NIGHT,
            nights_count=3,
            override="tonight only; the shelter takes her children",
            actor="t",
            now=NOW,
        ),
        "Familjen Berg/2 is taken",
    )
    with Recorded(world, "check_in", "check_in"), world.write() as s:
        stays.check_in_many(
            s,
            pairs=[("Familjen Berg/1", "G-202"), ("Familjen Berg/2", "G-203")],
            night=NIGHT,
            nights_count=2,
            actor="t",
            now=NOW,
        )


@pytest.mark.parametrize(
    ("fields", "unit", "says"),
    [
        (GuestFields(gender="man", birth_year=1980), "Hvilan/1", "a man in a women-only place"),
        (GuestFields(birth_year=2015), "Hvilan/1", "a child where children are not taken"),
        (GuestFields(needs="women_only"), "Familjen Berg/1", "needs a women-only place"),
        (GuestFields(needs="accessible"), "Hvilan/1", "needs an accessible place"),
    ],
)
def test_eligibility_at_the_door(world: Store, fields: GuestFields, unit: str, says: str) -> None:
    with world.write() as s:
        guests.add_guest(s, code="G-E", fields=fields, actor="t")
        stays.check_in(s, unit="Hvilan/3", guest_code="G-W", night=NIGHT, actor="t")
    refused(
        world,
        NotEligible,
        lambda s: stays.check_in(s, unit=unit, guest_code="G-E", night=NIGHT, actor="t", now=NOW),
        says,
    )
    # The same contradiction is refused for a move, from a unit that fits.
    with world.write() as s:
        s.execute(select(1))
    with Recorded(world, "check_in", "eligibility_override"), world.write() as s:
        stays.check_in(
            s,
            unit=unit,
            guest_code="G-E",
            night=NIGHT,
            override="no other place tonight; the site agreed",
            actor="t",
            now=NOW,
        )
    with world.read() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None and "the site agreed" in entry.detail and says in entry.detail


def test_move_refuses_a_man_in_a_women_only_unit(world: Store) -> None:
    with world.write() as s:
        guests.add_guest(s, code="G-M", fields=GuestFields(gender="man"), actor="t")
        stays.check_in(s, unit="Familjen Berg/1", guest_code="G-M", night=NIGHT, actor="t")
    refused(
        world,
        NotEligible,
        lambda s: stays.move(
            s, guest_code="G-M", to_unit="Hvilan/1", from_night=NIGHT, actor="t", now=NOW
        ),
        "women-only",
    )


def test_keep_away_rules_refuse_without_saying_why(world: Store) -> None:
    with world.write() as s:
        for code in ("G-A", "G-B", "G-C"):
            guests.add_guest(s, code=code, fields=GuestFields(gender="woman"), actor="t")
        avoid.add_rule(s, guest_code="G-A", area="Nacka", actor="t")
        avoid.add_rule(s, guest_code="G-B", other_guest="G-C", actor="t")
        stays.check_in(s, unit="Hvilan/1", guest_code="G-C", night=night(1), actor="t")
    for code, unit in (("G-A", "Familjen Berg/1"), ("G-B", "Hvilan/3")):
        error = refused(
            world,
            RuleViolation,
            partial(
                stays.check_in,
                unit=unit,
                guest_code=code,
                night=NIGHT,
                nights_count=2,
                actor="t",
                now=NOW,
            ),
        )
        assert str(error) == "not suitable for this guest"
    # The rule runs both ways: G-C is not placed where G-B sleeps either.
    with world.write() as s:
        stays.check_in(s, unit="Familjen Berg/1", guest_code="G-B", night=night(1), actor="t")
    refused(
        world,
        RuleViolation,
        lambda s: stays.move(
            s, guest_code="G-C", to_unit="Familjen Berg/2", from_night=night(1), actor="t"
        ),
        "not suitable",
    )
    with world.read() as s:
        offered = find_places(s, NIGHT, needs_for(s, Needs(), night=NIGHT, guest="G-A"), NOW)
    assert [o.site for o in offered] == ["Hvilan"]


def test_find_for_a_household(world: Store) -> None:
    family(world)
    with world.read() as s:
        needs = needs_for(s, Needs(nights=3), night=NIGHT, household="H-7")
        assert (needs.places, needs.children_count, needs.women_only) == (3, 2, True)
        # Hvilan is women only but takes no children, Berg takes children but is not women
        # only: nothing fits this family in the small world.
        assert find_places(s, NIGHT, needs, NOW) == []
        assert needs.unmet() == ["women_only", "children"]
        two = needs_for(s, Needs(), night=NIGHT, guest="G-202")
        assert [o.site for o in find_places(s, NIGHT, two, NOW)] == ["Familjen Berg"]
    with pytest.raises(RuleViolation, match="no site has 4 places"), world.read() as s:
        find_places(s, NIGHT, Needs(places=4), NOW)
    with pytest.raises(RuleViolation, match="no household"), world.read() as s:
        needs_for(s, Needs(), night=NIGHT, household="H-404")


def test_find_puts_a_household_in_one_room_first(world: Store) -> None:
    with world.read() as s:
        best = find_places(s, NIGHT, Needs(places=2, women_only=True), NOW)[0]
    assert best.units == ("Hvilan/1", "Hvilan/2") and best.reasons == ["same room"]

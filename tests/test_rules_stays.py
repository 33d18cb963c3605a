"""Check in, check out, extend and move, with every refusal changing nothing; on both backends."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedboard.db.models import BedNight, ClosedNight, Guest, Payer, Stay, Unit
from bedboard.errors import BadInput, BedboardError, NightClosed, NotFound, RuleViolation, UnitTaken
from bedboard.services.beds import stays
from bedboard.services.clock import MAX_NIGHTS
from bedboard.store import Store
from tests.support.booking import book
from tests.support.db_checks import guest_nights
from tests.support.rules_world import NIGHT, NOW, Change, Recorded, last_audit, night, refused


def nights_of(store: Store, guest_code: str) -> list[tuple[str, dt.date, str | None, str]]:
    """(unit label with site, night, payer name, reference) for each of the guest's nights."""
    with store.read() as s:
        rows = s.execute(guest_nights(guest_code, BedNight, Unit.label, Payer.name)).all()
        return [(label, bn.night, payer, bn.payer_reference) for bn, label, payer in rows]


def check_in(store: Store, unit: str, guest: str, first: dt.date, **kw: Any) -> Stay:
    with store.write() as s:
        return stays.check_in(
            s, unit=unit, guest_code=guest, night=first, actor="tester", now=NOW, **kw
        )


def test_check_in_defaults_to_one_night_without_payer(world: Store) -> None:
    with Recorded(world, "check_in"):
        stay = check_in(world, "Hvilan/1", "G-1", NIGHT)
    assert nights_of(world, "G-1") == [("1", NIGHT, None, "")]
    with world.read() as s:
        guest = s.scalars(select(Guest).where(Guest.code == "G-1")).one()
        assert guest.protected
        bn = s.scalars(select(BedNight)).one()
        assert (bn.state, bn.stay_id, bn.guest_id) == ("occupied", stay.id, guest.id)
    entry = last_audit(world)
    assert (entry.actor, entry.target) == ("tester", "unit:Hvilan/1")
    assert '"guest": "G-1"' in entry.detail


def test_check_in_n_nights_with_payer_and_reference(world: Store) -> None:
    check_in(
        world,
        "Familjen Berg/2",
        "G-2",
        NIGHT,
        nights_count=3,
        payer="Polisen",
        reference=" K-2026-1 ",
    )
    assert nights_of(world, "G-2") == [("2", night(i), "Polisen", "K-2026-1") for i in range(3)]


def test_check_in_existing_guest_on_other_nights(world: Store) -> None:
    check_in(world, "Hvilan/1", "G-1", NIGHT)
    check_in(world, "Hvilan/2", "G-1", night(1))
    assert [n[:2] for n in nights_of(world, "G-1")] == [("1", NIGHT), ("2", night(1))]
    with world.read() as s:
        assert len(s.scalars(select(Guest)).all()) == 1


def test_refused_unit_taken(world: Store) -> None:
    check_in(world, "Hvilan/1", "G-1", night(1))

    def change(s: Session) -> None:
        stays.check_in(
            s, unit="Hvilan/1", guest_code="G-9", night=NIGHT, nights_count=3, actor="t", now=NOW
        )

    error = refused(world, UnitTaken, change, match="Hvilan/1 is taken")
    assert str(night(1)) in str(error)


def test_refused_guest_already_elsewhere_that_night(world: Store) -> None:
    check_in(world, "Hvilan/1", "G-1", night(2))

    def change(s: Session) -> None:
        book(s, "Familjen Berg/1", "G-1", NIGHT, 3, now=NOW)

    refused(world, RuleViolation, change, match="G-1 already has a bed")


BAD_UNITS_AND_PAYERS: list[tuple[str, str | None, type[BedboardError], str]] = [
    ("Hvilan/99", None, NotFound, "no unit"),
    ("Nowhere/1", None, NotFound, "no site 'Nowhere'"),
    ("Hvilan/1", "Nobody", NotFound, "no payer named 'Nobody'"),
    ("Hvilan/1", "Gamla payer", NotFound, "deactivated"),
    ("Hvilan", None, BadInput, "SITE/UNIT"),
    ("/1", None, BadInput, "SITE/UNIT"),
    ("Hvilan/", None, BadInput, "SITE/UNIT"),
]


def test_refused_unknown_unit_or_payer_and_bad_unit_syntax(world: Store) -> None:
    for unit, payer, error, match in BAD_UNITS_AND_PAYERS:
        refused(
            world,
            error,
            partial(
                stays.check_in,
                unit=unit,
                guest_code="G-new",
                night=NIGHT,
                payer=payer,
                actor="t",
                now=NOW,
            ),
            match=match,
        )


def test_refused_night_count(world: Store) -> None:
    for count in [0, -1, MAX_NIGHTS + 1, 10_000]:
        refused(
            world,
            BadInput,
            partial(
                stays.check_in,
                unit="Hvilan/1",
                guest_code="G-1",
                night=NIGHT,
                nights_count=count,
                actor="t",
            ),
            match="nights must be",
        )


def test_refused_bad_guest_code(world: Store) -> None:
    for code in ["", "   ", "x" * 101, "bad\ncode"]:
        refused(
            world,
            BadInput,
            partial(
                stays.check_in, unit="Hvilan/1", guest_code=code, night=NIGHT, actor="t", now=NOW
            ),
            match="guest code",
        )


def test_texts_longer_than_their_column_are_refused_alike_on_both_backends(world: Store) -> None:
    """PostgreSQL would refuse them with a bare database error and SQLite would keep them."""
    refused(
        world,
        BadInput,
        lambda s: stays.check_in(
            s, unit="Hvilan/1", guest_code="G-1", night=NIGHT, reference="K" * 201, actor="t"
        ),
        match="reference must be at most 200",
    )
    check_in(world, "Hvilan/1", "G-1", NIGHT, reference="K" * 200)
    assert nights_of(world, "G-1")[0][3] == "K" * 200


def close_night(store: Store, closed: dt.date) -> None:
    with store.write() as s:
        s.add(ClosedNight(night=closed, closed_at=NOW, closed_by="night audit"))


def test_refused_closed_night(world: Store) -> None:
    close_night(world, night(1))

    def change(s: Session) -> None:
        stays.check_in(
            s, unit="Hvilan/1", guest_code="G-1", night=NIGHT, nights_count=3, actor="t", now=NOW
        )

    refused(world, NightClosed, change, match=f"night of {night(1)} is closed")


def test_closed_night_is_refused_by_the_database_too(world: Store) -> None:
    """Even past the service's check, the trigger refuses a new bed-night on a closed night."""
    close_night(world, NIGHT)

    def change(s: Session) -> None:
        unit_id = s.scalars(select(Unit.id).where(Unit.label == "3")).one()
        s.add(BedNight(unit_id=unit_id, night=NIGHT, state="out_of_service", reason="x"))
        s.flush()

    refused(world, NightClosed, change, match="closed")


def test_check_out_removes_nights_from_the_given_night_on(world: Store) -> None:
    check_in(world, "Hvilan/1", "G-1", NIGHT, nights_count=5, payer="Polisen")
    with Recorded(world, "check_out"), world.write() as s:
        removed = stays.check_out(s, guest_code="G-1", night=night(2), actor="tester")
    assert removed == 3
    assert [n[1] for n in nights_of(world, "G-1")] == [NIGHT, night(1)]


def test_check_out_refusals(world: Store) -> None:
    check_in(world, "Hvilan/1", "G-1", NIGHT, nights_count=2)
    refused(
        world,
        NotFound,
        lambda s: stays.check_out(s, guest_code="G-404", night=NIGHT, actor="t"),
        match="no guest",
    )
    refused(
        world,
        RuleViolation,
        lambda s: stays.check_out(s, guest_code="G-1", night=night(2), actor="t"),
        match="no nights",
    )


def test_extend_adds_nights_in_the_same_unit_with_the_same_payer(world: Store) -> None:
    stay = check_in(
        world,
        "Familjen Berg/1",
        "G-1",
        NIGHT,
        nights_count=2,
        payer="Svea hovrätt",
        reference="B 1-26",
    )
    with Recorded(world, "extend"), world.write() as s:
        extended = stays.extend(s, guest_code="G-1", extra_nights=2, actor="tester", now=NOW)
    assert extended.stay.id == stay.id and extended.inactive_payer == ""
    assert nights_of(world, "G-1") == [("1", night(i), "Svea hovrätt", "B 1-26") for i in range(4)]


def test_extend_refusals(world: Store) -> None:
    check_in(world, "Hvilan/1", "G-1", NIGHT, nights_count=2)
    check_in(world, "Hvilan/1", "G-2", night(3))
    close_night(world, night(2))
    refused(
        world,
        NightClosed,
        lambda s: stays.extend(s, guest_code="G-1", extra_nights=1, actor="t", now=NOW),
    )
    refused(
        world,
        NotFound,
        lambda s: stays.extend(s, guest_code="G-404", extra_nights=1, actor="t", now=NOW),
    )
    refused(
        world,
        BadInput,
        lambda s: stays.extend(s, guest_code="G-1", extra_nights=0, actor="t", now=NOW),
    )


def test_extend_into_a_taken_night_is_refused(world: Store) -> None:
    check_in(world, "Hvilan/1", "G-1", NIGHT, nights_count=2)
    check_in(world, "Hvilan/1", "G-2", night(3))
    refused(
        world,
        UnitTaken,
        lambda s: stays.extend(s, guest_code="G-1", extra_nights=2, actor="t", now=NOW),
        match=f"taken on the night of {night(3)}",
    )


def test_move_from_a_night_on(world: Store) -> None:
    first = check_in(
        world, "Hvilan/1", "G-1", NIGHT, nights_count=4, payer="Polisen", reference="K-7"
    )
    with Recorded(world, "move"), world.write() as s:
        moved = stays.move(
            s,
            guest_code="G-1",
            to_unit="Familjen Berg/2",
            from_night=night(2),
            actor="tester",
            now=NOW,
        )
    assert moved.id != first.id
    assert nights_of(world, "G-1") == [
        ("1", NIGHT, "Polisen", "K-7"),
        ("1", night(1), "Polisen", "K-7"),
        ("2", night(2), "Polisen", "K-7"),
        ("2", night(3), "Polisen", "K-7"),
    ]
    with world.read() as s:
        by_stay = dict(
            s.execute(
                select(BedNight.night, BedNight.stay_id).where(BedNight.night >= night(2))
            ).all()
        )
    assert set(by_stay.values()) == {moved.id}
    # The old unit is free from the moved night on: someone else can have it.
    check_in(world, "Hvilan/1", "G-2", night(2), nights_count=2)


def test_move_refusals(world: Store) -> None:
    check_in(world, "Hvilan/1", "G-1", NIGHT, nights_count=3)
    check_in(world, "Hvilan/2", "G-2", night(2))

    def move_to(unit: str, from_night: dt.date = NIGHT, guest: str = "G-1") -> Change:
        return lambda s: stays.move(
            s, guest_code=guest, to_unit=unit, from_night=from_night, actor="t", now=NOW
        )

    taken = f"Hvilan/2 is taken on the night of {night(2)}"
    refused(world, UnitTaken, move_to("Hvilan/2"), match=taken)
    refused(world, NotFound, move_to("Hvilan/99"))
    refused(world, BadInput, move_to("Hvilan 2"))
    refused(world, NotFound, move_to("Hvilan/3", guest="G-404"))
    refused(world, RuleViolation, move_to("Hvilan/3", from_night=night(5)), match="no nights")
    refused(world, RuleViolation, move_to("Hvilan/1"), match="already in")


def test_extend_refuses_a_stay_that_ended_before_last_night(world: Store) -> None:
    check_in(world, "Hvilan/1", "G-1", NIGHT, nights_count=2)
    refused(
        world,
        RuleViolation,
        lambda s: stays.extend(
            s, guest_code="G-1", extra_nights=1, actor="t", tonight=night(3), now=NOW
        ),
        match="check them in again",
    )
    with world.write() as s:  # last night was yesterday: extending from tonight is fine
        stays.extend(s, guest_code="G-1", extra_nights=1, actor="t", tonight=night(2), now=NOW)
    assert [n[1] for n in nights_of(world, "G-1")] == [NIGHT, night(1), night(2)]


def test_check_out_before_the_stay_began_is_refused(world: Store) -> None:
    check_in(world, "Hvilan/1", "G-1", night(2), nights_count=3)
    refused(
        world,
        RuleViolation,
        lambda s: stays.check_out(s, guest_code="G-1", night=NIGHT, actor="t"),
        match="not booked on the night of",
    )
    assert len(nights_of(world, "G-1")) == 3


def test_extend_past_the_end_of_the_calendar_is_refused_in_one_line(world: Store) -> None:
    """A stay on 9999-12-31 (typed with --far): extending it raised OverflowError, shown as an
    "unexpected error"; check-in and hold already said the nights run past the calendar."""
    last_day = dt.date(9999, 12, 31)
    check_in(world, "Hvilan/1", "G-1", last_day)
    refused(
        world,
        BadInput,
        lambda s: stays.extend(s, guest_code="G-1", extra_nights=1, actor="t", now=NOW),
        match="last night of the calendar",
    )

"""Check-out, move and extend act on the stay that holds the night asked for (and its
continuation after a move), never on a separate later booking; a stay left with no nights is
deleted; a deactivated payer is never billed new nights. Issue 13 items 9 and 10, both backends."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bedboard.db.models import BedNight, Guest, Payer, Stay
from bedboard.errors import RuleViolation
from bedboard.services.beds import stays
from bedboard.store import Store
from tests.support.cli import CliRunner
from tests.support.rules_world import NIGHT, NOW, last_audit, night, refused
from tests.test_rules_stays import check_in, nights_of


def stays_of(store: Store, code: str) -> list[int]:
    with store.read() as s:
        return list(
            s.scalars(
                select(Stay.id).join(Guest, Guest.id == Stay.guest_id).where(Guest.code == code)
            )
        )


def with_later_booking(world: Store) -> None:
    """G-1 at the shelter tonight and tomorrow; a host family booked from next week."""
    check_in(world, "Hvilan/1", "G-1", NIGHT, nights_count=2, payer="Polisen")
    check_in(world, "Familjen Berg/1", "G-1", night(7), nights_count=3, payer="Svea hovrätt")


def test_check_out_keeps_a_separate_later_booking(world: Store, cli_here: CliRunner) -> None:
    with_later_booking(world)
    url = world.settings.db
    done = cli_here("checkout", "--guest", "G-1", "--night", night(1).isoformat(), db=url)
    assert done.returncode == 0, done.stderr
    assert "1 night(s)" in done.stdout
    assert f"later booking from the night of {night(7)} in Familjen Berg/1 is kept" in done.stdout
    assert [n[1] for n in nights_of(world, "G-1")] == [NIGHT, night(7), night(8), night(9)]


def test_move_keeps_a_separate_later_booking(world: Store, cli_here: CliRunner) -> None:
    with_later_booking(world)
    url = world.settings.db
    done = cli_here(
        "move", "--guest", "G-1", "--to", "Hvilan/2", "--night", NIGHT.isoformat(), db=url
    )
    assert done.returncode == 0, done.stderr
    assert "Familjen Berg/1 is kept" in done.stdout
    assert [(n[0], n[1]) for n in nights_of(world, "G-1")] == [
        ("2", NIGHT),
        ("2", night(1)),
        ("1", night(7)),
        ("1", night(8)),
        ("1", night(9)),
    ]


def test_check_out_takes_the_rest_of_the_visit_across_a_move(world: Store) -> None:
    check_in(world, "Hvilan/1", "G-1", NIGHT, nights_count=4)
    with world.write() as s:
        stays.move(s, guest_code="G-1", to_unit="Hvilan/2", from_night=night(2), actor="t", now=NOW)
    with world.write() as s:
        removed = stays.check_out(s, guest_code="G-1", night=night(1), actor="t")
    assert removed == 3
    assert [n[1] for n in nights_of(world, "G-1")] == [NIGHT]
    detail = last_audit(world).detail
    assert '"units": ["Hvilan/1", "Hvilan/2"]' in detail


def test_move_from_a_night_the_guest_is_not_booked_on_is_refused(world: Store) -> None:
    """It used to move the next booking it found, even one a week later."""
    with_later_booking(world)
    refused(
        world,
        RuleViolation,
        lambda s: stays.move(
            s, guest_code="G-1", to_unit="Hvilan/2", from_night=night(3), actor="t", now=NOW
        ),
        match="not booked on the night of",
    )


def test_move_to_the_guests_own_unit_is_a_rule_exit_1(world: Store, cli_here: CliRunner) -> None:
    check_in(world, "Hvilan/1", "G-1", NIGHT, nights_count=2)
    done = cli_here(
        "move",
        "--guest",
        "G-1",
        "--to",
        "Hvilan/1",
        "--night",
        NIGHT.isoformat(),
        db=world.settings.db,
    )
    assert done.returncode == 1
    assert "already in Hvilan/1" in done.stderr


def test_a_full_check_out_or_move_leaves_no_empty_stay(world: Store) -> None:
    first = check_in(world, "Hvilan/1", "G-1", NIGHT, nights_count=2)
    with world.write() as s:
        moved = stays.move(
            s, guest_code="G-1", to_unit="Hvilan/2", from_night=NIGHT, actor="t", now=NOW
        )
    assert stays_of(world, "G-1") == [moved.id] and moved.id != first.id
    with world.write() as s:
        stays.check_out(s, guest_code="G-1", night=NIGHT, actor="t")
    assert stays_of(world, "G-1") == []
    with world.read() as s:
        assert s.scalars(select(BedNight)).all() == []


def test_extend_leaves_new_nights_unbilled_for_a_deactivated_payer(
    world: Store, cli_here: CliRunner
) -> None:
    """`checkin`, `confirm-hold` and `pay` refuse a deactivated payer; `extend` billed it."""
    tonight = world.tonight()
    check_in(world, "Hvilan/1", "G-1", tonight, nights_count=2, payer="Polisen", reference="K-1")
    with world.write() as s:
        payer = s.scalars(select(Payer).where(Payer.name == "Polisen")).one()
        payer.active = False
    done = cli_here("extend", "--guest", "G-1", "--nights", "2", db=world.settings.db)
    assert done.returncode == 0, done.stderr
    assert "unbilled: payer Polisen is deactivated" in done.stdout
    day = dt.timedelta(days=1)
    assert nights_of(world, "G-1") == [
        ("1", tonight, "Polisen", "K-1"),
        ("1", tonight + day, "Polisen", "K-1"),
        ("1", tonight + 2 * day, None, ""),
        ("1", tonight + 3 * day, None, ""),
    ]
    assert '"unbilled_payer_inactive": "Polisen"' in last_audit(world).detail


def test_extend_acts_on_the_stay_that_holds_the_night(world: Store) -> None:
    """Not on the guest's latest booking, a host family next week."""
    with_later_booking(world)
    with world.write() as s:
        done = stays.extend(s, guest_code="G-1", extra_nights=1, actor="t", tonight=NIGHT, now=NOW)
    assert (done.unit, done.first_night) == ("Hvilan/1", night(2))
    with world.write() as s:
        done = stays.extend(s, guest_code="G-1", extra_nights=1, actor="t", night=night(8), now=NOW)
    assert (done.unit, done.last_night) == ("Familjen Berg/1", night(10))
    assert [n[1] for n in nights_of(world, "G-1")] == [
        NIGHT,
        night(1),
        night(2),
        night(7),
        night(8),
        night(9),
        night(10),
    ]

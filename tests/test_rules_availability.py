"""Availability for a night: every unit with its state, guest code and payer; on both backends."""

from __future__ import annotations

import datetime as dt

from bedboard.errors import UnitTaken
from bedboard.services.beds import holds, out_of_service, stays
from bedboard.services.beds.availability import availability, site_counts
from bedboard.services.beds.rack import Rack, rack
from bedboard.store import Store
from bedboard.ui.format import nights_cell
from tests.support.booking import book
from tests.support.rules_world import NIGHT, NOW, night, refused


def test_empty_night_lists_every_unit_as_free(world: Store) -> None:
    with world.read() as s:
        units = availability(s, NIGHT, now=NOW)
    assert [u.ref for u in units] == [
        "Hvilan/1",
        "Hvilan/2",
        "Hvilan/3",
        "Familjen Berg/1",
        "Familjen Berg/2",
    ]
    assert {u.status for u in units} == {"free"}
    assert {u.night for u in units} == {NIGHT}
    assert units[0].tags == ("women_only",)


def test_each_state_with_guest_and_payer(world: Store) -> None:
    with world.write() as s:
        book(s, "Hvilan/1", "G-1", night(-1), 3, payer="Polisen", reference="K-1", now=NOW)
        stays.check_in(s, unit="Familjen Berg/1", guest_code="G-2", night=NIGHT, actor="t", now=NOW)
        holds.hold(s, unit="Hvilan/2", night=NIGHT, held_for="on her way", actor="t", now=NOW)
        out_of_service.mark_out_of_service(
            s, unit="Hvilan/3", first=NIGHT, last=NIGHT, reason="paint", actor="t"
        )
    with world.read() as s:
        by_ref = {u.ref: u for u in availability(s, NIGHT, now=NOW)}
    g1 = by_ref["Hvilan/1"]
    assert (g1.status, g1.guest_code, g1.payer, g1.payer_reference) == (
        "occupied",
        "G-1",
        "Polisen",
        "K-1",
    )
    assert (g1.first_night, g1.last_night) == (night(-1), night(1))
    assert not g1.unbilled
    g2 = by_ref["Familjen Berg/1"]
    assert (g2.status, g2.guest_code, g2.payer) == ("occupied", "G-2", "")
    assert g2.unbilled
    assert by_ref["Hvilan/2"].status == "held"
    assert by_ref["Hvilan/2"].guest_code == ""
    assert by_ref["Hvilan/3"].status == "out_of_service"
    assert by_ref["Familjen Berg/2"].status == "free"

    counts = {c.site: c for c in site_counts(list(by_ref.values()))}
    hv = counts["Hvilan"]
    assert (hv.capacity, hv.occupied, hv.held, hv.free, hv.out_of_service, hv.unbilled) == (
        3,
        1,
        1,
        0,
        1,
        0,
    )
    fb = counts["Familjen Berg"]
    assert (fb.capacity, fb.occupied, fb.free, fb.unbilled) == (2, 1, 1, 1)


def test_expired_hold_is_free_in_availability_and_counts(world: Store) -> None:
    with world.write() as s:
        holds.hold(s, unit="Hvilan/2", night=NIGHT, minutes=5, actor="t", now=NOW)
    later = NOW + dt.timedelta(minutes=6)
    with world.read() as s:
        units = availability(s, NIGHT, now=later)
    (h2,) = [u for u in units if u.ref == "Hvilan/2"]
    assert (h2.status, h2.hold_id, h2.held_for) == ("free", None, "")
    (hv,) = [c for c in site_counts(units) if c.site == "Hvilan"]
    assert (hv.free, hv.held) == (3, 0)


def test_other_nights_are_not_shown(world: Store) -> None:
    with world.write() as s:
        stays.check_in(s, unit="Hvilan/1", guest_code="G-1", night=night(1), actor="t", now=NOW)
    with world.read() as s:
        assert {u.status for u in availability(s, NIGHT, now=NOW)} == {"free"}
    refused(
        world,
        UnitTaken,
        lambda s: stays.check_in(
            s, unit="Hvilan/1", guest_code="G-2", night=night(1), actor="t", now=NOW
        ),
    )


def moved_twice(world: Store) -> None:
    """G-1 for five nights from night -2, moved tonight and again tomorrow; booked again from
    night 5, after a gap."""
    with world.write() as s:
        book(s, "Hvilan/1", "G-1", night(-2), 5, now=NOW)
        stays.check_in(
            s, unit="Hvilan/1", guest_code="G-1", night=night(5), nights_count=2, actor="t", now=NOW
        )
        stays.move(s, guest_code="G-1", to_unit="Hvilan/2", from_night=NIGHT, actor="t", now=NOW)
        stays.move(s, guest_code="G-1", to_unit="Hvilan/3", from_night=night(1), actor="t", now=NOW)


def test_a_moved_stay_counts_the_guests_nights_across_the_move(world: Store) -> None:
    """Moved on night 3 of 5, the new unit shows '3 of 5' (it showed '1 of 3', and a one-night
    move '1 of 1'); a later booking after a gap is another visit and is not counted."""
    moved_twice(world)
    with world.read() as s:
        tonight = {u.ref: u for u in availability(s, NIGHT, now=NOW)}["Hvilan/2"]
        last_night = {u.ref: u for u in availability(s, night(-1), now=NOW)}["Hvilan/1"]
        later = {u.ref: u for u in availability(s, night(5), now=NOW)}["Hvilan/1"]
    # The stay in this unit is one night; the visit is five.
    assert (tonight.first_night, tonight.last_night) == (NIGHT, NIGHT)
    assert (tonight.visit_first, tonight.visit_last) == (night(-2), night(2))
    assert nights_cell(tonight) == "3 of 5"
    assert nights_cell(last_night) == "2 of 5"
    assert nights_cell(later) == "1 of 2"


def test_the_rack_follows_a_visit_across_moves_beyond_its_nights(world: Store) -> None:
    """The rack reads only the stays on its first and last night and those that join them night
    by night (issue 16: not every stay of every guest shown): moved twice, the visit still runs
    from before the rack's first night to after its last; a later booking after a gap is not
    part of it."""
    moved_twice(world)
    with world.read() as s:
        late = rack(s, night(1), 1, now=NOW)  # only Hvilan/3's part: two moves back to night -2
        early = rack(s, night(-1), 2, now=NOW)  # Hvilan/1 then Hvilan/2: on, two moves ahead
        whole = rack(s, night(-3), 14, now=NOW)  # every stay in view
    units = {ref: unit_id for unit_id, ref in whole.order}

    def visit(view: Rack, ref: str, n: int) -> tuple[dt.date | None, dt.date | None]:
        cell = view.cell(units[ref], night(n))
        assert cell is not None and cell.guest_code == "G-1"
        return cell.visit_first, cell.visit_last

    assert visit(late, "Hvilan/3", 1) == (night(-2), night(2))
    assert visit(early, "Hvilan/1", -1) == visit(early, "Hvilan/2", 0) == (night(-2), night(2))
    assert visit(whole, "Hvilan/3", 2) == (night(-2), night(2))
    assert visit(whole, "Hvilan/1", 5) == (night(5), night(6))  # after a gap: its own visit

"""Holds: an expiry (90 minutes by default), confirm into a stay, cancel; an expired hold is free
everywhere without any job running; every refusal changes nothing. On both backends."""

from __future__ import annotations

import datetime as dt
import json
from functools import partial
from typing import Any

from sqlalchemy import select

from bedboard.db.models import AuditEntry, BedNight, Hold
from bedboard.errors import BadInput, NightClosed, NotFound, RuleViolation, UnitTaken
from bedboard.services.beds import holds, stays
from bedboard.services.beds.availability import availability
from bedboard.store import Store
from tests.support.rules_world import NIGHT, NOW, Recorded, night, refused


def status_of(store: Store, ref: str, on: dt.date, now: dt.datetime) -> str:
    with store.read() as s:
        (unit,) = [u for u in availability(s, on, now=now) if u.ref == ref]
    return unit.status


def audit_entries(store: Store) -> list[AuditEntry]:
    with store.read() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def place_hold(store: Store, unit: str = "Hvilan/2", **kw: Any) -> Hold:
    with store.write() as s:
        return holds.hold(
            s, unit=unit, night=NIGHT, held_for=" Outreach: woman ", actor="tester", now=NOW, **kw
        )


def test_hold_defaults_to_90_minutes(world: Store) -> None:
    with Recorded(world, "hold"):
        row = place_hold(world)
    assert row.expires_at == NOW + dt.timedelta(minutes=90)
    assert (row.status, row.held_for, row.created_by) == ("active", "Outreach: woman", "tester")
    with world.read() as s:
        (unit,) = [u for u in availability(s, NIGHT, now=NOW) if u.ref == "Hvilan/2"]
    assert unit.status == "held"
    assert unit.hold_id == row.id and unit.held_for == "Outreach: woman"
    assert status_of(world, "Hvilan/2", NIGHT, NOW + dt.timedelta(minutes=89)) == "held"
    assert status_of(world, "Hvilan/2", NIGHT, NOW + dt.timedelta(minutes=90)) == "free"


def test_hold_with_its_own_expiry(world: Store) -> None:
    row = place_hold(world, minutes=15)
    assert row.expires_at == NOW + dt.timedelta(minutes=15)


def test_held_unit_cannot_be_booked_by_someone_else(world: Store) -> None:
    place_hold(world)
    refused(
        world,
        UnitTaken,
        lambda s: stays.check_in(
            s, unit="Hvilan/2", guest_code="G-9", night=NIGHT, actor="t", now=NOW
        ),
        match="Hvilan/2 is taken.*held",
    )
    refused(
        world,
        UnitTaken,
        lambda s: holds.hold(s, unit="Hvilan/2", night=NIGHT, actor="t", now=NOW),
    )


def test_expired_hold_counts_as_free_and_can_be_booked(world: Store) -> None:
    row = place_hold(world, minutes=30)
    later = NOW + dt.timedelta(minutes=31)
    assert status_of(world, "Hvilan/2", NIGHT, later) == "free"
    # Nothing ran in between: the row is still there until someone takes the unit.
    with world.read() as s:
        assert s.scalars(select(BedNight.state)).all() == ["held"]
    with Recorded(world, "hold_expired", "check_in"), world.write() as s:
        stays.check_in(s, unit="Hvilan/2", guest_code="G-1", night=NIGHT, actor="t", now=later)
    assert status_of(world, "Hvilan/2", NIGHT, later) == "occupied"
    with world.read() as s:
        assert s.get(Hold, row.id).status == "expired"  # type: ignore[union-attr]


def test_an_expired_hold_is_expired_not_cancelled_and_its_expiry_is_audited(world: Store) -> None:
    """Issue 13 item 10: a hold that ran out and whose unit was then taken was recorded as
    "cancelled" with no audit entry, and cancel-hold then said "already cancelled"."""
    row = place_hold(world, minutes=30)
    later = NOW + dt.timedelta(minutes=45)
    with world.write() as s:
        stays.check_in(s, unit="Hvilan/2", guest_code="G-1", night=NIGHT, actor="t", now=later)
    entry = next(e for e in audit_entries(world) if e.action == "hold_expired")
    assert (entry.actor, entry.target) == ("system", "unit:Hvilan/2")
    assert json.loads(entry.detail) == {
        "hold": row.id,
        "night": NIGHT.isoformat(),
        "expired_at": (NOW + dt.timedelta(minutes=30)).isoformat(sep=" "),
    }
    with world.read() as s:
        assert s.get(Hold, row.id).status == "expired"  # type: ignore[union-attr]
    for attempt in (
        lambda s: holds.cancel_hold(s, hold_id=row.id, actor="t", now=later),
        lambda s: holds.confirm_hold(s, hold_id=row.id, guest_code="G-2", actor="t", now=later),
    ):
        error = refused(world, RuleViolation, attempt, match=f"hold #{row.id} expired at")
        assert "cancelled" not in str(error)


def test_a_hold_expires_once_in_the_audit_log(world: Store) -> None:
    place_hold(world, minutes=30)
    later = NOW + dt.timedelta(hours=1)
    for code, unit in (("G-1", "Hvilan/2"), ("G-2", "Hvilan/1")):
        with world.write() as s:
            stays.check_in(s, unit=unit, guest_code=code, night=NIGHT, actor="t", now=later)
    assert [e.action for e in audit_entries(world)].count("hold_expired") == 1


def test_who_a_hold_is_for_never_enters_the_audit_log(world: Store) -> None:
    """Issue 13 item 10: `hold --for "Anna Andersson, 34"` was written in plain text into the
    append-only audit log; the log records only that a note was given."""
    with world.write() as s:
        row = holds.hold(
            s, unit="Hvilan/2", night=NIGHT, held_for="Anna Andersson, 34", actor="t", now=NOW
        )
        plain = holds.hold(s, unit="Hvilan/3", night=NIGHT, actor="t", now=NOW)
    entries = [e for e in audit_entries(world) if e.action == "hold"]
    assert all("Anna" not in e.detail for e in audit_entries(world))
    assert [json.loads(e.detail)["note_given"] for e in entries] == [True, False]
    assert [json.loads(e.detail)["hold"] for e in entries] == [row.id, plain.id]
    with world.read() as s:
        assert s.get(Hold, row.id).held_for == "Anna Andersson, 34"  # type: ignore[union-attr]


def test_the_note_is_erased_when_the_hold_ends(world: Store) -> None:
    """Confirmed, cancelled or expired: who the hold was for served the hold and goes with it."""
    with world.write() as s:
        ids = [
            holds.hold(s, unit=u, night=NIGHT, held_for="Anna Andersson, 34", actor="t", now=NOW).id
            for u in ("Hvilan/1", "Hvilan/2", "Hvilan/3")
        ]
    with world.write() as s:
        holds.confirm_hold(s, hold_id=ids[0], guest_code="G-1", actor="t", now=NOW)
        holds.cancel_hold(s, hold_id=ids[1], actor="t", now=NOW)
    later = NOW + dt.timedelta(hours=2)
    with world.write() as s:
        stays.check_in(s, unit="Hvilan/3", guest_code="G-2", night=NIGHT, actor="t", now=later)
    with world.read() as s:
        rows = [s.get(Hold, i) for i in ids]
        assert [(r.status, r.held_for) for r in rows if r] == [
            ("confirmed", ""),
            ("cancelled", ""),
            ("expired", ""),
        ]


def test_expired_hold_can_be_held_again(world: Store) -> None:
    place_hold(world, minutes=30)
    later = NOW + dt.timedelta(hours=1)
    with world.write() as s:
        again = holds.hold(s, unit="Hvilan/2", night=NIGHT, actor="t", now=later)
    assert status_of(world, "Hvilan/2", NIGHT, later) == "held"
    with world.read() as s:
        assert s.scalars(select(BedNight.hold_id)).all() == [again.id]


def test_confirm_turns_the_hold_into_a_stay(world: Store) -> None:
    row = place_hold(world)
    with Recorded(world, "confirm_hold", "check_in"), world.write() as s:
        stay = holds.confirm_hold(
            s,
            hold_id=row.id,
            guest_code="G-1",
            nights_count=2,
            payer="Polisen",
            reference="K-1",
            actor="tester",
            now=NOW + dt.timedelta(minutes=10),
        )
    with world.read() as s:
        rows = s.scalars(select(BedNight).order_by(BedNight.night)).all()
        assert [(r.night, r.state, r.stay_id, r.payer_reference) for r in rows] == [
            (NIGHT, "occupied", stay.id, "K-1"),
            (night(1), "occupied", stay.id, "K-1"),
        ]
        assert s.get(Hold, row.id).status == "confirmed"  # type: ignore[union-attr]


def test_cancel_frees_the_unit(world: Store) -> None:
    row = place_hold(world)
    with Recorded(world, "cancel_hold"), world.write() as s:
        holds.cancel_hold(s, hold_id=row.id, actor="tester", now=NOW)
    assert status_of(world, "Hvilan/2", NIGHT, NOW) == "free"
    with world.read() as s:
        assert s.get(Hold, row.id).status == "cancelled"  # type: ignore[union-attr]
        assert s.scalars(select(BedNight)).all() == []


def test_confirm_and_cancel_refusals(world: Store) -> None:
    row = place_hold(world, minutes=30)
    expired = NOW + dt.timedelta(minutes=30)
    refused(
        world,
        RuleViolation,
        lambda s: holds.confirm_hold(s, hold_id=row.id, guest_code="G-1", actor="t", now=expired),
        match="expired",
    )
    refused(
        world,
        RuleViolation,
        lambda s: holds.cancel_hold(s, hold_id=row.id, actor="t", now=expired),
        match="expired",
    )
    refused(
        world,
        NotFound,
        lambda s: holds.confirm_hold(s, hold_id=9999, guest_code="G-1", actor="t", now=NOW),
    )
    with world.write() as s:
        holds.cancel_hold(s, hold_id=row.id, actor="t", now=NOW)
    refused(
        world,
        RuleViolation,
        lambda s: holds.confirm_hold(s, hold_id=row.id, guest_code="G-1", actor="t", now=NOW),
        match="already cancelled",
    )


def test_confirm_is_all_or_nothing(world: Store) -> None:
    """A confirm whose stay cannot be made (the guest is elsewhere) leaves the hold standing."""
    row = place_hold(world)
    with world.write() as s:
        stays.check_in(s, unit="Hvilan/1", guest_code="G-1", night=NIGHT, actor="t", now=NOW)
    refused(
        world,
        RuleViolation,
        lambda s: holds.confirm_hold(s, hold_id=row.id, guest_code="G-1", actor="t", now=NOW),
        match="already has a bed",
    )
    assert status_of(world, "Hvilan/2", NIGHT, NOW) == "held"


def test_hold_refusals(world: Store) -> None:
    for minutes in (0, 24 * 60 + 1):
        refused(
            world,
            BadInput,
            partial(holds.hold, unit="Hvilan/1", night=NIGHT, minutes=minutes, actor="t", now=NOW),
            match="a hold lasts",
        )
    for unit, error in (("Hvilan/99", NotFound), ("Hvilan-1", BadInput)):
        refused(
            world,
            error,
            partial(holds.hold, unit=unit, night=NIGHT, actor="t", now=NOW),
        )


def test_too_long_held_for_is_refused(world: Store) -> None:
    refused(
        world,
        BadInput,
        lambda s: holds.hold(s, unit="Hvilan/1", night=NIGHT, held_for="x" * 301, actor="t"),
        match="at most 300",
    )


def test_hold_on_a_closed_night_is_refused(world: Store) -> None:
    from bedboard.db.models import ClosedNight

    with world.write() as s:
        s.add(ClosedNight(night=NIGHT, closed_at=NOW, closed_by="audit"))
    refused(
        world,
        NightClosed,
        lambda s: holds.hold(s, unit="Hvilan/1", night=NIGHT, actor="t", now=NOW),
    )

"""Out of service for a range of nights, and back in service; on both backends."""

from __future__ import annotations

from sqlalchemy import select

from bedboard.db.models import BedNight, ClosedNight
from bedboard.errors import BadInput, NightClosed, NotFound, RuleViolation, UnitTaken
from bedboard.services.beds import out_of_service, stays
from bedboard.services.beds.availability import availability
from bedboard.store import Store
from tests.support.rules_world import NIGHT, NOW, Change, Recorded, night, refused


def test_out_of_service_for_a_range(world: Store) -> None:
    with Recorded(world, "out_of_service"), world.write() as s:
        count = out_of_service.mark_out_of_service(
            s, unit="Hvilan/3", first=NIGHT, last=night(2), reason=" water damage ", actor="t"
        )
    assert count == 3
    with world.read() as s:
        rows = s.execute(select(BedNight.night, BedNight.state, BedNight.reason)).all()
        assert sorted(rows) == [(night(i), "out_of_service", "water damage") for i in range(3)]
        for i, expected in ((-1, "free"), (0, "out_of_service"), (2, "out_of_service")):
            (unit,) = [u for u in availability(s, night(i), now=NOW) if u.ref == "Hvilan/3"]
            assert unit.status == expected
            assert unit.reason == ("water damage" if expected != "free" else "")
    refused(
        world,
        UnitTaken,
        lambda s: stays.check_in(
            s, unit="Hvilan/3", guest_code="G-1", night=night(1), actor="t", now=NOW
        ),
        match="out of service",
    )


def test_back_in_service(world: Store) -> None:
    with world.write() as s:
        out_of_service.mark_out_of_service(
            s, unit="Hvilan/3", first=NIGHT, last=night(2), reason="paint", actor="t"
        )
    with Recorded(world, "return_to_service"), world.write() as s:
        assert out_of_service.return_to_service(
            s, unit="Hvilan/3", first=night(1), last=night(5), actor="t"
        )
    with world.read() as s:
        assert s.scalars(select(BedNight.night)).all() == [NIGHT]


def test_out_of_service_refusals(world: Store) -> None:
    with world.write() as s:
        stays.check_in(s, unit="Hvilan/1", guest_code="G-1", night=night(1), actor="t", now=NOW)
        s.add(ClosedNight(night=night(-5), closed_at=NOW, closed_by="audit"))

    def mark(
        unit: str = "Hvilan/2", first: int = 0, last: int = 2, reason: str = "paint"
    ) -> Change:
        return lambda s: out_of_service.mark_out_of_service(
            s, unit=unit, first=night(first), last=night(last), reason=reason, actor="t", now=NOW
        )

    refused(world, UnitTaken, mark(unit="Hvilan/1"), match=f"night of {night(1)}")
    refused(world, BadInput, mark(reason="  "), match="say why")
    refused(world, BadInput, mark(reason="x" * 301), match="at most 300")
    refused(world, BadInput, mark(first=2, last=0), match="ends")
    refused(world, BadInput, mark(first=0, last=400))
    refused(world, NotFound, mark(unit="Hvilan/9"))
    refused(world, BadInput, mark(unit="9"))
    refused(world, NightClosed, mark(first=-6, last=-4))
    refused(
        world,
        RuleViolation,
        lambda s: out_of_service.return_to_service(
            s, unit="Hvilan/2", first=NIGHT, last=NIGHT, actor="t"
        ),
        match="not out of service",
    )

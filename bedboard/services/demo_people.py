"""The demo's people and its past, on top of the demo's sites and tonight's stays: a women's
house that takes children, a mother with her children booked together, a family registered and
waiting for a place, a guest who must never be offered one site, and three months of earlier
stays and turnaways, so reports and the rack look like a house that has been running. Loaded by
`bedboard demo` and the board's first-run offer; tests that count the small demo world leave it
out."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from bedboard.db.models import Rate, Site, Unit
from bedboard.services.beds.stays import check_in, check_in_many
from bedboard.services.people import avoid, guests
from bedboard.services.people.guests import GuestFields
from bedboard.services.people.turnaways import record_turnaway
from bedboard.states import TurnawayReason

HOUSE = "Kvinnohuset Maria"
HISTORY_DAYS = 92
# Units with free nights for the history, cycled through, and who paid.
HISTORY_UNITS = [
    "Hvilan/4",
    "Hvilan/7",
    "Hvilan/10",
    "Tryggheten Södertälje/3",
    "Jourboendet Huddinge/5",
    "Familjen Lind/1",
    "Familjen Sandberg/2",
    HOUSE + "/5",
]
HISTORY_PAYERS = [
    "Polisen",
    "Socialtjänsten Norrmalm",
    None,
    "Migrationsverket",
    "Svea hovrätt",
    "Uppsökarenheten",
    "Socialtjänsten Södertälje",
]


def load_people_and_history(
    session: Session,
    *,
    tonight: dt.date,
    actor: str,
    currency: str = "SEK",
    now: dt.datetime | None = None,
) -> None:
    house = Site(name=HOUSE, kind="shelter", area="Södermalm")
    session.add(house)
    session.flush()
    session.add_all(
        Unit(
            site_id=house.id, room=str(1 + i // 3), label=str(i + 1), tags="women_only;children_ok"
        )
        for i in range(6)
    )
    # The demo's rates start 60 days back; the older history had the same prices.
    start = tonight - dt.timedelta(days=HISTORY_DAYS + 10)
    end = tonight - dt.timedelta(days=61)
    session.add_all(
        [
            Rate(amount=65000, currency=currency, valid_from=start, valid_to=end, site_kind=kind)
            if kind == "shelter"
            else Rate(
                amount=45000, currency=currency, valid_from=start, valid_to=end, site_kind=kind
            )
            for kind in ("shelter", "host_family")
        ]
    )
    session.flush()

    def person(code: str, household: str | None = None, **kw: object) -> None:
        guests.add_guest(
            session,
            code=code,
            fields=GuestFields(household=household, **kw),  # type: ignore[arg-type]
            actor=actor,
        )

    # Booked together tonight: a mother and two children, three nights, social services pays.
    person(
        "G-110", "H-1", gender="woman", birth_year=1991, languages="ro", needs="women_only,children"
    )
    person("G-111", "H-1", gender="woman", birth_year=2015, languages="ro")
    person("G-112", "H-1", gender="man", birth_year=2019, languages="ro")
    check_in_many(
        session,
        pairs=[(f"{HOUSE}/{i + 1}", code) for i, code in enumerate(("G-110", "G-111", "G-112"))],
        night=tonight,
        nights_count=3,
        payer="Socialtjänsten Norrmalm",
        reference="SoN 26/1207",
        actor=actor,
        now=now,
    )
    # Registered at intake, waiting: try `bedboard find --household H-2 --nights 3`.
    person(
        "G-120", "H-2", gender="woman", birth_year=1988, languages="ru", needs="women_only,children"
    )
    person("G-121", "H-2", gender="woman", birth_year=2017, languages="ru")
    # Must never be offered Tryggheten: the network she testified against knows it.
    person("G-130", gender="woman", birth_year=2000, languages="ro", needs="women_only")
    avoid.add_rule(session, guest_code="G-130", site="Tryggheten Södertälje", actor=actor)

    for i, offset in enumerate(range(HISTORY_DAYS, 10, -3)):
        first = tonight - dt.timedelta(days=offset)
        check_in(
            session,
            unit=HISTORY_UNITS[i % len(HISTORY_UNITS)],
            guest_code=f"G-0{i + 10:02d}",
            night=first,
            nights_count=2 + i % 5,
            payer=HISTORY_PAYERS[i % len(HISTORY_PAYERS)],
            reference=f"H-{2026}-{100 + i}" if HISTORY_PAYERS[i % len(HISTORY_PAYERS)] else "",
            actor=actor,
            now=now,
        )
        if i % 4 == 0:
            record_turnaway(
                session,
                night=first,
                reason=TurnawayReason.NEEDS_NOT_MET if i % 8 == 0 else TurnawayReason.NO_FREE_UNIT,
                people=1 + i % 3,
                needs="women_only;children" if i % 8 == 0 else "",
                actor=actor,
            )

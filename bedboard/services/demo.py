"""A small world like the report's: a women's shelter in Stockholm, two shelters in
neighbouring municipalities, four host families, the payers the report names, and guests
staying tonight, some of them with nobody paying yet."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bedboard.db.models import Guest, Payer, Rate, Site, Unit
from bedboard.errors import RuleViolation
from bedboard.i18n import _
from bedboard.services.beds.holds import hold
from bedboard.services.beds.inventory import normalise_tags
from bedboard.services.beds.out_of_service import mark_out_of_service
from bedboard.services.beds.stays import check_in
from bedboard.services.safety import audit
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right
from bedboard.states import SiteKind

# (site, kind, area, [(room, unit, tags)])
SITES: list[tuple[str, str, str, list[tuple[str, str, str]]]] = [
    (
        "Hvilan",
        SiteKind.SHELTER,
        "Stockholm",
        [
            (str(1 + i // 3), str(i + 1), "women_only" + (";accessible" if i < 3 else ""))
            for i in range(20)
        ],
    ),
    (
        "Tryggheten Södertälje",
        SiteKind.SHELTER,
        "Södertälje",
        [(str(1 + i // 2), str(i + 1), "women_only;language_ro") for i in range(8)],
    ),
    (
        "Jourboendet Huddinge",
        SiteKind.SHELTER,
        "Huddinge",
        [(str(1 + i // 2), str(i + 1), "children_ok") for i in range(6)],
    ),
    (
        "Familjen Berg",
        SiteKind.HOST_FAMILY,
        "Nacka",
        [("", "1", "children_ok;language_ru"), ("", "2", "children_ok;language_ru")],
    ),
    ("Familjen Lind", SiteKind.HOST_FAMILY, "Solna", [("", "1", "women_only")]),
    (
        "Familjen Sandberg",
        SiteKind.HOST_FAMILY,
        "Sollentuna",
        [("", str(i), "accessible;children_ok") for i in (1, 2, 3)],
    ),
    (
        "Familjen Ek",
        SiteKind.HOST_FAMILY,
        "Botkyrka",
        [("", "1", "language_ro;women_only"), ("", "2", "language_ro;women_only")],
    ),
]

PAYERS = [
    ("Polisen", "police"),
    ("Svea hovrätt", "court"),
    ("Socialtjänsten Norrmalm", "social_services"),
    ("Socialtjänsten Södertälje", "social_services"),
    ("Migrationsverket", "migration_agency"),
    ("Rumäniens ambassad", "embassy"),
    ("Uppsökarenheten", "own"),
]

# (code, protected, birth year, languages, unit, nights before tonight, nights from tonight,
#  payer or None, reference)
STAYS = [
    ("G-101", True, 1998, "ro", "Hvilan/1", 2, 3, "Polisen", "K-2026-4411"),
    ("G-102", True, 2001, "ro;en", "Hvilan/2", 1, 4, "Svea hovrätt", "B 1234-26"),
    ("G-103", True, 1995, "ru", "Familjen Berg/1", 3, 5, "Svea hovrätt", "B 1234-26"),
    ("G-104", True, 2009, "ru", "Familjen Berg/2", 3, 5, None, ""),
    ("G-105", False, 1990, "et;en", "Hvilan/5", 0, 2, "Socialtjänsten Norrmalm", "SoN 26/881"),
    ("G-106", True, 1999, "ro", "Tryggheten Södertälje/1", 1, 1, None, ""),
    ("G-107", False, 1987, "lt", "Hvilan/9", 4, 1, "Uppsökarenheten", ""),
    ("G-108", True, 2003, "bg", "Familjen Ek/1", 0, 3, "Migrationsverket", "Dnr 8-123456"),
    ("G-109", True, 1996, "ro", "Jourboendet Huddinge/2", 2, 2, "Rumäniens ambassad", "RO-55"),
]


def load_demo(
    session: Session,
    *,
    tonight: dt.date,
    actor: str,
    currency: str = "SEK",
    now: dt.datetime | None = None,
) -> None:
    """`now` fixes the hold's expiry (tests and screenshots use a frozen clock)."""
    require(session, Right.INVENTORY)
    if session.scalar(select(func.count()).select_from(Site)):
        raise RuleViolation(
            _("the database already has sites; demo data only goes into an empty one")
        )
    for name, kind, area, units in SITES:
        site = Site(name=name, kind=kind, area=area)
        session.add(site)
        session.flush()
        session.add_all(
            Unit(site_id=site.id, room=r, label=u, tags=normalise_tags(t, "demo"))
            for r, u, t in units
        )
    session.add_all(Payer(name=n, kind=k) for n, k in PAYERS)
    start = tonight - dt.timedelta(days=60)
    session.add_all(
        [
            Rate(amount=65000, currency=currency, valid_from=start, site_kind=SiteKind.SHELTER),
            Rate(amount=45000, currency=currency, valid_from=start, site_kind=SiteKind.HOST_FAMILY),
        ]
    )
    for code, protected, born, languages, unit, before, after, payer, reference in STAYS:
        session.add(
            Guest(
                code=code,
                protected=protected,
                birth_year=born,
                languages=languages,
                notes="",
                name=f"Demo person {code[2:]}",
            )
        )
        session.flush()
        check_in(
            session,
            unit=unit,
            guest_code=code,
            night=tonight - dt.timedelta(days=before),
            nights_count=before + after,
            payer=payer,
            reference=reference,
            actor=actor,
            now=now,
        )
    hold(
        session,
        unit="Hvilan/12",
        night=tonight,
        held_for=_("Outreach: woman from Norrmalm"),  # the demo speaks its loader's language
        actor=actor,
        now=now,
    )
    mark_out_of_service(
        session,
        unit="Hvilan/20",
        first=tonight,
        last=tonight + dt.timedelta(days=2),
        reason=_("water damage"),
        actor=actor,
        now=now,
    )
    audit.record(session, actor, "demo", "database", tonight=tonight)

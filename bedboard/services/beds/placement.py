"""Find a place: the outreach worker's question. Which free units fit this person (or this
mother with her children) on a night, best first, and hold them in one go."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bedboard.db.models import Hold
from bedboard.errors import BadInput
from bedboard.services.beds.availability import UnitNight, availability, natural_key
from bedboard.services.beds.holds import DEFAULT_HOLD_MINUTES, hold
from bedboard.services.clock import check_night_count, nights, utcnow

MAX_PLACES = 20


@dataclass(frozen=True)
class Needs:
    places: int = 1  # how many places together, at one site
    nights: int = 1
    women_only: bool = False
    children: bool = False
    accessible: bool = False
    language: str = ""  # preferred: "ro" matches units tagged language_ro
    area: str = ""  # preferred area (municipality or district)

    def required_tags(self) -> set[str]:
        tags = set()
        if self.women_only:
            tags.add("women_only")
        if self.children:
            tags.add("children_ok")
        if self.accessible:
            tags.add("accessible")
        return tags


@dataclass(frozen=True)
class PlaceOption:
    site: str
    site_kind: str
    area: str
    units: tuple[str, ...]  # refs of the units to hold, same room first
    free_fitting: int  # how many units at the site fit, of which `units` are the first
    area_match: bool
    language_match: bool

    @property
    def why(self) -> str:
        parts = []
        if self.area_match:
            parts.append("area")
        if self.language_match:
            parts.append("language")
        return ", ".join(parts)


def check_needs(needs: Needs) -> None:
    if not 1 <= needs.places <= MAX_PLACES:
        raise BadInput(f"places together must be from 1 to {MAX_PLACES}, not {needs.places}")
    check_night_count(needs.nights)


def find_places(
    session: Session, night: dt.date, needs: Needs, now: dt.datetime | None = None
) -> list[PlaceOption]:
    """Sites with enough free units that fit on every night asked for; best first: in the
    preferred area, then speaking the language, then the most room to spare."""
    check_needs(needs)
    now = now or utcnow()
    wanted = nights(night, needs.nights)
    free_all_nights: set[int] | None = None
    first_night: list[UnitNight] = []
    for n in wanted:
        units = availability(session, n, now)
        free = {u.unit_id for u in units if u.status == "free"}
        free_all_nights = free if free_all_nights is None else free_all_nights & free
        if n == night:
            first_night = units
    required = needs.required_tags()
    language_tag = f"language_{needs.language.strip().lower()}" if needs.language.strip() else ""
    by_site: dict[str, list[UnitNight]] = {}
    for u in first_night:
        if u.unit_id in (free_all_nights or set()) and required <= set(u.tags):
            by_site.setdefault(u.site, []).append(u)
    options = []
    for site, fitting in by_site.items():
        if len(fitting) < needs.places:
            continue
        first = fitting[0]
        options.append(
            PlaceOption(
                site=site,
                site_kind=first.site_kind,
                area=first.area,
                units=tuple(u.ref for u in _together(fitting)[: needs.places]),
                free_fitting=len(fitting),
                area_match=bool(needs.area.strip())
                and first.area.lower() == needs.area.strip().lower(),
                language_match=bool(language_tag) and any(language_tag in u.tags for u in fitting),
            )
        )
    options.sort(
        key=lambda o: (not o.area_match, not o.language_match, -o.free_fitting, o.site.lower())
    )
    return options


def _together(units: list[UnitNight]) -> list[UnitNight]:
    """Units in the fullest free room first, so a family is kept in one room where it can."""
    rooms: dict[str, list[UnitNight]] = {}
    for u in units:
        rooms.setdefault(u.room, []).append(u)
    ordered = sorted(rooms.values(), key=lambda r: (-len(r), natural_key(r[0].room)))
    return [u for room in ordered for u in room]


def hold_places(
    session: Session,
    *,
    units: tuple[str, ...],
    night: dt.date,
    held_for: str,
    minutes: int = DEFAULT_HOLD_MINUTES,
    actor: str,
    now: dt.datetime | None = None,
) -> list[Hold]:
    """Hold every unit of an option in the caller's one transaction: all of them or none."""
    return [
        hold(
            session,
            unit=ref,
            night=night,
            held_for=held_for,
            minutes=minutes,
            actor=actor,
            now=now,
        )
        for ref in units
    ]

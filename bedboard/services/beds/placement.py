"""Find a place: the outreach worker's question. Which free units fit this person (or this
mother with her children) on every night asked for, best first, and hold them in one go.

Needs come from what is asked and from the guest's or household's record. Women only, children,
accessible, each member's eligibility and every keep-away rule are hard filters; language and
area rank a place first unless they are asked as filters. A place left out is never explained:
the reason could tell the person searching where a guest must not be."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bedboard.db.models import Guest, Hold, Household, Site, Unit
from bedboard.errors import BadInput, RuleViolation
from bedboard.i18n import _
from bedboard.services.beds.availability import UnitNight, availability
from bedboard.services.beds.holds import DEFAULT_HOLD_MINUTES, hold
from bedboard.services.beds.units import natural_key
from bedboard.services.clock import check_night_count, nights, utcnow
from bedboard.services.lookup import find_guest
from bedboard.services.people import avoid, eligibility, households
from bedboard.services.people.intake_text import split_list
from bedboard.states import UnitStatus

MAX_PLACES = 20


# A need (as a guest states it and a turnaway records it) and the unit tag that meets it.
NEED_TAGS = {"women_only": "women_only", "children": "children_ok", "accessible": "accessible"}


@dataclass(frozen=True)
class Needs:
    places: int = 1  # how many places together, at one site
    nights: int = 1
    women_only: bool = False
    children: bool = False
    accessible: bool = False
    language: str = ""  # preferred: "ro" matches units tagged language_ro; may be "ro,ru"
    area: str = ""  # preferred area (municipality or district)
    children_count: int = 0
    language_required: bool = False
    area_required: bool = False
    guest_codes: tuple[str, ...] = field(default=())  # whose rules and eligibility apply

    def required_tags(self) -> set[str]:
        return {NEED_TAGS[need] for need in self._asked()}

    def language_tags(self) -> set[str]:
        return {f"language_{p}" for p in split_list(self.language)}

    def unmet(self) -> list[str]:
        """The needs, as a turnaway records them when nothing fits."""
        found = self._asked()
        found += sorted(self.language_tags()) if self.language_required else []
        return found

    def _asked(self) -> list[str]:
        """The needs asked for, in need words, always in the order of NEED_TAGS."""
        asked = {
            "women_only": self.women_only,
            "children": self.children or bool(self.children_count),
            "accessible": self.accessible,
        }
        return [need for need, wanted in asked.items() if wanted]


@dataclass(frozen=True)
class PlaceOption:
    site: str
    site_kind: str
    area: str
    units: tuple[str, ...]  # refs of the units to hold, same room first
    free_fitting: int  # how many units at the site fit, of which `units` are the first
    area_match: bool
    language_match: bool
    same_room: bool = False

    @property
    def reasons(self) -> list[str]:
        found = {
            "same room": self.same_room,
            "area": self.area_match,
            "language": self.language_match,
        }
        return [reason for reason, holds in found.items() if holds]

    @property
    def why(self) -> str:
        return ", ".join(self.reasons)


def check_needs(needs: Needs) -> None:
    if not 1 <= needs.places <= MAX_PLACES:
        raise BadInput(
            _("places together must be from 1 to {MAX_PLACES}, not {places}").format(
                MAX_PLACES=MAX_PLACES, places=needs.places
            )
        )
    if not 0 <= needs.children_count <= needs.places:
        raise BadInput(
            _("children must be from 0 to the number of people ({n})").format(n=needs.places)
        )
    check_night_count(needs.nights)


def needs_for(
    session: Session,
    needs: Needs,
    *,
    night: dt.date,
    guest: str | None = None,
    household: str | None = None,
) -> Needs:
    """The needs asked, with the guest's or the household's own added: its size, its children,
    and every need any member has recorded. Asked needs are never dropped."""
    members: list[Guest] = []
    if household:
        members = households.members(session, households.find_household(session, household).id)
        if not members:
            raise RuleViolation(_("household {code} has nobody in it").format(code=household))
    elif guest:
        members = [find_guest(session, guest)]
    if not members:
        return needs
    recorded: set[str] = set()
    languages = set(split_list(needs.language))
    for m in members:
        recorded |= eligibility.guest_needs(m)
        languages |= set(split_list(m.languages))
    children = sum(1 for m in members if eligibility.is_child(m.birth_year, night))
    return replace(
        needs,
        places=max(needs.places, len(members)) if household else needs.places,
        women_only=needs.women_only or "women_only" in recorded,
        children=needs.children or "children" in recorded,
        accessible=needs.accessible or "accessible" in recorded,
        children_count=max(needs.children_count, children),
        language=",".join(sorted(languages)),
        guest_codes=tuple(m.code for m in members),
    )


@dataclass(frozen=True)
class Who:
    """The person or household a search is for, from one code typed at the desk."""

    guest: str | None = None
    household: str | None = None
    members: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How the board shows them: the first member and how many come with her."""
        if not self.members:
            return ""
        extra = len(self.members) - 1
        return f"{self.members[0]} +{extra}" if extra else self.members[0]


def who(session: Session, code: str) -> Who:
    """A household's code, or a guest's code (whose household comes along, if she has one)."""
    code = code.strip()
    if not code:
        return Who()
    household = session.scalar(select(Household).where(Household.code == code))
    if household is None:
        guest = find_guest(session, code)
        if guest.household_id is None:
            return Who(guest=guest.code, members=(guest.code,))
        household = session.get(Household, guest.household_id)
        assert household is not None
    members = tuple(g.code for g in households.members(session, household.id))
    return Who(household=household.code, members=members)


def _largest_site(session: Session) -> int:
    per_site = select(func.count(Unit.id).label("n")).group_by(Unit.site_id).subquery()
    return int(session.scalar(select(func.max(per_site.c.n))) or 0)


def find_places(
    session: Session, night: dt.date, needs: Needs, now: dt.datetime | None = None
) -> list[PlaceOption]:
    """Sites with enough units that fit on every night asked for; best first: in one room, in
    the preferred area, speaking the language, then the most room to spare."""
    check_needs(needs)
    if needs.places > 1 and needs.places > _largest_site(session):
        raise RuleViolation(
            _("no site has {n} places; a group this large must be split").format(n=needs.places)
        )
    now = now or utcnow()
    wanted = nights(night, needs.nights)
    free_all_nights: set[int] | None = None
    first_night: list[UnitNight] = []
    for n in wanted:
        units = availability(session, n, now)
        free = {u.unit_id for u in units if u.status == UnitStatus.FREE}
        free_all_nights = free if free_all_nights is None else free_all_nights & free
        if n == night:
            first_night = units
    guests = [find_guest(session, c) for c in needs.guest_codes]
    barred = avoid.barred_for(session, [g.id for g in guests], wanted)
    site_ids = dict(session.execute(select(Site.name, Site.id)).all())
    required = needs.required_tags()
    language_tags = needs.language_tags()
    area = needs.area.strip().lower()
    by_site: dict[str, list[UnitNight]] = {}
    for u in first_night:
        if u.unit_id not in (free_all_nights or set()) or not required <= set(u.tags):
            continue
        if barred.bars(site_ids[u.site], u.area, u.unit_id):
            continue
        if any(eligibility.problems(g, u.tags, night) for g in guests):
            continue
        if needs.area_required and area and u.area.strip().lower() != area:
            continue
        if needs.language_required and language_tags and not language_tags & set(u.tags):
            continue
        by_site.setdefault(u.site, []).append(u)
    options = []
    for site, fitting in by_site.items():
        if len(fitting) < needs.places:
            continue
        first = fitting[0]
        chosen = _together(fitting)[: needs.places]
        options.append(
            PlaceOption(
                site=site,
                site_kind=first.site_kind,
                area=first.area,
                units=tuple(u.ref for u in chosen),
                free_fitting=len(fitting),
                area_match=bool(area) and first.area.strip().lower() == area,
                language_match=bool(language_tags)
                and any(language_tags & set(u.tags) for u in fitting),
                same_room=needs.places > 1 and len({u.room for u in chosen}) == 1,
            )
        )
    options.sort(
        key=lambda o: (
            not o.same_room,
            not o.area_match,
            not o.language_match,
            -o.free_fitting,
            o.site.lower(),
        )
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
    nights_count: int = 1,
    held_for: str,
    minutes: int = DEFAULT_HOLD_MINUTES,
    actor: str,
    now: dt.datetime | None = None,
) -> Hold:
    """Hold every unit of an option for every night, as one hold: all of them or none."""
    return hold(
        session,
        units=units,
        night=night,
        nights_count=nights_count,
        held_for=held_for,
        minutes=minutes,
        actor=actor,
        now=now,
    )

"""Keep-away rules: sites and areas where a guest must never be offered a place, and other guests
to keep apart from (the network she testified against may reach them). Find a place leaves such
places out without saying why, and check-in and move refuse them with one neutral sentence: the
reason would tell whoever is searching where she must not be. The rules themselves are listed only
on an audited request, like a name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bedboard.db.models import AvoidRule, BedNight, Guest, Site, Unit
from bedboard.errors import BadInput, NotFound, RuleViolation
from bedboard.i18n import _
from bedboard.services.clock import utcnow
from bedboard.services.lookup import find_guest
from bedboard.services.safety import audit
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right
from bedboard.services.text import clean_text


class NotSuitable(RuleViolation):
    """Refused by a keep-away rule. The message never says which rule or why."""

    def __init__(self) -> None:
        super().__init__(_("not suitable for this guest"))


@dataclass(frozen=True)
class Rule:
    kind: str  # site | area | guest
    target: str


def add_rule(
    session: Session,
    *,
    guest_code: str,
    site: str | None = None,
    area: str | None = None,
    other_guest: str | None = None,
    actor: str,
) -> AvoidRule:
    require(session, Right.REGISTER_GUEST)
    given = [x for x in (site, area, other_guest) if x is not None and x.strip()]
    if len(given) != 1:
        raise BadInput(_("name exactly one: a site, an area or another guest"))
    guest = find_guest(session, guest_code)
    row = AvoidRule(guest_id=guest.id, created_at=utcnow(), created_by=actor)
    if site is not None and site.strip():
        site_id = session.scalar(select(Site.id).where(Site.name == site.strip()))
        if site_id is None:
            raise NotFound(_("no site named {site!r}").format(site=site))
        row.site_id = site_id
        exists = AvoidRule.site_id == site_id
    elif area is not None and area.strip():
        cleaned = clean_text(area, AvoidRule.area, _("the area"))
        known = session.scalar(select(Site.id).where(Site.area == cleaned).limit(1))
        if known is None:
            raise NotFound(_("no site is in an area named {area!r}").format(area=area))
        row.area = cleaned
        exists = AvoidRule.area == cleaned
    else:
        assert other_guest is not None
        other = find_guest(session, other_guest)
        if other.id == guest.id:
            raise BadInput(_("a guest cannot be kept apart from themselves"))
        row.other_guest_id = other.id
        exists = AvoidRule.other_guest_id == other.id
    if session.scalar(select(AvoidRule.id).where(AvoidRule.guest_id == guest.id, exists)):
        raise RuleViolation(_("guest {code} already has that rule").format(code=guest.code))
    session.add(row)
    session.flush()
    # The target stays out of the log: the log is read more widely than names are.
    audit.record(session, actor, "avoid_rule_add", f"guest:{guest.code}", rule=row.id)
    return row


def reveal_rules(session: Session, *, guest_code: str, reason: str, actor: str) -> list[Rule]:
    """The guest's rules, for someone who asked on purpose with a reason; audited."""
    from bedboard.services.safety.disclosures import require_reveal

    require_reveal(session, find_guest(session, guest_code))
    reason = clean_text(reason, 300, _("the reason"))
    if not reason:
        raise BadInput(_("say why the rules are needed"))
    guest = find_guest(session, guest_code)
    rows = session.scalars(
        select(AvoidRule).where(AvoidRule.guest_id == guest.id).order_by(AvoidRule.id)
    ).all()
    rules = []
    for r in rows:
        if r.site_id is not None:
            site = session.get(Site, r.site_id)
            rules.append(Rule("site", site.name if site else "?"))
        elif r.area is not None:
            rules.append(Rule("area", r.area))
        else:
            other = session.get(Guest, r.other_guest_id)
            rules.append(Rule("guest", other.code if other else "?"))
    audit.record(session, actor, "avoid_rules_shown", f"guest:{guest.code}", reason=reason)
    return rules


@dataclass(frozen=True)
class Barred:
    """What keep-away rules exclude for a set of guests over some nights."""

    site_ids: frozenset[int]
    areas: frozenset[str]  # lower case
    unit_ids: frozenset[int]  # units in rooms/sites where someone to keep apart sleeps

    def bars(self, site_id: int, area: str, unit_id: int) -> bool:
        return (
            site_id in self.site_ids
            or area.strip().lower() in self.areas
            or unit_id in self.unit_ids
        )


def barred_for(session: Session, guest_ids: Iterable[int], wanted: list[dt.date]) -> Barred:
    """Rules run both ways for guests kept apart: neither is placed at a site where the other
    sleeps on any of the nights."""
    ids = sorted(set(guest_ids))
    if not ids:
        return Barred(frozenset(), frozenset(), frozenset())
    rows = session.scalars(
        select(AvoidRule).where(or_(AvoidRule.guest_id.in_(ids), AvoidRule.other_guest_id.in_(ids)))
    ).all()
    site_ids = {r.site_id for r in rows if r.guest_id in ids and r.site_id is not None}
    areas = {r.area.strip().lower() for r in rows if r.guest_id in ids and r.area is not None}
    apart: set[int] = set()
    for r in rows:
        if r.other_guest_id is None:
            continue
        apart.add(r.other_guest_id if r.guest_id in ids else r.guest_id)
    apart -= set(ids)
    unit_ids: set[int] = set()
    if apart:
        sites_of_others = (
            select(Unit.site_id)
            .join(BedNight, BedNight.unit_id == Unit.id)
            .where(BedNight.guest_id.in_(apart), BedNight.night.in_(wanted))
        )
        unit_ids = set(session.scalars(select(Unit.id).where(Unit.site_id.in_(sites_of_others))))
    return Barred(frozenset(site_ids), frozenset(areas), frozenset(unit_ids))


def refuse_barred(
    session: Session, guest: Guest, site: Site, unit: Unit, wanted: list[dt.date]
) -> None:
    if barred_for(session, [guest.id], wanted).bars(site.id, site.area, unit.id):
        raise NotSuitable()

"""Eligibility at the door: a guest's recorded gender, age and needs against what a unit takes.
A man in a women-only place, a child where children are not taken, a woman who needs a
women-only place in a mixed one: refused unless the worker overrides with a reason, and the
override is written to the audit log. Ages count from the birth year (a guest is a child in the
years before they turn 18)."""

from __future__ import annotations

import datetime as dt

from bedboard.db.models import Guest
from bedboard.errors import RuleViolation
from bedboard.i18n import _
from bedboard.services.text import clean_text
from bedboard.states import Gender

ADULT_AGE = 18


class NotEligible(RuleViolation):
    def __init__(self, refusal: str) -> None:
        super().__init__(_("{refusal} (a reason can override this)").format(refusal=refusal))
        self.refusal = refusal  # without the hint, for faces that name their own way to override


def is_child(birth_year: int | None, night: dt.date) -> bool:
    return birth_year is not None and night.year - birth_year < ADULT_AGE


def guest_needs(guest: Guest) -> set[str]:
    return {n for n in guest.needs.split(";") if n}


def problems(guest: Guest, tags: tuple[str, ...] | set[str], night: dt.date) -> list[str]:
    """What about this unit contradicts this guest, in words for the desk; empty when it fits."""
    tags = set(tags)
    needs = guest_needs(guest)
    child = is_child(guest.birth_year, night)
    found = []
    if "women_only" in tags and guest.gender == Gender.MAN and not child:
        found.append(_("a man in a women-only place"))
    if child and "children_ok" not in tags:
        found.append(_("a child where children are not taken"))
    if "women_only" in needs and "women_only" not in tags:
        found.append(_("needs a women-only place"))
    if "children" in needs and "children_ok" not in tags:
        found.append(_("comes with children, and this place does not take them"))
    if "accessible" in needs and "accessible" not in tags:
        found.append(_("needs an accessible place"))
    return found


def check(
    guest: Guest, ref: str, tags: tuple[str, ...] | set[str], night: dt.date, override: str
) -> list[str]:
    """Refuse when the unit contradicts the guest and no reason to override is given. Returns
    the problems overridden (for the audit log)."""
    found = problems(guest, tags, night)
    if found and not clean_text(override, 300, "the reason to override"):
        raise NotEligible(
            _("{code} cannot be placed in {unit}: {problems}").format(
                code=guest.code, unit=ref, problems="; ".join(found)
            )
        )
    return found

"""A world with one staff member of each role (night staff at Hvilan only), and one action of
every kind in the rights table, each at Hvilan and where it matters also at another site."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from bedboard.services.beds import holds, stays
from bedboard.services.beds.availability import availability
from bedboard.services.beds.inventory import InventoryRow, import_inventory
from bedboard.services.billing import close, commitments, payers, payments, rates
from bedboard.services.exports.occupancy import occupancy_export
from bedboard.services.people.guests import GuestFields, add_guest
from bedboard.services.people.search import reveal_name
from bedboard.services.people.turnaways import record_turnaway
from bedboard.services.safety import privacy
from bedboard.services.safety.history import guest_history
from bedboard.services.staff import members
from bedboard.services.staff.access import Actor
from bedboard.store import Store
from tests.support.billing_world import adjust
from tests.support.booking import book
from tests.support.rules_world import NOW, build_world, night

PINS = {"ada": "1111", "cora": "2222", "otto": "3333", "nils": "4444"}
ROLES = {"ada": "admin", "cora": "coordinator", "otto": "outreach", "nils": "night"}
LOGIN_OF = {role: login for login, role in ROLES.items()}


def build_staff_world(store: Store) -> Store:
    """The rules world, guests staying at both sites, a closed night, and the four staff."""
    build_world(store)
    with store.write() as s:
        rates.set_rate(
            s, amount=45000, currency="SEK", valid_from=night(-30), site_kind="shelter", actor="t"
        )
        rates.set_rate(
            s,
            amount=40000,
            currency="SEK",
            valid_from=night(-30),
            site_kind="host_family",
            actor="t",
        )
        stays.check_in(
            s, unit="Hvilan/1", guest_code="G-1", night=night(0), nights_count=3, actor="t", now=NOW
        )
        book(s, "Familjen Berg/1", "G-2", night(0), 3, now=NOW)
        book(s, "Hvilan/3", "G-3", night(-10), payer="Polisen", now=NOW)
        close.close_night(s, night=night(-10), currency="SEK", actor="t", allow_unbilled=True)
        # The administrator last: once one exists, the local user may no longer add staff.
        for login, role in reversed(ROLES.items()):
            members.add_staff(
                s,
                login=login,
                role=role,
                sites=["Hvilan"] if role == "night" else [],
                pin=PINS[login],
            )
    return store


def as_role(store: Store, role: str) -> Store:
    with store.read() as s:
        member = members.find_staff(s, LOGIN_OF[role])
        store.who = members.actor_for(s, member)
    return store


Action = Callable[[Session, str], Any]
_n = 0


def _fresh_code() -> str:
    global _n
    _n += 1
    return f"N-{_n}"


def _second(session: Session, who: str) -> Actor:
    """Every guest here is protected: a second staff member, allowed everywhere, confirms."""
    login = next(c for c in ("cora", "ada") if c != who)
    return members.actor_for(session, members.find_staff(session, login))


# Each action: (kind in the rights table, where, what it does). `who` is the actor's login.
ACTIONS: dict[str, Action] = {
    "see availability": lambda s, who: availability(s, night(0), NOW),
    "book at Hvilan": lambda s, who: stays.check_in(
        s, unit="Hvilan/2", guest_code=_fresh_code(), night=night(5), actor=who, now=NOW
    ),
    "book at Familjen Berg": lambda s, who: stays.check_in(
        s, unit="Familjen Berg/2", guest_code=_fresh_code(), night=night(5), actor=who, now=NOW
    ),
    "check out at Hvilan": lambda s, who: stays.check_out(
        s, guest_code="G-1", night=night(2), actor=who
    ),
    "check out at Familjen Berg": lambda s, who: stays.check_out(
        s, guest_code="G-2", night=night(2), actor=who
    ),
    "hold at Hvilan": lambda s, who: holds.hold(
        s, unit="Hvilan/2", night=night(8), actor=who, now=NOW
    ),
    "hold at Familjen Berg": lambda s, who: holds.hold(
        s, unit="Familjen Berg/2", night=night(8), actor=who, now=NOW
    ),
    "turnaway at Hvilan": lambda s, who: record_turnaway(
        s, night=night(0), reason="no_free_unit", site="Hvilan", actor=who
    ),
    "turnaway at Familjen Berg": lambda s, who: record_turnaway(
        s, night=night(0), reason="no_free_unit", site="Familjen Berg", actor=who
    ),
    "reveal at Hvilan": lambda s, who: reveal_name(
        s, guest_code="G-1", actor=who, reason="the police asked", confirmed_by=_second(s, who)
    ),
    "reveal at Familjen Berg": lambda s, who: reveal_name(
        s, guest_code="G-2", actor=who, reason="the police asked", confirmed_by=_second(s, who)
    ),
    "register guest": lambda s, who: add_guest(
        s, code=_fresh_code(), fields=GuestFields(languages="sv"), actor=who
    ),
    "billing": lambda s, who: payments.assign_payer(
        s, guest_code="G-1", payer="Polisen", first=night(0), actor=who
    ),
    "correct": lambda s, who: adjust(s, "G-3", night(-10), -100, "wrong rate", actor=who),
    "commitments": lambda s, who: commitments.add_commitment(
        s, payer="Polisen", guest_code="G-1", first=night(20), actor=who
    ),
    "close night": lambda s, who: close.close_night(
        s, night=night(-9), currency="SEK", actor=who, allow_unbilled=True
    ),
    "export": lambda s, who: list(occupancy_export(s, night(0)).rows),
    "audit": lambda s, who: guest_history(s, "G-1"),
    "staff": lambda s, who: members.add_staff(s, login=_fresh_code().lower(), role="outreach"),
    "inventory": lambda s, who: import_inventory(
        s, [InventoryRow(2, "Nya", "shelter", "Solna", "1", "1", "")], actor=who
    ),
    "payers": lambda s, who: payers.add_payer(s, name=_fresh_code(), kind="ngo", actor=who),
    "rates": lambda s, who: rates.set_rate(
        s, amount=1000, currency="SEK", valid_from=night(40), site_kind="shelter", actor=who
    ),
    "forget": lambda s, who: privacy.forget(s, guest_code="G-2", actor=who),
}

EVERY = set(ACTIONS)
ALLOWED = {
    "admin": EVERY,
    "coordinator": EVERY - {"staff", "inventory", "payers", "rates", "forget"},
    "outreach": {
        "see availability",
        "register guest",
        "hold at Hvilan",
        "hold at Familjen Berg",
        "turnaway at Hvilan",
        "turnaway at Familjen Berg",
    },
    "night": {
        "see availability",
        "book at Hvilan",
        "check out at Hvilan",
        "hold at Hvilan",
        "turnaway at Hvilan",
        "reveal at Hvilan",
    },
}

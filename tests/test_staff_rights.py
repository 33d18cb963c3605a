"""The rights table, enforced in the services layer: for each role on both backends, every kind
of action in the table is tried once, and each is allowed or refused exactly as DESIGN.md says.
A refusal is one line and changes nothing."""

from __future__ import annotations

import pytest

from bedboard.errors import BedboardError
from bedboard.services.staff.access import Actor, NotAllowed
from bedboard.store import Store
from tests.support.rules_world import table_contents
from tests.support.staff_world import ACTIONS, ALLOWED, as_role, build_staff_world


@pytest.mark.parametrize("role", ["admin", "coordinator", "outreach", "night"])
def test_each_role_may_do_what_the_table_says_and_nothing_else(store: Store, role: str) -> None:
    build_staff_world(store)
    as_role(store, role)
    outcome: dict[str, str] = {}
    for name, action in ACTIONS.items():
        before = table_contents(store)
        try:
            with store.write() as session:
                action(session, store.actor)
            outcome[name] = "allowed"
        except NotAllowed as exc:
            assert "\n" not in str(exc)
            assert table_contents(store) == before, f"{name}: a refusal changed something"
            outcome[name] = "refused"
        except BedboardError as exc:  # allowed, but the action itself failed: a broken test
            outcome[name] = f"failed: {exc}"
    expected = {n: "allowed" if n in ALLOWED[role] else "refused" for n in ACTIONS}
    assert outcome == expected
    assert ("allowed" in outcome.values() and "refused" in outcome.values()) or role == "admin"


def test_a_refusal_names_the_person_the_role_and_what(store: Store) -> None:
    build_staff_world(store)
    as_role(store, "night")
    with pytest.raises(NotAllowed) as info, store.write() as session:
        ACTIONS["book at Familjen Berg"](session, store.actor)
    assert str(info.value) == (
        "nils (night staff) may book, move or check out guests only at their own sites (Hvilan)"
    )
    as_role(store, "outreach")
    with pytest.raises(NotAllowed) as info, store.write() as session:
        ACTIONS["billing"](session, store.actor)
    assert str(info.value) == "otto (outreach worker) may not work with billing"


def test_once_an_admin_exists_the_local_user_may_do_nothing(store: Store) -> None:
    build_staff_world(store)
    store.who = Actor("someone")
    before = table_contents(store)
    with pytest.raises(NotAllowed, match="sign in as a staff member"), store.write() as session:
        ACTIONS["see availability"](session, "someone")
    assert table_contents(store) == before

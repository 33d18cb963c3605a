"""The guest record at intake, households and keep-away rules, on both backends: codes are made
when not given, a household is created on first use, names are stored exactly as typed but never
printed, and a refused change leaves every table as it was."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bedboard.db.models import AuditEntry, AvoidRule, Guest, Household
from bedboard.errors import BadInput, BedboardError, NotFound, RuleViolation
from bedboard.services.people import avoid, guests
from bedboard.services.people.guests import GuestFields
from bedboard.store import Store
from tests.support.cli import run_cli
from tests.support.rules_world import NOW, Recorded, refused

QUOTED = 'Åsa "Lill" O\'Brien-Öberg'
ARABIC = "فاطمة الزهراء"


def test_codes_are_made_in_order_with_the_prefix(world: Store) -> None:
    with world.write() as s:
        first = guests.add_guest(s, code=None, fields=GuestFields(), actor="t").code
        guests.add_guest(s, code="G-41", fields=GuestFields(), actor="t")
        after_gap = guests.add_guest(s, code=None, fields=GuestFields(), actor="t").code
        other = guests.add_guest(s, code=None, fields=GuestFields(), actor="t", prefix="SOS-").code
    assert (first, after_gap, other) == ("G-1", "G-42", "SOS-1")


def test_household_is_created_on_first_use_and_shared(world: Store) -> None:
    with Recorded(world, "guest_add"), world.write() as s:
        guests.add_guest(
            s,
            code="G-201",
            fields=GuestFields(
                household="H-7", gender="woman", needs="women_only,children", birth_year=1991
            ),
            actor="t",
        )
    with world.write() as s:
        for code in ("G-202", "G-203"):
            guests.add_guest(
                s, code=code, fields=GuestFields(household="H-7", birth_year=2019), actor="t"
            )
    with world.read() as s:
        assert s.scalars(select(Household.code)).all() == ["H-7"]
        view = guests.show_guest(s, "G-203")
    assert view.household == "H-7"
    assert view.household_members == ("G-201", "G-202", "G-203")
    with world.read() as s:
        mother = guests.show_guest(s, "G-201")
    assert mother.needs == ("children", "women_only") and mother.gender == "woman"


def test_names_are_kept_exactly_and_never_shown(world: Store, db_url: str) -> None:
    with world.write() as s:
        guests.add_guest(s, code="G-Q", fields=GuestFields(name=QUOTED), actor="t")
        guests.add_guest(s, code="G-R", fields=GuestFields(name=ARABIC), actor="t")
    with world.read() as s:
        stored = dict(s.execute(select(Guest.code, Guest.name)).all())
        details = s.scalars(select(AuditEntry.detail)).all()
    assert stored["G-Q"] == QUOTED and stored["G-R"] == ARABIC
    assert not any(QUOTED in d or ARABIC in d for d in details), "a name reached the audit log"
    shown = run_cli("guests", "show", "G-Q", db=db_url)
    listed = run_cli("guests", "list", "--json", db=db_url)
    assert shown.returncode == 0 and listed.returncode == 0, shown.stderr + listed.stderr
    assert "recorded" in shown.stdout
    for out in (shown.stdout, listed.stdout):
        assert "Lill" not in out and "فاطمة" not in out
    assert {g["code"]: g["name_recorded"] for g in json.loads(listed.stdout)} == {
        "G-Q": True,
        "G-R": True,
    }


def test_edit_changes_only_what_is_named(world: Store) -> None:
    with world.write() as s:
        guests.add_guest(
            s, code="G-1", fields=GuestFields(languages="sv,ro", household="H-1"), actor="t"
        )
    with Recorded(world, "guest_edit"), world.write() as s:
        guests.edit_guest(s, code="G-1", fields=GuestFields(needs="accessible"), actor="t")
    with world.read() as s:
        view = guests.show_guest(s, "G-1")
    assert view.languages == ("ro", "sv") and view.needs == ("accessible",)
    assert view.household == "H-1"
    with world.write() as s:
        guests.edit_guest(s, code="G-1", fields=GuestFields(household=""), actor="t")
    with world.read() as s:
        assert guests.show_guest(s, "G-1").household == ""


@pytest.mark.parametrize(
    ("fields", "error", "says"),
    [
        (GuestFields(birth_year=2999), BadInput, "in the future"),
        (GuestFields(name="Anna \U0001f600"), BadInput, "GRINNING FACE"),
        (GuestFields(name="\u202eanna"), BadInput, "RIGHT-TO-LEFT OVERRIDE"),
        (GuestFields(needs="pets"), BadInput, "unknown need"),
        (GuestFields(gender="female"), BadInput, "gender"),
    ],
)
def test_bad_records_change_nothing(
    world: Store, fields: GuestFields, error: type[BedboardError], says: str
) -> None:
    # The household would be created first if the checks came too late.
    bad = GuestFields(**{**fields.__dict__, "household": "H-NEW"})
    refused(world, error, lambda s: guests.add_guest(s, code=None, fields=bad, actor="t"), says)


def test_a_code_that_exists_is_refused(world: Store) -> None:
    with world.write() as s:
        guests.add_guest(s, code="G-1", fields=GuestFields(), actor="t")
    refused(
        world,
        RuleViolation,
        lambda s: guests.add_guest(s, code=" G-1 ", fields=GuestFields(), actor="t"),
        "already exists",
    )


def test_keep_away_rules_are_stored_and_shown_only_on_an_audited_request(
    world: Store,
) -> None:
    with world.write() as s:
        for code in ("G-1", "G-2"):
            guests.add_guest(s, code=code, fields=GuestFields(), actor="t")
    with Recorded(world, "avoid_rule_add", "avoid_rule_add", "avoid_rule_add"), world.write() as s:
        avoid.add_rule(s, guest_code="G-1", site="Hvilan", actor="t")
        avoid.add_rule(s, guest_code="G-1", area="Nacka", actor="t")
        avoid.add_rule(s, guest_code="G-1", other_guest="G-2", actor="t")
    with world.read() as s:
        assert s.query(AvoidRule).count() == 3
        details = " ".join(s.scalars(select(AuditEntry.detail)).all())
        assert guests.show_guest(s, "G-1").avoid_rules == 3
    assert "Hvilan" not in details and "Nacka" not in details
    with Recorded(world, "avoid_rules_shown"), world.write() as s:
        rules = avoid.reveal_rules(s, guest_code="G-1", reason="planning a move", actor="t")
    assert [(r.kind, r.target) for r in rules] == [
        ("site", "Hvilan"),
        ("area", "Nacka"),
        ("guest", "G-2"),
    ]
    refused(
        world,
        RuleViolation,
        lambda s: avoid.add_rule(s, guest_code="G-1", site="Hvilan", actor="t"),
        "already has that rule",
    )
    refused(
        world,
        NotFound,
        lambda s: avoid.add_rule(s, guest_code="G-1", site="Nowhere", actor="t"),
        "no site",
    )


def test_the_database_refuses_a_rule_with_two_targets(world: Store) -> None:
    with world.write() as s:
        guest = guests.add_guest(s, code="G-1", fields=GuestFields(), actor="t")
        guest_id = guest.id
    with pytest.raises(Exception, match=r"(?i)check|constraint"), world.write() as s:
        s.add(AvoidRule(guest_id=guest_id, site_id=1, area="Nacka", created_at=NOW, created_by="x"))
        s.flush()

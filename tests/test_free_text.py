"""Every free-text field goes through services/text.py: the same limit as its column, the same
refusal for a control character or a line break, in the same words, on both backends.

Each case writes the text into its field through the service a person's command calls; the
refusals change nothing (rules_world.refused compares every table), and text of exactly the
column's length is kept whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bedboard.db.models import Adjustment, BedNight, Guest, Hold, Payer, Site, Unit
from bedboard.db.models import Turnaway as TurnawayRow
from bedboard.errors import BadInput
from bedboard.services.beds import holds, inventory, out_of_service, stays
from bedboard.services.billing import close, payers, payments, rates
from bedboard.services.people import turnaways
from bedboard.services.text import column_length, refusal
from bedboard.store import Store
from tests.support.billing_world import adjust
from tests.support.rules_world import NIGHT, NOW, night, refused


def _check_in(s: Session, code: str = "G-1", reference: str = "") -> None:
    stays.check_in(
        s, unit="Hvilan/1", guest_code=code, night=NIGHT, reference=reference, actor="t", now=NOW
    )


def _adjust(s: Session, reason: str) -> None:
    adjust(s, "G-1", NIGHT, -100, reason)


def _posted_night(s: Session) -> None:
    """G-1 on a posted night, so that an adjustment has something to correct."""
    _check_in(s)
    rates.set_rate(
        s, amount=45000, currency="SEK", valid_from=NIGHT, site_kind="shelter", actor="t"
    )
    payments.assign_payer(s, guest_code="G-1", payer="Polisen", first=NIGHT, actor="t")
    close.close_night(s, night=NIGHT, currency="SEK", actor="t", now=NOW)


def _add_payer(field: str, s: Session, value: str) -> None:
    payers.add_payer(s, **{"name": "Ny payer", "kind": "ngo", field: value}, actor="t")


def _inventory(tmp_path: Path, field: str, value: str) -> Callable[[Session], Any]:
    cells = {"site": "Norr", "site_kind": "shelter", "area": "Solna", "room": "1", "unit": "1"}
    cells[field] = value
    path = tmp_path / "inventory.csv"
    header = ",".join([*cells, "tags"])
    row = ",".join('"' + v.replace('"', '""') + '"' for v in cells.values())
    path.write_text(f"{header}\n{row},\n", encoding="utf-8")
    return lambda s: inventory.import_inventory(s, inventory.parse_inventory(path), actor="t")


@dataclass(frozen=True)
class Field:
    id: str
    column: Any
    what: str
    write: Callable[[Session, str], Any]
    required: bool = False
    setup: Callable[[Session], Any] | None = None


FIELDS = [
    Field("guest code", Guest.code, "the guest code", lambda s, v: _check_in(s, code=v), True),
    Field(
        "payer reference at check-in",
        BedNight.payer_reference,
        "the payer reference",
        lambda s, v: _check_in(s, reference=v),
    ),
    Field(
        "payer reference when paying",
        BedNight.payer_reference,
        "the payer reference",
        lambda s, v: payments.assign_payer(
            s, guest_code="G-1", payer="Polisen", first=NIGHT, reference=v, actor="t"
        ),
        setup=_check_in,
    ),
    Field(
        "hold for",
        Hold.held_for,
        "who the hold is for",
        lambda s, v: holds.hold(s, unit="Hvilan/2", night=NIGHT, held_for=v, actor="t", now=NOW),
    ),
    Field(
        "out-of-service reason",
        BedNight.reason,
        "the reason",
        lambda s, v: out_of_service.mark_out_of_service(
            s, unit="Hvilan/3", first=NIGHT, last=night(1), reason=v, actor="t", now=NOW
        ),
    ),
    Field(
        "turnaway referred to",
        TurnawayRow.referred_to,
        "referred to",
        lambda s, v: turnaways.record_turnaway(
            s, night=NIGHT, reason="no_free_unit", referred_to=v, actor="t"
        ),
    ),
    Field("adjustment reason", Adjustment.reason, "the reason", _adjust, setup=_posted_night),
    *(
        Field(
            f"payer {name}",
            getattr(Payer, name),
            f"the payer {name.replace('_', ' ')}",
            partial(_add_payer, name),
        )
        for name in ("name", "org_number", "address", "contact")
    ),
]
INVENTORY_FIELDS = {"site": Site.name, "area": Site.area, "room": Unit.room, "unit": Unit.label}


def prepared(world: Store, field: Field) -> Store:
    if field.setup:
        with world.write() as s:
            field.setup(s)
    return world


@pytest.mark.parametrize("field", FIELDS, ids=[f.id for f in FIELDS])
@pytest.mark.parametrize(
    "bad", ["bell\a", "two\nlines", "tab\there", "\u202eflipped", "zero\u200bwidth"]
)
def test_a_control_or_invisible_character_is_refused(world: Store, field: Field, bad: str) -> None:
    prepared(world, field)
    limit = column_length(field.column)
    expected = refusal(field.what, limit, field.required)
    error = refused(world, BadInput, lambda s: field.write(s, bad))
    assert str(error) == expected


@pytest.mark.parametrize("field", FIELDS, ids=[f.id for f in FIELDS])
def test_the_column_length_is_the_limit(world: Store, field: Field) -> None:
    prepared(world, field)
    limit = column_length(field.column)
    assert limit is not None
    error = refused(world, BadInput, lambda s: field.write(s, "x" * (limit + 1)))
    assert str(error) == refusal(field.what, limit, field.required)
    with world.write() as s:
        field.write(s, f"  {'y' * limit}  ")  # trimmed first, then measured
    with world.read() as s:
        column = field.column
        stored = s.scalars(column.expression.table.select().with_only_columns(column)).all()
    assert "y" * limit in stored


@pytest.mark.parametrize("name", INVENTORY_FIELDS)
def test_inventory_text_is_checked_the_same_way(world: Store, tmp_path: Path, name: str) -> None:
    limit = column_length(INVENTORY_FIELDS[name])
    assert limit is not None
    for bad in ("A\nB", "x" * (limit + 1)):
        error = refused(world, BadInput, _inventory(tmp_path, name, bad))
        assert str(error).endswith(refusal(f"{name}", limit)), error
        assert ", line " in str(error)  # names where in the file
    with world.write() as s:
        _inventory(tmp_path, name, "z" * limit)(s)


def test_every_text_limit_is_a_column_length() -> None:
    """The limits are read from the tables, so a wider column needs no second edit."""
    assert {f.id: column_length(f.column) for f in FIELDS[:6]} == {
        "guest code": 100,
        "payer reference at check-in": 200,
        "payer reference when paying": 200,
        "hold for": 300,
        "out-of-service reason": 300,
        "turnaway referred to": 300,
    }

"""A small world for the rules tests, and the checks they share: that a refused change left every
table exactly as it was, and that an accepted one wrote an audit entry and bumped the revision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bedboard.db.models import AuditEntry, Base, Payer
from bedboard.errors import BedboardError
from bedboard.services.beds.inventory import InventoryRow, import_inventory
from bedboard.services.people import guests
from bedboard.services.people.guests import GuestFields
from bedboard.store import Store

NIGHT = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 27, 20, 0)  # naive UTC, like every stored timestamp

UNITS = [
    ("Hvilan", "shelter", "Stockholm", "1", "1", "women_only"),
    ("Hvilan", "shelter", "Stockholm", "1", "2", "women_only"),
    ("Hvilan", "shelter", "Stockholm", "2", "3", "women_only"),
    ("Familjen Berg", "host_family", "Nacka", "", "1", "children_ok"),
    ("Familjen Berg", "host_family", "Nacka", "", "2", "children_ok"),
]


def night(offset: int) -> dt.date:
    return NIGHT + dt.timedelta(days=offset)


def build_world(store: Store) -> Store:
    rows = [InventoryRow(i + 2, *u) for i, u in enumerate(UNITS)]
    with store.write() as s:
        import_inventory(s, rows, actor="setup")
        s.add_all(
            [
                Payer(name="Polisen", kind="police"),
                Payer(name="Svea hovrätt", kind="court"),
                Payer(name="Gamla payer", kind="own", active=False),
            ]
        )
    return store


def add_mother_and_children(session: Session, actor: str) -> None:
    """A mother who needs a women-only place, and her two children, in household H-7."""
    guests.add_guest(
        session,
        code="G-201",
        fields=GuestFields(
            household="H-7", gender="woman", needs="women_only,children", birth_year=1990
        ),
        actor=actor,
    )
    for code, year in (("G-202", 2016), ("G-203", 2019)):
        guests.add_guest(
            session, code=code, fields=GuestFields(household="H-7", birth_year=year), actor=actor
        )


# A change to try in a write transaction: what `refused` runs.
Change = Callable[[Session], Any]


def table_contents(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    contents: dict[str, list[tuple[Any, ...]]] = {}
    with store.read() as s:
        for name in sorted(Base.metadata.tables):
            rows = s.execute(text(f"SELECT * FROM {name}")).all()
            contents[name] = sorted((tuple(r) for r in rows), key=repr)
    return contents


def refused(
    store: Store,
    error: type[BedboardError],
    change: Change,
    match: str | None = None,
) -> BedboardError:
    """Run `change` in a write transaction; it must raise `error` (one line) and change nothing."""
    before = table_contents(store)
    with pytest.raises(error, match=match) as info, store.write() as s:
        change(s)
    message = str(info.value)
    assert message and "\n" not in message
    assert table_contents(store) == before
    return info.value


def revision(store: Store) -> int:
    with store.read() as s:
        return int(s.execute(text("SELECT value FROM revision WHERE id = 1")).scalar_one())


def audit_actions(store: Store) -> list[str]:
    with store.read() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def last_audit(store: Store) -> AuditEntry:
    with store.read() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None
        return entry


class Recorded:
    """`with Recorded(store, "check_in"):` asserts the block wrote exactly that audit entry (and
    possibly others after it) and bumped the revision."""

    def __init__(self, store: Store, *actions: str) -> None:
        self.store = store
        self.actions = list(actions)

    def __enter__(self) -> Recorded:
        self.revision = revision(self.store)
        self.count = len(audit_actions(self.store))
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is not None:
            return
        assert audit_actions(self.store)[self.count :] == self.actions
        assert revision(self.store) > self.revision

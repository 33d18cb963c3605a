"""What an open board reads after a change (services/beds/changed.py, migration 0008): the units
that changed and nothing else, in as many statements and rows with 8 units as with 80; and the
whole night (None) whenever the notes cannot say what changed. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session

from bedboard.db.models import Payer
from bedboard.db.session import current_revision
from bedboard.services.beds.availability import availability
from bedboard.services.beds.changed import MAX_UNITS, changes_since
from bedboard.services.beds.holds import hold
from bedboard.services.beds.inventory import InventoryRow, import_inventory
from bedboard.services.beds.stays import check_in, extend, move
from bedboard.services.people import guests
from bedboard.services.people.guests import GuestFields
from bedboard.store import Store

NIGHT = dt.date(2030, 3, 10)
NOW = dt.datetime(2030, 3, 10, 20, 0)


def build(store: Store, units: int) -> Store:
    rows = [
        InventoryRow(i + 2, f"Site {i % 4}", "shelter", "Stockholm", "", str(i), "")
        for i in range(units)
    ]
    with store.write() as s:
        import_inventory(s, rows, actor="setup")
        s.add(Payer(name="Polisen", kind="police"))
    return store


def revision_of(store: Store) -> int:
    with store.read() as s:
        return current_revision(s)


def changed_refs(store: Store, since: int, night: dt.date = NIGHT) -> list[str] | None:
    with store.read() as s:
        found = changes_since(s, night, since, now=NOW)
    return None if found is None else sorted(u.ref for u in found.units)


@dataclass
class Reads:
    statements: int = 0
    rows: int = 0
    sql: list[str] = field(default_factory=list)


@contextmanager
def counted(session: Session) -> Iterator[Reads]:
    """Statements sent and rows fetched on this session's connection."""
    reads = Reads()
    conn = session.connection()
    dbapi: Any = conn.connection.dbapi_connection
    sqlite = conn.dialect.name == "sqlite"

    def after(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        reads.statements += 1
        reads.sql.append(statement)
        if not sqlite and cursor.rowcount > 0:  # psycopg counts a SELECT's rows
            reads.rows += cursor.rowcount

    def row(_cursor: Any, values: tuple[Any, ...]) -> tuple[Any, ...]:
        reads.rows += 1
        return values

    event.listen(conn, "after_cursor_execute", after)
    if sqlite:
        dbapi.row_factory = row
    try:
        yield reads
    finally:
        event.remove(conn, "after_cursor_execute", after)
        if sqlite:
            dbapi.row_factory = None


def check_in_and_read(store: Store, unit: str, code: str) -> tuple[Reads, list[str]]:
    """One check-in by another desk, then what a board that saw the revision before it reads."""
    before = revision_of(store)
    with store.write() as s:
        check_in(s, unit=unit, guest_code=code, night=NIGHT, actor="desk", now=NOW)
    with store.read() as s, counted(s) as reads:
        found = changes_since(s, NIGHT, before, now=NOW)
    assert found is not None
    return reads, [u.ref for u in found.units]


def test_one_change_reads_the_same_with_ten_times_the_units(store: Store) -> None:
    build(store, 8)
    few, refs = check_in_and_read(store, "Site 1/1", "G-1")
    assert refs == ["Site 1/1"]
    with store.write() as s:
        more = [InventoryRow(i, f"Site {i % 4}", "shelter", "Stockholm", "", str(i), "")
                for i in range(8, 80)]  # fmt: skip
        import_inventory(s, more, actor="setup")
    many, refs = check_in_and_read(store, "Site 2/50", "G-2")
    assert refs == ["Site 2/50"]
    assert few.statements == many.statements, (few.sql, many.sql)
    assert few.rows == many.rows, (few.sql, many.sql)
    # the revision, the notes of one write, the unit's own row and lookups: not the night's
    assert many.rows < 10, many.sql


def test_the_changed_units_read_as_the_whole_night_reads_them(store: Store) -> None:
    build(store, 8)
    base = revision_of(store)
    with store.write() as s:
        check_in(s, unit="Site 1/1", guest_code="G-1", night=NIGHT, nights_count=2, actor="d",
                 payer="Polisen", now=NOW)  # fmt: skip
        hold(s, units=["Site 2/2"], night=NIGHT, held_for="someone", actor="d", now=NOW)
    with store.read() as s:
        found = changes_since(s, NIGHT, base, now=NOW)
        whole = {u.unit_id: u for u in availability(s, NIGHT, now=NOW)}
    assert found is not None
    assert sorted(u.ref for u in found.units) == ["Site 1/1", "Site 2/2"]
    for u in found.units:
        assert u == whole[u.unit_id]
    assert found.revision == revision_of(store)


def test_a_change_on_another_night_of_the_stay_reaches_tonight(store: Store) -> None:
    build(store, 8)
    with store.write() as s:
        check_in(s, unit="Site 1/1", guest_code="G-1", night=NIGHT, actor="d", now=NOW)
    base = revision_of(store)
    with store.write() as s:  # tonight's line now reads "1 of 2": its row itself did not change
        extend(s, guest_code="G-1", extra_nights=1, actor="d", night=NIGHT, now=NOW)
    assert changed_refs(store, base) == ["Site 1/1"]
    base = revision_of(store)
    with store.write() as s:
        move(s, guest_code="G-1", to_unit="Site 2/2", from_night=NIGHT, actor="d", now=NOW)
    assert changed_refs(store, base) == ["Site 1/1", "Site 2/2"]


def test_nothing_changed_reads_nothing(store: Store) -> None:
    build(store, 8)
    base = revision_of(store)
    assert changed_refs(store, base) == []
    with store.write() as s:  # another night, another guest: nothing on NIGHT shows it
        check_in(s, unit="Site 1/1", guest_code="G-1", night=NIGHT + dt.timedelta(days=3),
                 actor="d", now=NOW)  # fmt: skip
    assert changed_refs(store, base) == []


def test_what_cannot_be_narrowed_down_reads_the_whole_night(store: Store) -> None:
    build(store, 8)
    with store.write() as s:
        check_in(s, unit="Site 1/1", guest_code="G-1", night=NIGHT, actor="d", now=NOW)
    base = revision_of(store)
    with store.write() as s:  # a household of two: the first member's line reads "G-1 +1"
        guests.add_guest(s, code="G-2", fields=GuestFields(household="H-1"), actor="d")
    assert changed_refs(store, base) is None
    base = revision_of(store)
    with store.write() as s:  # a new unit
        import_inventory(
            s, [InventoryRow(2, "Site 0", "shelter", "Stockholm", "", "99", "")], actor="d"
        )
    assert changed_refs(store, base) is None


def test_a_revision_that_jumps_or_notes_that_end_read_the_whole_night(store: Store) -> None:
    build(store, 8)
    base = revision_of(store)
    with store.write() as s:  # as a restored backup does: the revision jumps
        s.execute(text("UPDATE revision SET value = value + 5"))
    assert changed_refs(store, base) is None
    base = revision_of(store)
    with store.write() as s:
        check_in(s, unit="Site 1/1", guest_code="G-1", night=NIGHT, actor="d", now=NOW)
    assert changed_refs(store, base) == ["Site 1/1"]
    with store.write() as s:  # the notes no longer reach back to `base` (as when pruned)
        s.execute(text("DELETE FROM revision_changes WHERE revision <= :r"), {"r": base + 1})
    assert changed_refs(store, base) is None


def test_too_many_changed_units_read_the_whole_night(store: Store) -> None:
    build(store, MAX_UNITS + 8)
    base = revision_of(store)
    with store.write() as s:
        for i in range(MAX_UNITS + 1):
            check_in(s, unit=f"Site {i % 4}/{i}", guest_code=f"G-{i}", night=NIGHT, actor="d",
                     now=NOW)  # fmt: skip
    assert changed_refs(store, base) is None


def test_writes_without_a_revision_note_nothing(store: Store) -> None:
    """A bulk load that does not bump the revision (the benchmark generator) fills no notes."""
    build(store, 8)
    with store.write() as s:
        before = s.execute(text("SELECT count(*) FROM revision_changes")).scalar()
    engine = store.engine
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM revision_changes"))
        conn.execute(
            text(
                "INSERT INTO bed_nights (unit_id, night, state, payer_reference, reason) "
                "SELECT id, :night, 'out_of_service', '', 'paint' FROM units"
            ),
            {"night": NIGHT},
        )
        assert conn.execute(text("SELECT count(*) FROM revision_changes")).scalar() == 0
    assert before


def test_the_nights_read_does_not_grow_with_the_guests_history(store: Store) -> None:
    """A visit is found from the edges of tonight's stays, not from every stay a guest ever
    had: twenty earlier stays of the guest in a bed tonight add no row to the night's read."""
    build(store, 8)
    with store.write() as s:
        check_in(s, unit="Site 1/1", guest_code="G-1", night=NIGHT, actor="d", now=NOW)
    with store.read() as s, counted(s) as short:
        availability(s, NIGHT, now=NOW)
    with store.write() as s:  # every other night of the forty before: twenty stays
        for i in range(20):
            earlier = NIGHT - dt.timedelta(days=2 + 2 * i)
            check_in(s, unit="Site 2/2", guest_code="G-1", night=earlier, actor="d", now=NOW)
    with store.read() as s, counted(s) as long:
        (unit,) = [u for u in availability(s, NIGHT, now=NOW) if u.guest_code == "G-1"]
    assert long.rows == short.rows, long.sql
    assert (unit.visit_first, unit.visit_last) == (NIGHT, NIGHT)

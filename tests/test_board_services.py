"""Services the board stands on, on SQLite and PostgreSQL: noticing changes from another
connection, the rack, finding guests, revealing names (audited)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select, update

from bedboard.config import Settings
from bedboard.db.models import AuditEntry, Guest
from bedboard.errors import BadInput, NotFound
from bedboard.services.beds.placement import Needs, find_places, hold_places
from bedboard.services.beds.rack import GridCell, Rack, rack, rack_grid
from bedboard.services.beds.stays import check_in
from bedboard.services.changes import RevisionWatcher
from bedboard.services.clock import nights
from bedboard.services.demo import load_demo
from bedboard.services.people.search import record_name_search, reveal_name, search_guests
from bedboard.store import Store, open_store
from tests.support.stores import store_at

NOW = dt.datetime(2026, 11, 27, 21, 30)
TONIGHT = dt.date(2026, 11, 27)


@pytest.fixture
def demo(store: Store) -> Store:
    with store.write() as session:
        load_demo(session, tonight=TONIGHT, actor="setup", now=NOW)
    return store


def audit_of(store: Store, action: str) -> list[tuple[str, str]]:
    with store.read() as s:
        rows = s.execute(
            select(AuditEntry.actor, AuditEntry.target).where(AuditEntry.action == action)
        ).all()
    return [(r[0], r[1]) for r in rows]


def test_watcher_reports_only_changes_made_elsewhere(demo: Store, db_url: str) -> None:
    watcher = RevisionWatcher(demo.engine)
    other = open_store(Settings(db=db_url, user="other-terminal"))
    try:
        first = watcher.poll()
        assert first is not None and first > 0  # the first poll says where we are
        assert watcher.poll() is None  # nothing changed
        with other.write() as session:
            check_in(session, unit="Hvilan/3", guest_code="G-1", night=TONIGHT, actor="x", now=NOW)
        changed = watcher.poll()
        assert changed is not None and changed > first
        assert watcher.poll() is None
    finally:
        watcher.close()
        other.close()


def test_watcher_recovers_after_its_connection_is_closed(demo: Store) -> None:
    watcher = RevisionWatcher(demo.engine)
    revision = watcher.poll()
    watcher.close()  # as if the connection had died: the next poll opens a new one
    assert watcher.poll() is None  # and does not mistake the new connection for a change
    assert watcher.revision == revision
    watcher.close()


def test_waiting_wakes_on_a_commit_elsewhere_not_on_a_rollback(demo: Store, db_url: str) -> None:
    """PostgreSQL: a write's NOTIFY wakes a waiting board at once (SQLite: it waits its
    interval, then the pragma notices); a rolled-back write sends nothing."""
    import threading
    import time

    from bedboard.services import changes

    watcher = RevisionWatcher(demo.engine)
    other = open_store(Settings(db=db_url, user="other-terminal"))
    sqlite = demo.engine.dialect.name == "sqlite"
    interval = 0.3 if sqlite else 30.0

    def timed_wait() -> float:
        started = time.monotonic()
        watcher.wait(interval)
        return time.monotonic() - started

    try:
        first = watcher.poll()
        watcher.wait(0.05)  # LISTENs before anyone writes

        def write_soon() -> None:
            time.sleep(0.3)
            with other.write() as session:
                check_in(
                    session, unit="Hvilan/3", guest_code="G-1", night=TONIGHT, actor="x", now=NOW
                )

        writer = threading.Thread(target=write_soon)
        writer.start()
        waited = timed_wait()
        writer.join()
        if sqlite:
            assert waited == pytest.approx(interval, abs=0.2)
        else:
            # The write commits at 0.3 s; without its NOTIFY the wait would last IDLE_SECONDS.
            assert waited < changes.IDLE_SECONDS - 0.5, "woken by the NOTIFY, not the idle read"
        changed = watcher.poll()
        assert first is not None and changed is not None and changed > first

        if not sqlite:

            def roll_back_soon() -> None:
                time.sleep(0.2)
                with pytest.raises(BadInput), other.write():
                    raise BadInput("changed my mind")

            writer = threading.Thread(target=roll_back_soon)
            started = time.monotonic()
            writer.start()
            watcher.wait(1.0)  # on PostgreSQL: up to IDLE_SECONDS unless a NOTIFY comes
            writer.join()
            assert time.monotonic() - started >= changes.IDLE_SECONDS - 0.1
            assert watcher.poll() is None
    finally:
        watcher.close()
        other.close()


def cell_status(view: Rack, unit_id: int, night: dt.date) -> str:
    cell = view.cell(unit_id, night)
    assert cell is not None
    return cell.status


def test_rack_cells_follow_stays_holds_and_repairs(demo: Store) -> None:
    with demo.read() as s:
        view = rack(s, TONIGHT, 14, now=NOW)
    assert len(view.nights) == 14 and len(view.units) == 42
    hvilan1 = next(u for u in view.units if u.ref == "Hvilan/1")
    states = [cell_status(view, hvilan1.unit_id, n) for n in view.nights[:4]]
    assert states == ["occupied", "occupied", "occupied", "free"]  # G-101 until the 29th
    hvilan12 = next(u for u in view.units if u.ref == "Hvilan/12")
    assert cell_status(view, hvilan12.unit_id, TONIGHT) == "held"
    with demo.read() as s:  # the hold has expired by 23:01
        later = rack(s, TONIGHT, 1, now=NOW + dt.timedelta(minutes=91))
    assert cell_status(later, hvilan12.unit_id, TONIGHT) == "free"


def drawn(view: Rack, unit_id: int, night: dt.date) -> GridCell:
    """What the rack's grid must show for a cell, from the cell's details."""
    u = view.cell(unit_id, night)
    assert u is not None
    if u.status == "free":
        return None
    starts = u.status == "occupied" and (u.first_night == night or night == view.nights[0])
    return (u.status, u.guest_code, starts, u.unbilled)


@pytest.mark.parametrize("minutes", [0, 91])  # Hvilan/12's hold, then after it ran out
def test_the_rack_grid_draws_what_the_details_say(demo: Store, minutes: int) -> None:
    """The rack paints from its lean grid before the details are read: every cell of it agrees
    with the details (state, code, a stay's first night, nobody pays, an expired hold)."""
    now = NOW + dt.timedelta(minutes=minutes)
    with demo.read() as s:
        view = rack(s, TONIGHT - dt.timedelta(days=3), 14, now=now)
        grid = rack_grid(s, view.nights, now)
    assert grid.nights == view.nights and grid.order == view.order
    expected = {
        unit_id: tuple(drawn(view, unit_id, n) for n in view.nights) for unit_id, _ in view.order
    }
    assert grid.lines == expected
    cells = [c for line in grid.lines.values() for c in line if c]
    states = {c[0] for c in cells}
    assert "occupied" in states and ("held" in states) == (minutes == 0)
    assert any(c[2] for c in cells) and any(not c[2] for c in cells if c[0] == "occupied")
    assert any(c[3] for c in cells)  # some nights nobody pays for
    shown = (view.cell(unit_id, night) for unit_id, night in view.rows)
    assert grid.codes == {u.guest_code for u in shown if u and u.guest_code}


def test_the_rack_grid_is_the_same_on_sqlite_and_postgresql(
    sqlite_url: str, postgres_url: str
) -> None:
    """The grid packs each unit's nights into one row in the database (issue 16: group_concat on
    SQLite, string_agg on PostgreSQL); both draw the same rack, also once a hold ran out."""
    Drawn = tuple[list[dt.date], list[tuple[str, tuple[GridCell, ...]]], frozenset[str]]
    drawn_on: list[list[Drawn]] = []
    for url in (sqlite_url, postgres_url):
        with store_at(url, "tester") as store:
            with store.write() as s:
                load_demo(s, tonight=TONIGHT, actor="setup", now=NOW)
            with store.read() as s:
                grids = [
                    rack_grid(s, nights(TONIGHT - dt.timedelta(days=3), 14), NOW + later)
                    for later in (dt.timedelta(0), dt.timedelta(minutes=91))
                ]
        drawn_on.append(
            [(g.nights, [(ref, g.lines[i]) for i, ref in g.order], g.codes) for g in grids]
        )
    sqlite, postgresql = drawn_on
    assert sqlite == postgresql
    cells = {c for _nights, lines, _codes in sqlite for _ref, line in lines for c in line if c}
    assert {c[0] for c in cells} == {"occupied", "held", "out_of_service"}
    assert any(c[2] for c in cells) and any(not c[2] for c in cells if c[0] == "occupied")
    assert any(c[3] for c in cells)


def test_a_guest_code_holding_the_rack_grids_separator_draws_right(demo: Store) -> None:
    """A unit's cells come packed in one text, split on a character a guest code cannot hold;
    a code that holds it anyway (written past the services) must not shift the unit's cells."""
    odd = "G\x1f101 |x"
    with demo.write() as s:
        s.execute(update(Guest).where(Guest.code == "G-101").values(code=odd))
    with demo.read() as s:
        view = rack(s, TONIGHT - dt.timedelta(days=3), 14, now=NOW)
        grid = rack_grid(s, view.nights, NOW)
    expected = {
        unit_id: tuple(drawn(view, unit_id, n) for n in view.nights) for unit_id, _ in view.order
    }
    assert grid.lines == expected
    assert odd in grid.codes and "G-101" not in grid.codes
    assert any(c and c[1] == odd for line in grid.lines.values() for c in line)


def test_search_finds_by_code_or_name_and_returns_codes_only(demo: Store) -> None:
    with demo.read() as s:
        by_name = search_guests(s, "PERSON 103", TONIGHT)
        by_code = search_guests(s, "g-10", TONIGHT)
        nobody = search_guests(s, "   ", TONIGHT)
    assert [(h.code, h.unit_ref, h.night, h.by_name) for h in by_name] == [
        ("G-103", "Familjen Berg/1", TONIGHT, True)
    ]
    assert not hasattr(by_name[0], "name")
    assert [h.code for h in by_code] == [f"G-10{i}" for i in range(1, 10)]
    assert not any(h.by_name for h in by_code)
    assert nobody == []
    with demo.read() as s:  # % and _ are characters, not wildcards
        assert search_guests(s, "g_10", TONIGHT) == []
        assert search_guests(s, "%", TONIGHT) == []
    with demo.write() as s:
        assert record_name_search(s, hits=by_name + by_code, actor="anna", reason="r") == 1
    assert audit_of(demo, "find_guest_by_name") == [("anna", "guest:G-103")]


def test_reveal_name_is_audited_and_unknown_codes_are_refused(demo: Store) -> None:
    with demo.write() as s:
        assert reveal_name(s, guest_code="G-101", actor="anna", reason="r") == "Demo person 101"
    assert audit_of(demo, "reveal_name") == [("anna", "guest:G-101")]
    with pytest.raises(NotFound), demo.write() as s:
        reveal_name(s, guest_code="G-999", actor="anna", reason="r")
    assert audit_of(demo, "reveal_name") == [("anna", "guest:G-101")]


def test_hold_places_is_all_or_nothing(demo: Store) -> None:
    with pytest.raises(Exception, match="Hvilan/1 is taken"), demo.write() as s:
        hold_places(
            s,
            units=("Hvilan/3", "Hvilan/1"),
            night=TONIGHT,
            held_for="family",
            actor="anna",
            now=NOW,
        )
    with demo.read() as s:
        free = find_places(s, TONIGHT, Needs(places=14, women_only=True), NOW)
    assert [o.site for o in free] == ["Hvilan"]  # Hvilan/3 was not held either


def test_needs_out_of_range_are_bad_input(demo: Store) -> None:
    with pytest.raises(BadInput), demo.read() as s:
        find_places(s, TONIGHT, Needs(places=0), NOW)
    with pytest.raises(BadInput), demo.read() as s:
        find_places(s, TONIGHT, Needs(nights=400), NOW)


def test_the_rack_reads_its_nights_in_one_query(demo: Store) -> None:
    """Two weeks cost the statements one night costs (issue 16: not one read per night)."""
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(demo.engine, "before_cursor_execute", count)
    try:
        with demo.read() as s:
            rack(s, TONIGHT, 1, now=NOW)  # the session's first statements begin its read
            one = len(statements)
            rack(s, TONIGHT, 1, now=NOW)
            for_one_night = len(statements) - one
            before = len(statements)
            view = rack(s, TONIGHT, 14, now=NOW)
            for_two_weeks = len(statements) - before
    finally:
        event.remove(demo.engine, "before_cursor_execute", count)
    assert for_two_weeks == for_one_night <= 4
    assert len(view.nights) == 14 and len(view.units) == 42
    before = len(statements)
    event.listen(demo.engine, "before_cursor_execute", count)
    try:
        with demo.read() as s:
            rack_grid(s, nights(TONIGHT, 14), NOW)
    finally:
        event.remove(demo.engine, "before_cursor_execute", count)
    assert len(statements) - before <= 3  # the grid: units, the two weeks (and a begin)

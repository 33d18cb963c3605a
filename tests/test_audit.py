"""The audit log: append-only on every backend, chained by hashes so `bedboard audit verify`
finds an edited or deleted entry, and `bedboard audit history` shows a unit's and a guest's."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from bedboard.db.engine import normalise_url
from bedboard.db.models import AuditEntry
from bedboard.services.beds import stays
from bedboard.services.safety.audit import entry_hash
from bedboard.store import Store
from tests.support.billing_world import adjust
from tests.support.booking import book
from tests.support.cli import CliRunner
from tests.support.seed import BASE_NIGHT, seed

DROP_APPEND_ONLY = {
    "sqlite": ["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"],
    "postgresql": ["DROP TRIGGER audit_log_append_only ON audit_log"],
}


def some_history(store: Store) -> None:
    with store.write() as session:
        seed(session, sites=1, units=3)
    with store.write() as session:
        stays.check_in(
            session, unit="Site1/1", guest_code="G-1", night=BASE_NIGHT, nights_count=3, actor="a"
        )
    with store.write() as session:
        stays.extend(session, guest_code="G-1", extra_nights=2, actor="b")
    with store.write() as session:
        stays.move(
            session,
            guest_code="G-1",
            to_unit="Site1/2",
            from_night=BASE_NIGHT + dt.timedelta(days=2),
            actor="c",
        )
    with store.write() as session:
        book(session, "Site1/1", "G-2", BASE_NIGHT + dt.timedelta(days=3), 1, actor="d")
    with store.write() as session:
        stays.check_out(session, guest_code="G-1", night=BASE_NIGHT + dt.timedelta(4), actor="e")


def tamper(db_url: str, *statements: str) -> None:
    """Someone with the file (or a database superuser) edits the log behind bedboard's back."""
    engine = create_engine(normalise_url(db_url))
    try:
        with engine.begin() as conn:
            for statement in DROP_APPEND_ONLY[engine.dialect.name]:
                conn.execute(text(statement))
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def entry_count(store: Store) -> int:
    with store.read() as session:
        return int(session.execute(text("SELECT count(*) FROM audit_log")).scalar_one())


def test_verify_passes_on_an_intact_log(cli_here: CliRunner, store: Store, db_url: str) -> None:
    some_history(store)
    result = cli_here("audit", "verify", db=db_url)
    assert result.returncode == 0, result.stderr
    assert f"intact: {entry_count(store)} entries" in result.stdout


def test_the_log_refuses_update_and_delete(store: Store) -> None:
    some_history(store)
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log WHERE id = 2"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            "UPDATE audit_log SET actor = 'someone else' WHERE id = 3",
            "entry #3: its content was changed",
        ),
        (
            "DELETE FROM audit_log WHERE id = 4",
            "entry #5: an entry before it is missing or changed",
        ),
        ("DELETE FROM audit_log WHERE id = 1", "entry #2"),
    ],
    ids=["edited", "deleted", "deleted first"],
)
def test_verify_names_the_edited_entry_or_the_one_after_a_deleted_one(
    cli_here: CliRunner, store: Store, db_url: str, statement: str, message: str
) -> None:
    some_history(store)
    store.close()
    tamper(db_url, statement)
    result = cli_here("audit", "verify", db=db_url)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_verify_finds_an_edit_that_recomputed_its_own_hash(
    cli_here: CliRunner, store: Store, db_url: str
) -> None:
    """A careful forger fixes the edited entry's own hash; the next entry's link still breaks."""
    some_history(store)
    with store.read() as session:
        entry = session.get(AuditEntry, 2)
        assert entry is not None
        forged = entry_hash(
            entry.prev_hash, entry.at, "someone else", entry.action, entry.target, entry.detail
        )
    store.close()
    tamper(db_url, f"UPDATE audit_log SET actor = 'someone else', hash = '{forged}' WHERE id = 2")
    result = cli_here("audit", "verify", db=db_url)
    assert result.returncode == 1
    assert "entry #3: an entry before it is missing or changed" in result.stderr


def test_an_anchor_finds_the_newest_entries_removed(
    cli_here: CliRunner, store: Store, db_url: str
) -> None:
    """Removing entries from the end leaves a valid shorter chain; the hash an earlier verify
    printed finds it."""
    some_history(store)
    earlier = cli_here("audit", "verify", db=db_url)
    anchor = earlier.stdout.split("hash ")[1].split(")")[0]
    assert len(anchor) == 16
    assert cli_here("audit", "verify", "--anchor", anchor, db=db_url).returncode == 0
    last = entry_count(store)
    store.close()
    # Someone who also drops the anchor's own trigger and rewinds it fools the database's
    # anchor (db check then names the missing trigger), but not a hash kept outside it.
    drop = (
        "DROP TRIGGER audit_anchor_forward_only"
        if db_url.startswith("/")
        else "DROP TRIGGER audit_anchor_forward_only ON audit_anchor"
    )
    tamper(
        db_url,
        drop,
        f"DELETE FROM audit_log WHERE id = {last}",
        f"UPDATE audit_anchor SET entries = {last - 1}, last_id = {last - 1}, "
        f"last_hash = (SELECT hash FROM audit_log WHERE id = {last - 1})",
    )
    assert cli_here("audit", "verify", db=db_url).returncode == 0
    assert "trigger audit_anchor_forward_only" in cli_here("db", "check", db=db_url).stderr
    result = cli_here("audit", "verify", "--anchor", anchor, db=db_url)
    assert result.returncode == 1
    assert f"hash {anchor[:12]} is gone" in result.stderr
    assert f"the newest now is #{last - 1}" in result.stderr
    bad = cli_here("audit", "verify", "--anchor", "xyz", db=db_url)
    assert bad.returncode == 2


def test_entries_cut_from_the_end_are_found_without_an_anchor_file(
    cli_here: CliRunner, store: Store, db_url: str
) -> None:
    """The chain alone cannot show a shorter log; the anchor the audit trigger keeps can."""
    some_history(store)
    last = entry_count(store)
    store.close()
    tamper(db_url, f"DELETE FROM audit_log WHERE id >= {last - 1}")
    result = cli_here("audit", "verify", db=db_url)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert f"entries were removed from the end: the anchor counts {last} entries" in result.stderr
    assert f"the log has {last - 2} up to #{last - 2}" in result.stderr


def test_the_anchor_only_moves_forward(store: Store, db_url: str) -> None:
    """Rewinding the anchor to match a cut log is refused by the database itself."""
    some_history(store)
    last = entry_count(store)
    store.close()
    with pytest.raises(DBAPIError, match="append-only"):
        tamper(
            db_url,
            f"DELETE FROM audit_log WHERE id = {last}",
            f"UPDATE audit_anchor SET entries = {last - 1}, last_id = {last - 1}, "
            f"last_hash = (SELECT hash FROM audit_log WHERE id = {last - 1})",
        )
    engine = create_engine(normalise_url(db_url))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_anchor"))
    engine.dispose()


@pytest.mark.parametrize("trigger", ["audit_log_no_delete", "audit_log_anchor"])
def test_db_check_names_a_missing_protective_trigger(
    cli_here: CliRunner, sqlite_url: str, trigger: str
) -> None:
    assert cli_here("db", "upgrade", db=sqlite_url).returncode == 0
    assert cli_here("db", "check", db=sqlite_url).returncode == 0
    engine = create_engine(normalise_url(sqlite_url))
    with engine.begin() as conn:
        conn.execute(text(f"DROP TRIGGER {trigger}"))
    engine.dispose()
    result = cli_here("db", "check", db=sqlite_url)
    assert result.returncode == 1
    assert f"lacks trigger {trigger}" in result.stderr


def test_db_check_names_a_missing_trigger_on_postgresql(
    cli_here: CliRunner, postgres_url: str
) -> None:
    assert cli_here("db", "upgrade", db=postgres_url).returncode == 0
    assert cli_here("db", "check", db=postgres_url).returncode == 0
    engine = create_engine(normalise_url(postgres_url))
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_anchor ON audit_log"))
    engine.dispose()
    result = cli_here("db", "check", db=postgres_url)
    assert result.returncode == 1
    assert "lacks trigger audit_log_anchor" in result.stderr


def test_history_of_a_unit_and_of_a_guest(cli_here: CliRunner, store: Store, db_url: str) -> None:
    some_history(store)
    unit = cli_here("audit", "history", "--unit", "Site1/1", db=db_url)
    assert unit.returncode == 0, unit.stderr
    lines = unit.stdout.splitlines()
    # issue 13 item 6: the move out of Site1/1 is part of its history (it was missing)
    assert [line.split()[4] for line in lines] == ["check_in", "move", "extend", "check_in"]
    assert "guest=G-2" in lines[0] and "guest=G-1" in lines[3]
    assert "units=Site1/1" in lines[1]
    # and so is the check-out from Site1/2, where G-1 was moved to
    other = cli_here("audit", "history", "--unit", "Site1/2", db=db_url)
    assert [line.split()[4] for line in other.stdout.splitlines()] == ["check_out", "move"]
    assert cli_here("audit", "history", "--unit", "Site1/3", db=db_url).stdout == ""
    guest = cli_here("audit", "history", "--guest", "G-1", db=db_url)
    assert guest.returncode == 0, guest.stderr
    actions = [line.split()[4] for line in guest.stdout.splitlines()]
    assert actions == ["check_out", "move", "extend", "check_in"]
    assert "G-2" not in guest.stdout


def test_history_shows_kronor_and_local_time(
    cli_here: CliRunner, store: Store, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13 items 3 and 6: the history showed `amount=-65000` (öre) and UTC times while
    everything else is local. The log itself keeps integer öre and UTC."""
    import json
    import time

    from sqlalchemy import select

    from bedboard.services.billing.close import close_night
    from bedboard.services.billing.rates import set_rate

    monkeypatch.setenv("TZ", "Europe/Stockholm")
    time.tzset()
    try:
        with store.write() as session:
            seed(session, sites=1, units=1)
        with store.write() as session:
            set_rate(
                session,
                amount=65000,
                currency="SEK",
                valid_from=BASE_NIGHT,
                site="Site1",
                actor="t",
            )
            book(session, "Site1/1", "G-1", BASE_NIGHT, payer="Polisen")
        with store.write() as session:
            close_night(session, night=BASE_NIGHT, currency="SEK", actor="t")
            adjust(session, "G-1", BASE_NIGHT, -65000, "refund")
        result = cli_here("audit", "history", "--guest", "G-1", db=db_url)
        assert result.returncode == 0, result.stderr
        first = result.stdout.splitlines()[0]
        assert "amount=-650.00 SEK" in first and "65000" not in first
        with store.read() as session:
            entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
            assert entry is not None
            assert json.loads(entry.detail)["amount"] == -65000  # stored as it was: öre
            local = entry.at + dt.timedelta(hours=1)  # Stockholm in winter is UTC+1
        assert first.startswith(local.isoformat(sep=" "))
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--unit", "Nowhere/1"], 1, "no unit"),
        (["--guest", "G-404"], 1, "no guest"),
        ([], 2, "exactly one"),
        (["--unit", "Site1/1", "--guest", "G-1"], 2, "exactly one"),
        (["--unit", "no-slash"], 2, "SITE/UNIT"),
    ],
)
def test_history_refuses_bad_requests(
    cli_here: CliRunner, store: Store, db_url: str, args: list[str], code: int, message: str
) -> None:
    some_history(store)
    result = cli_here("audit", "history", *args, db=db_url)
    assert result.returncode == code
    assert message in result.stderr


async def test_the_board_shows_the_history_of_a_unit_and_of_a_guest(sqlite_url: str) -> None:
    from textual.coordinate import Coordinate
    from textual.widgets import DataTable, Input, Label

    from bedboard.config import Settings
    from bedboard.services.demo import load_demo
    from bedboard.store import open_store
    from bedboard.ui.screens.history import HistoryScreen
    from tests.support.board import (
        FROZEN_AT,
        TONIGHT,
        opened,
        screen_after,
        wait_until,
    )

    store = open_store(Settings(db=sqlite_url, user="night-staff"))
    with store.write() as session:
        load_demo(session, tonight=TONIGHT, actor="setup", now=FROZEN_AT)
    try:
        async with opened(store, unit="Hvilan/1", size=(120, 30)) as (app, pilot, board):
            screen = await screen_after(pilot, "H", HistoryScreen)
            table = screen.query_one(DataTable)

            def cells() -> str:
                return " | ".join(
                    str(table.get_cell_at(Coordinate(r, c)))
                    for r in range(table.row_count)
                    for c in range(len(table.columns))
                )

            def title() -> str:
                return str(screen.query_one("#title", Label).render())

            assert await wait_until(pilot, lambda: "unit Hvilan/1" in title())
            assert "checked in" in cells() and "guest=G-101" in cells()
            await pilot.press("g")
            assert await wait_until(pilot, lambda: "guest G-101" in title())
            assert "Hvilan/1" in cells() and "Demo person" not in cells()
            screen.query_one(Input).value = "Nowhere/9"
            screen.query_one(Input).focus()
            await pilot.press("enter")
            assert await wait_until(
                pilot, lambda: "no unit" in str(screen.query_one("#history-note").render())
            )
            # A change made meanwhile shows up: the screen follows the revision.
            await pilot.press("u")
            assert await wait_until(pilot, lambda: "unit Hvilan/1" in title())
            rows = table.row_count
            with store.write() as session:
                stays.extend(session, guest_code="G-101", extra_nights=1, actor="other")
            assert await wait_until(pilot, lambda: table.row_count == rows + 1, seconds=5)
            await pilot.press("escape")
            assert await wait_until(pilot, lambda: app.screen is board)
    finally:
        store.close()

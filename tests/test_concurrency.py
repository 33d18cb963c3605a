"""The key proof: several OS processes booking at the same instant, round after round. Exactly
one wins each round, the others get the rule's refusal, and nothing like "database is locked"
escapes; on SQLite and PostgreSQL. The database's own unique keys are checked directly too."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bedboard.config import Settings
from bedboard.db.engine import writer
from bedboard.db.models import AuditEntry, BedNight, Guest, Stay, Unit
from bedboard.db.session import translate
from bedboard.errors import BedboardError, RuleViolation, UnitTaken
from bedboard.services.beds import stays
from bedboard.services.lookup import find_unit
from bedboard.services.safety import audit
from bedboard.store import Store, open_store
from tests.support.booking import book
from tests.support.cli import REPO
from tests.support.racing import StartLine, race
from tests.support.rules_world import NIGHT, NOW, night, refused

WORKERS = 5


def _outcome(error: BaseException | None) -> str:
    if error is None:
        return "won"
    if isinstance(error, UnitTaken):
        return "taken"
    if isinstance(error, RuleViolation) and "already has a bed" in str(error):
        return "elsewhere"
    return f"{type(error).__name__}: {error}"


UNITS = ["Hvilan/1", "Hvilan/2", "Hvilan/3", "Familjen Berg/1", "Familjen Berg/2"]
UNIT_ROUNDS = 12  # every worker books Hvilan/1 for the same night, each for a guest of its own
GUEST_ROUNDS = 8  # every worker books the same new guest for the same nights, each in its own unit
RAW_ROUNDS = 6  # every worker inserts a row for Hvilan/2 past the services and the revision lock
ALL_ROUNDS = UNIT_ROUNDS + GUEST_ROUNDS + RAW_ROUNDS


def _book(store: Store, unit: str, guest_code: str, first: dt.date, count: int) -> str:
    try:
        with store.write() as s:
            book(s, unit, guest_code, first, count, actor=store.actor, now=NOW)
    except Exception as exc:
        return _outcome(exc)
    return _outcome(None)


def _unit_id(store: Store, ref: str) -> int:
    with store.read() as s:
        return find_unit(s, ref)[1].id


def _insert_past_the_services(store: Store, unit_id: int, on: dt.date) -> str:
    """A plain transaction that skips every check and the revision bump: only the unique key
    on (unit, night) stands between two writers."""
    try:
        with Session(writer(store.engine)) as s, s.begin():
            s.add(BedNight(unit_id=unit_id, night=on, state="out_of_service", reason="raw"))
    except DBAPIError as exc:
        return _outcome(translate(exc))
    except Exception as exc:
        return _outcome(exc)
    return _outcome(None)


def _racer(line: StartLine, results: Any, db: str, worker: int) -> None:
    """One spawned process: opens its own store, then books at each round's start."""
    store = open_store(Settings(db=db, user=f"worker-{worker}"))
    try:
        for r in range(UNIT_ROUNDS):
            line.wait(r)
            outcome = _book(store, "Hvilan/1", f"G-{worker}-{r}", night(r), 1)
            results.put(("unit", r, outcome))
        for r in range(GUEST_ROUNDS):
            line.wait(UNIT_ROUNDS + r)
            outcome = _book(store, UNITS[worker], f"G-{r}", night(100 + 2 * r), 2)
            results.put(("guest", r, outcome))
        unit_id = _unit_id(store, "Hvilan/2")
        for r in range(RAW_ROUNDS):
            line.wait(UNIT_ROUNDS + GUEST_ROUNDS + r)
            results.put(("raw", r, _insert_past_the_services(store, unit_id, night(200 + r))))
    finally:
        store.close()


def test_processes_booking_at_the_same_instant_exactly_one_wins(world: Store) -> None:
    db = world.settings.db
    outcomes = race(_racer, [(db, w) for w in range(WORKERS)], rounds=ALL_ROUNDS)
    # Nothing but the rule's refusals: no "database is locked", no OperationalError.
    assert [o for o in outcomes if o[2] not in ("won", "taken", "elsewhere")] == []
    per_round: dict[tuple[str, int], Counter[str]] = {}
    for kind, r, outcome in outcomes:
        per_round.setdefault((kind, r), Counter())[outcome] += 1
    for r in range(UNIT_ROUNDS):
        assert per_round["unit", r] == Counter(won=1, taken=WORKERS - 1), f"unit round {r}"
    for r in range(GUEST_ROUNDS):
        assert per_round["guest", r] == Counter(won=1, elsewhere=WORKERS - 1), f"guest round {r}"
    for r in range(RAW_ROUNDS):
        assert per_round["raw", r] == Counter(won=1, taken=WORKERS - 1), f"raw round {r}"

    with world.read() as s:
        per_night = s.execute(
            select(BedNight.night, func.count())
            .where(BedNight.night < night(100), BedNight.reason != "raw")
            .group_by(BedNight.night)
            .order_by(BedNight.night)
        ).all()
        assert per_night == [(night(r), 1) for r in range(UNIT_ROUNDS)]
        rows = s.execute(
            select(Guest.code, BedNight.unit_id, BedNight.night)
            .join(Guest, Guest.id == BedNight.guest_id)
            .where(BedNight.night >= night(100))
        ).all()
        by_guest: dict[str, set[int]] = {}
        for code, unit_id, _night in rows:
            by_guest.setdefault(code, set()).add(unit_id)
        assert len(rows) == 2 * GUEST_ROUNDS
        assert sorted(by_guest) == sorted(f"G-{r}" for r in range(GUEST_ROUNDS))
        assert all(len(units) == 1 for units in by_guest.values())
        # The losers left no guest, stay or audit entry behind.
        assert s.scalar(select(func.count()).select_from(Guest)) == UNIT_ROUNDS + GUEST_ROUNDS
        assert s.scalar(select(func.count()).select_from(Stay)) == UNIT_ROUNDS + GUEST_ROUNDS
        checkins = select(func.count()).where(AuditEntry.action == "check_in")
        assert s.scalar(checkins) == UNIT_ROUNDS + GUEST_ROUNDS
        assert audit.verify(s) == []
        raw = s.execute(select(BedNight.night).where(BedNight.reason == "raw")).scalars().all()
        assert sorted(raw) == [night(200 + r) for r in range(RAW_ROUNDS)]


def _insert_directly(s: Session, unit: str, guest_code: str, on: dt.date) -> None:
    """Past every check in the services: only the database's unique keys stand in the way."""
    _site, target = find_unit(s, unit)
    guest = s.scalars(select(Guest).where(Guest.code == guest_code)).one()
    stay = Stay(guest_id=guest.id, created_at=NOW, created_by="raw")
    s.add(stay)
    s.flush()
    s.add(
        BedNight(
            unit_id=target.id,
            night=on,
            state="occupied",
            stay_id=stay.id,
            guest_id=guest.id,
            payer_reference="",
            reason="",
        )
    )
    s.flush()


def test_the_database_itself_refuses_a_double_booking(world: Store) -> None:
    with world.write() as s:
        stays.check_in(s, unit="Hvilan/1", guest_code="G-1", night=NIGHT, actor="t", now=NOW)
        stays.check_in(s, unit="Hvilan/2", guest_code="G-2", night=night(1), actor="t", now=NOW)
    refused(
        world,
        UnitTaken,
        lambda s: _insert_directly(s, "Hvilan/1", "G-2", NIGHT),
        match="just taken",
    )
    refused(
        world,
        RuleViolation,
        lambda s: _insert_directly(s, "Hvilan/3", "G-1", NIGHT),
        match="already has a bed",
    )


def test_refusal_is_a_bedboard_error_with_one_line(world: Store) -> None:
    with world.write() as s:
        stays.check_in(s, unit="Hvilan/1", guest_code="G-1", night=NIGHT, actor="t", now=NOW)
    error = refused(
        world,
        UnitTaken,
        lambda s: stays.check_in(
            s, unit="Hvilan/1", guest_code="G-2", night=NIGHT, actor="t", now=NOW
        ),
    )
    assert isinstance(error, BedboardError) and error.exit_code == 1
    with world.read() as s:
        assert s.scalar(select(func.count()).select_from(Unit)) == 5


def test_cli_processes_racing_for_one_unit_exit_0_once_and_1_otherwise(world: Store) -> None:
    """The same through the command line: one `checkin` exits 0, the others exit 1 with the
    one-line "taken" refusal."""
    cmd = [
        sys.executable,
        "-m",
        "bedboard",
        "checkin",
        "--unit",
        "Familjen Berg/2",
        "--night",
        NIGHT.isoformat(),
        "--db",
        world.settings.db,
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO), "BEDBOARD_USER": "cli"}
    procs = [
        subprocess.Popen(
            [*cmd, "--guest", f"G-cli-{i}"],
            cwd=REPO,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(4)
    ]
    results = [(p.wait(timeout=60), *p.communicate()) for p in procs]
    assert sorted(code for code, _out, _err in results) == [0, 1, 1, 1]
    for code, _out, err in results:
        if code == 1:
            assert len(err.strip().splitlines()) == 1
            assert "Familjen Berg/2 is taken" in err or "just taken" in err
    with world.read() as s:
        assert s.scalar(select(func.count()).select_from(BedNight)) == 1

"""A household booked all or nothing under a race: several OS processes check in a household of
two at the same instant, into the same two units named in different orders, round after round.
Exactly one household wins each round; the others are refused with "taken"; no round ever has
half a household, and the losers leave no guest or stay behind. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select

from bedboard.config import Settings
from bedboard.db.models import BedNight, Guest, Stay
from bedboard.errors import UnitTaken
from bedboard.services.beds import stays
from bedboard.services.safety import audit
from bedboard.store import Store, open_store
from tests.support.racing import StartLine, race
from tests.support.rules_world import NOW, night

WORKERS = 4
ROUNDS = 8
ORDERS = [("Hvilan/1", "Hvilan/2"), ("Hvilan/2", "Hvilan/1")]


def _racer(line: StartLine, results: Any, db: str, worker: int) -> None:
    store = open_store(Settings(db=db, user=f"worker-{worker}"))
    try:
        for r in range(ROUNDS):
            first, second = ORDERS[(worker + r) % 2]
            line.wait(r)
            try:
                with store.write() as s:
                    stays.check_in_many(
                        s,
                        pairs=[(first, f"W{worker}-{r}-a"), (second, f"W{worker}-{r}-b")],
                        night=night(2 * r),
                        nights_count=2,
                        actor=store.actor,
                        now=NOW,
                    )
                outcome = "won"
            except UnitTaken:
                outcome = "taken"
            except Exception as exc:  # anything else is a failure the test names
                outcome = f"{type(exc).__name__}: {exc}"
            results.put((r, worker, outcome))
    finally:
        store.close()


def test_households_racing_for_the_same_units_win_whole_or_not_at_all(world: Store) -> None:
    outcomes = race(_racer, [(world.settings.db, w) for w in range(WORKERS)], rounds=ROUNDS)
    per_round: dict[int, Counter[str]] = {}
    winners: dict[int, int] = {}
    for r, worker, outcome in outcomes:
        per_round.setdefault(r, Counter())[outcome] += 1
        if outcome == "won":
            winners[r] = worker
    for r in range(ROUNDS):
        assert per_round[r] == Counter(won=1, taken=WORKERS - 1), f"round {r}: {per_round[r]}"
    with world.read() as s:
        rows = s.execute(
            select(BedNight.night, Guest.code).join(Guest, Guest.id == BedNight.guest_id)
        ).all()
        by_night: dict[object, set[str]] = {}
        for on, code in rows:
            by_night.setdefault(on, set()).add(code)
        for r in range(ROUNDS):
            w = winners[r]
            whole = {f"W{w}-{r}-a", f"W{w}-{r}-b"}
            assert by_night[night(2 * r)] == whole and by_night[night(2 * r + 1)] == whole
        assert s.scalar(select(func.count()).select_from(Guest)) == 2 * ROUNDS
        assert s.scalar(select(func.count()).select_from(Stay)) == 2 * ROUNDS
        assert audit.verify(s) == []

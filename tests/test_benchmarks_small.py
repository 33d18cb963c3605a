"""The benchmark generator and runner at a tiny size, so they cannot rot between runs of
`make bench` (issue 7)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bedboard.config import Settings
from bedboard.db.models import BedNight
from bedboard.services.beds.availability import availability
from bedboard.services.safety import audit
from bedboard.store import open_store
from benchmarks import fig_checkin, fig_live, generate, pg, run
from benchmarks.sizes import SIZES
from benchmarks.world import build_world
from tests.support import pg_server

TONIGHT = dt.date(2026, 11, 27)


def test_generated_database_is_consistent_and_opens(tmp_path: Path) -> None:
    size = SIZES["tiny"]
    built = generate.build(size, tmp_path / "tiny.sqlite3", size.history_nights, TONIGHT)
    counts = built.meta["counts"]
    nights = size.history_nights + size.future_nights
    assert counts["units"] == size.units
    assert 0.7 < counts["bed_nights"] / (size.units * nights) < 0.9  # about 80% occupied
    with sqlite3.connect(built.path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        posted = conn.execute("SELECT count(*) FROM bed_nights WHERE posted_at IS NOT NULL")
        assert posted.fetchone()[0] > 0
        unbilled = conn.execute(
            "SELECT count(*) FROM bed_nights WHERE state = 'occupied' AND payer_id IS NULL"
        )
        assert unbilled.fetchone()[0] > 0
    store = open_store(Settings(db=str(built.path), user="tester"))  # at head, so it opens
    try:
        with store.read() as session:
            units = availability(session, TONIGHT)
            assert audit.verify(session) == []
        assert len(units) == size.units
        assert {u.status for u in units} >= {"occupied", "free"}
    finally:
        store.close()


def test_runner_measures_every_figure(tmp_path: Path) -> None:
    args = run.parse(["--size", "tiny", "--data-dir", str(tmp_path), "--no-postgres"])
    rows = run.measure_all(run.context(args))
    names = " ".join(r.figure for r in rows)
    for figure in ("availability", "occupancy export", "board ready", "another process",
                   "billing export", "peak memory", "check-in", "rack", "--version",
                   "availability --json", "one changed unit", "p95, SQLite"):  # fmt: skip
        assert figure in names
    assert [r for r in rows if r.value == "not measured"] == []
    assert "| figure" in run.table(rows)


def test_tiny_region_loads_into_postgresql_and_takes_check_ins(postgres_url: str) -> None:
    size = SIZES["tiny"]
    store = open_store(Settings(db=postgres_url, user="tester"))
    try:
        world = build_world(size, TONIGHT, size.history_nights)
        loaded = pg.load(postgres_url, world)
        with store.read() as session:
            assert session.scalar(select(func.count()).select_from(BedNight)) == loaded
        checkins, empty = fig_checkin.latencies(store, TONIGHT, 2)  # ids continue after COPY
        assert len(checkins) == len(empty) == 2
    finally:
        store.close()


def test_runner_on_the_short_history_alone(tmp_path: Path) -> None:
    """`--history short` (the national size's 3 years are hours to build): the full database is
    never built, and the figure that compares histories says it was not measured."""
    args = ["--size", "tiny", "--history", "short", "--data-dir", str(tmp_path), "--no-postgres"]
    ctx = run.context(run.parse(args))
    assert ctx.full.path == ctx.short.path
    assert [p.name for p in tmp_path.glob("*.sqlite3")] == [ctx.short.path.name]
    (row,) = run.measure_all(ctx, ["fig_availability"])
    assert row.value == "not measured" and "history" in row.note


def test_live_boards_on_postgresql(tmp_path: Path) -> None:
    """Boards as fresh processes on a durable server: changes shown by LISTEN/NOTIFY, and the
    server's share of a core while boards sit idle (tiny: 3 boards, 2 seconds)."""
    ctx = run.context(run.parse(["--size", "tiny", "--data-dir", str(tmp_path)]))
    if pg_server.find_binaries() is None:
        pytest.skip("no PostgreSQL server binaries")
    rows = {r.figure: r for r in fig_live.postgres_rows(ctx)}
    shown = rows["change from another process shown, p95, PostgreSQL"]
    assert shown.ok, shown
    idle = rows["3 idle boards on PostgreSQL, server CPU"]
    assert idle.value.endswith("% of a core") and idle.ok is not None


def test_server_ticks_between_samples_never_go_negative() -> None:
    """A backend that ended between the samples took its CPU time with it: the sum of every
    process's ticks then fell, and 20 idle boards read as -0.46% of a core."""
    before = {1: 100, 2: 50, 3: 70}  # the postmaster, a backend, one that will end
    after = {1: 103, 2: 51, 4: 5}  # 3 ended, 4 started
    assert fig_live.ticks_between(before, after) == 3 + 1 + 5

"""Check-in latency, each one its own durable transaction (synchronous=FULL on SQLite, fsync and
synchronous_commit on for PostgreSQL), through the same service the CLI and the board use."""

from __future__ import annotations

import datetime as dt
import time

from bedboard.config import Settings
from bedboard.services.beds.availability import availability
from bedboard.store import Store, open_store
from benchmarks import pg
from benchmarks.context import Context
from benchmarks.measure import median, percentile
from benchmarks.report import Row, ms
from benchmarks.world import build_world
from benchmarks.writer import book_new_guest


def free_units(store: Store, night: dt.date, count: int) -> list[str]:
    with store.read() as session:
        units = availability(session, night)
    return [u.ref for u in units if u.status == "free"][:count]


def latencies(store: Store, night: dt.date, samples: int) -> tuple[list[float], list[float]]:
    """(check-in seconds, empty write transaction seconds): the second is the floor, a
    transaction that only bumps the revision and commits."""
    units = free_units(store, night, samples)
    stamp = time.strftime("%H%M%S")
    checkins: list[float] = []
    empty: list[float] = []
    for i, unit in enumerate(units):
        started = time.perf_counter()
        book_new_guest(store, unit, f"BENCH-{stamp}-{i}", night, actor="bench", reference="bench")
        checkins.append(time.perf_counter() - started)
        started = time.perf_counter()
        with store.write():
            pass
        empty.append(time.perf_counter() - started)
    return checkins, empty


def row(backend: str, checkins: list[float], empty: list[float], note: str) -> Row:
    return Row(
        f"check-in latency p50 / p95, {backend}",
        f"{ms(median(checkins))} / {ms(percentile(checkins, 95))}",
        f"{ms(median(empty))} / {ms(percentile(empty, 95))}",
        median(checkins) / median(empty),
        "reported",
        None,
        note=f"{len(checkins)} check-ins of one night each; {note}; baseline: an empty write "
        "transaction (revision bump + commit) on the same database",
    )


def sqlite_figure(ctx: Context) -> Row:
    with ctx.scratch_copy("checkin") as path:
        store = open_store(Settings(db=str(path), user="bench"))
        try:
            with store.engine.connect() as conn:
                sync = conn.exec_driver_sql("PRAGMA synchronous").scalar()
            assert sync == 2, f"expected synchronous=FULL (2), got {sync}"
            checkins, empty = latencies(store, ctx.tonight, ctx.samples)
        finally:
            store.close()
    return row("SQLite", checkins, empty, "WAL, synchronous=FULL, the full history")


def postgres_figure(ctx: Context) -> Row:
    with pg.durable_server() as server:
        if server is None:
            return Row("check-in latency, PostgreSQL", "skipped", note="no server binaries")
        url = server.create_database()  # type: ignore[attr-defined]
        engine_store = open_store(Settings(db=url, user="bench"))
        try:
            started = time.perf_counter()
            world = build_world(ctx.size, ctx.tonight, ctx.size.history_nights)
            loaded = pg.load(url, world)
            load_seconds = time.perf_counter() - started
            checkins, empty = latencies(engine_store, ctx.tonight, ctx.samples)
            with engine_store.engine.connect() as conn:
                version = conn.exec_driver_sql("SHOW server_version").scalar()
        finally:
            engine_store.close()
    return row(
        "PostgreSQL",
        checkins,
        empty,
        f"local PostgreSQL {version}, fsync and synchronous_commit on, the same {loaded:,} "
        "bed-nights "
        f"(loaded by COPY in {load_seconds:.0f} s)",
    )


def figures(ctx: Context) -> list[Row]:
    return [sqlite_figure(ctx), *([postgres_figure(ctx)] if ctx.postgres else [])]

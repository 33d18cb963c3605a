"""Soak: several OS processes book, extend, move, check out and close nights at random on one
database at once, then every invariant holds and every acknowledged operation is there.

Writers: service calls in multiprocessing 'spawn' workers, `bedboard` commands run as new
processes, and a night audit closing nights in order. A few seconds in CI; run longer by hand:

    BEDBOARD_SOAK_SECONDS=120 .venv/bin/python -m pytest tests/test_soak.py -s

The operations per second held are printed (`-s` shows them).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from bedboard.config import Settings
from bedboard.services.safety import audit
from bedboard.store import Store, open_store
from tests.support.invariants import guest_nights, posted_rows, violations
from tests.support.ops import closer_worker, line_ms, model_apply, parse_line, soak_worker
from tests.support.seed import StayModel, seed

SOAK_SECONDS = float(os.environ.get("BEDBOARD_SOAK_SECONDS", "4"))
SERVICE_WORKERS = 2
CLI_WORKERS = 1


def watch_posted(store: Store, stop: threading.Event, seen: dict[int, tuple[object, ...]]) -> None:
    """Remember each posted bed-night as first seen: none may change or go away later."""
    while not stop.is_set():
        with store.read() as session:
            for row_id, values in posted_rows(session.connection()).items():
                seen.setdefault(row_id, values)
        stop.wait(0.3)


def soak(db: str, tmp_path: Path, backend: str) -> None:
    store = open_store(Settings(db=db, user="soak"))
    with store.write() as session:
        seed(session, sites=2, units=5)
    seen: dict[int, tuple[object, ...]] = {}
    stop = threading.Event()
    watcher = threading.Thread(target=watch_posted, args=(store, stop, seen), daemon=True)
    logs = {f"S{i}": tmp_path / f"S{i}.log" for i in range(SERVICE_WORKERS)}
    logs |= {f"C{i}": tmp_path / f"C{i}.log" for i in range(CLI_WORKERS)}
    closer_log = tmp_path / "closer.log"
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(logs) + 1, mp_context=spawn) as pool:
        watcher.start()
        futures = [
            pool.submit(soak_worker, db, prefix, SOAK_SECONDS, n, str(log), prefix.startswith("C"))
            for n, (prefix, log) in enumerate(logs.items())
        ]
        closer = pool.submit(
            closer_worker, db, SOAK_SECONDS, max(SOAK_SECONDS / 5, 0.3), str(closer_log)
        )
        results = {
            prefix: f.result(timeout=SOAK_SECONDS + 300)
            for prefix, f in zip(logs, futures, strict=True)
        }
        closed = closer.result(timeout=SOAK_SECONDS + 300)
    acked = {prefix: r[0] for prefix, r in results.items()}
    # Throughput over the time the writers were writing (not counting process start-up).
    elapsed = max(r[2] for r in results.values()) - min(r[1] for r in results.values())
    stop.set()
    watcher.join()

    lines = {prefix: log.read_text(encoding="utf-8").splitlines() for prefix, log in logs.items()}
    all_lines = [line for ls in lines.values() for line in ls]
    all_lines += closer_log.read_text(encoding="utf-8").splitlines()
    assert not [line for line in all_lines if "locked" in line or "busy" in line]
    with store.read() as session:
        conn = session.connection()
        assert violations(conn) == []
        for prefix, prefix_lines in lines.items():
            model = StayModel()
            for line in prefix_lines:
                parsed = parse_line(line)
                if parsed and parsed[0] == "ACK":
                    model_apply(model, parsed[1])
            assert guest_nights(conn, prefix + "-") == model.picture(), prefix
        now_posted = posted_rows(conn)
        assert {i: now_posted.get(i) for i in seen} == seen, "posted bed-nights changed"
        closed_now = {str(r[0]) for r in conn.execute(text("SELECT night FROM closed_nights"))}
        assert set(closed) <= closed_now
        unposted = conn.execute(
            text(
                "SELECT count(*) FROM bed_nights b JOIN closed_nights c ON c.night = b.night "
                "WHERE b.posted_at IS NULL"
            )
        ).scalar_one()
        assert unposted == 0
        if backend == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        # Writers in many processes: the audit chain must still be one unbroken chain.
        assert audit.verify(session) == []
    store.close()

    ok = sum(acked.values()) + len(closed)
    tried = sum(1 for line in all_lines if line.startswith(("ACK", "REFUSED")))
    cli_ok = sum(n for prefix, n in acked.items() if prefix.startswith("C"))
    cli_tried = sum(
        1
        for prefix, ls in lines.items()
        if prefix.startswith("C")
        for line in ls
        if line.startswith(("ACK", "REFUSED"))
    )
    service_ms = sorted(
        ms
        for prefix, ls in lines.items()
        if prefix.startswith("S")
        for ms in map(line_ms, ls)
        if ms is not None
    )
    cli_ms = sorted(
        ms
        for prefix, ls in lines.items()
        if prefix.startswith("C")
        for ms in map(line_ms, ls)
        if ms is not None
    )
    print(
        f"\nsoak {backend}: service call median {service_ms[len(service_ms) // 2]} ms, "
        f"slowest {service_ms[-1]} ms; CLI command (with start-up) slowest "
        f"{cli_ms[-1] if cli_ms else '-'} ms"
    )
    print(
        f"soak {backend}: {elapsed:.1f}s, {tried} operations ({ok} succeeded, "
        f"{len(closed)} nights closed; CLI {cli_ok} of {cli_tried}), "
        f"{tried / elapsed:.1f} ops/s tried, "
        f"{ok / elapsed:.1f} ops/s succeeded"
    )
    assert ok > 10 and cli_tried > 0 and closed, "the soak did real work"


def test_soak_sqlite(tmp_path: Path) -> None:
    soak(str(tmp_path / "soak.sqlite3"), tmp_path, "sqlite")


def test_soak_postgresql(postgres_url: str, tmp_path: Path) -> None:
    soak(postgres_url, tmp_path, "postgresql")


@pytest.mark.parametrize("backend", ["sqlite"])
def test_soak_logs_are_parseable(tmp_path: Path, backend: str) -> None:
    """The log format the soak relies on: BEGIN/ACK lines carry the operation as JSON."""
    assert parse_line('ACK {"op": "extend", "guest": "S0-1", "count": 2}') == (
        "ACK",
        {"op": "extend", "guest": "S0-1", "count": 2},
    )
    assert parse_line("READY") is None

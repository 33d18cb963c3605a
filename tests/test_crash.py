"""A writer killed with SIGKILL at random points, many times: afterwards the SQLite file is
intact, no stay is half written, and every acknowledged change is there.

Each writer prints `BEGIN op` before a transaction and `ACK op` after it committed. When it is
killed, the operation it was in may have committed or not, but wholly: the database must show
exactly the acknowledged operations, or those plus the one in flight.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from sqlalchemy import create_engine

from bedboard.config import Settings
from bedboard.services.safety import audit
from bedboard.store import open_store
from tests.support.cli import REPO
from tests.support.invariants import GuestNights, guest_nights, violations
from tests.support.ops import Op, model_apply, parse_line
from tests.support.seed import StayModel, seed

KILLS = int(os.environ.get("BEDBOARD_CRASH_KILLS", "25"))


def read_until(proc: subprocess.Popen[str], prefix: str, lines: list[str]) -> str:
    assert proc.stdout is not None
    while True:
        line = proc.stdout.readline()
        assert line, f"the writer ended early; last lines: {lines[-5:]}"
        lines.append(line.strip())
        assert not line.startswith("CHILD-ERROR"), line
        if line.startswith(prefix):
            return line.strip()


def picture(db: str) -> tuple[GuestNights, list[str]]:
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return guest_nights(conn, "R"), violations(conn)
    finally:
        engine.dispose()


def test_sigkill_at_random_points_loses_nothing_acknowledged(tmp_path: Path) -> None:
    db = str(tmp_path / "crash.sqlite3")
    store = open_store(Settings(db=db, user="seed"))
    with store.write() as session:
        seed(session, sites=2, units=6)
    store.close()
    rng = random.Random(6)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.support.crash_writer", db],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdin is not None
    lines: list[str] = []
    model = StayModel()  # every run's acknowledged changes, all runs together
    in_flight_committed = acked_total = 0
    closed_acked: set[str] = set()
    started = time.monotonic()
    try:
        read_until(proc, "ZYGOTE", lines)
        for run in range(1, KILLS + 1):
            proc.stdin.write(f"RUN {run} {rng.randrange(10**6)}\n")
            proc.stdin.flush()
            pid = int(read_until(proc, f"FORKED {run}", lines).split()[2])
            read_until(proc, f"READY {run}", lines)
            # Kill only after the run has committed something, so a loaded machine (a slow
            # writer) still exercises kills between acknowledged writes, not only at its start.
            read_until(proc, "ACK", lines)
            time.sleep(rng.uniform(0.02, 0.5))
            os.kill(pid, signal.SIGKILL)
            status = read_until(proc, f"DEAD {run}", lines)
            assert status.endswith(f" {signal.SIGKILL}"), status  # killed, not crashed itself
            pending: Op | None = None
            for line in lines:
                parsed = parse_line(line)
                if parsed is None:
                    continue
                tag, op = parsed
                if op["op"] == "close_night":
                    if tag == "ACK":
                        closed_acked.add(op["night"])
                    pending = op if tag == "BEGIN" else None
                    continue
                if tag == "BEGIN":
                    pending = op
                else:
                    if tag == "ACK":
                        model_apply(model, op)
                        acked_total += 1
                    pending = None
            with closing(sqlite3.connect(db)) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                closed_now = {r[0] for r in conn.execute("SELECT night FROM closed_nights")}
            assert closed_acked <= closed_now, "an acknowledged night close is missing"
            actual, problems = picture(db)
            assert problems == [], f"after kill {run}: {problems}"
            expected = model.picture()
            if actual != expected and pending is not None and pending["op"] != "close_night":
                # The operation in flight committed before the kill: all of it, or none.
                model_apply(model, pending)
                in_flight_committed += 1
                expected = model.picture()
            assert actual == expected, f"after kill {run}: acknowledged changes missing"
            lines.clear()
    finally:
        proc.stdin.close()
        proc.kill()
        proc.wait()
        if proc.stdout:
            proc.stdout.close()
    elapsed = time.monotonic() - started
    store = open_store(Settings(db=db, user="check"))
    with store.read() as session:
        assert audit.verify(session) == [], "the audit chain survived every kill"
    store.close()
    print(
        f"\ncrash: {KILLS} SIGKILLs survived in {elapsed:.1f}s, {acked_total} acknowledged "
        f"operations all present ({len(closed_acked)} night closes), {in_flight_committed} "
        "in-flight operations found committed"
    )
    assert acked_total >= KILLS, "every run acknowledged work before its kill"

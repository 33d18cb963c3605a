"""Random stay operations for the soak, crash and backup tests, and a writer that runs them.

Each writer owns the guests whose codes start with its prefix, so the only changes to those
guests' nights are its own: after the run, the database must show exactly what the writer's
acknowledged operations add up to (tests/support/seed.py's StayModel). Units are shared, so writers
compete for them and some operations are refused; a refused operation must change nothing.

Run as a program it writes one line per operation to stdout:
`BEGIN {op}` before the transaction, `ACK {op}` after it committed, `REFUSED {op} message`.

    python -m tests.support.ops DB PREFIX SECONDS SEED
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from sqlalchemy import text
from sqlalchemy.orm import Session

from bedboard.config import Settings
from bedboard.errors import BedboardError
from bedboard.services.beds import stays
from bedboard.services.billing.close import close_night
from bedboard.store import Store, open_store
from tests.support.booking import book
from tests.support.cli import run_cli
from tests.support.invariants import as_date
from tests.support.seed import BASE_NIGHT, StayModel

Op = dict[str, Any]
WINDOW_NIGHTS = 21


def unit_refs(store: Store) -> list[str]:
    with store.read() as session:
        rows = session.execute(
            text("SELECT s.name, u.label FROM units u JOIN sites s ON s.id = u.site_id")
        )
        return sorted(f"{site}/{label}" for site, label in rows)


def next_open_night(store: Store) -> dt.date:
    """The night after the last closed one (the window's first night if none is closed)."""
    with store.read() as session:
        last = session.execute(text("SELECT max(night) FROM closed_nights")).scalar()
    return BASE_NIGHT if last is None else as_date(last) + dt.timedelta(days=1)


def random_op(rng: random.Random, prefix: str, model: StayModel, units: list[str], n: int) -> Op:
    """A plausible next operation for this writer's guests: mostly sensible, sometimes not."""
    staying = sorted(model.nights)
    kind = rng.choice(["check_in", "check_in", "extend", "move", "check_out"])
    if not staying or kind == "check_in":
        code = f"{prefix}-{n}" if not staying or rng.random() < 0.7 else rng.choice(staying)
        first = BASE_NIGHT + dt.timedelta(days=rng.randrange(WINDOW_NIGHTS))
        return {
            "op": "check_in",
            "guest": code,
            "unit": rng.choice(units),
            "first": first.isoformat(),
            "count": rng.randint(1, 4),
        }
    code = rng.choice(staying)
    night = rng.choice(sorted(model.nights[code]))
    if kind == "extend":
        return {"op": "extend", "guest": code, "count": rng.randint(1, 3)}
    if kind == "move":
        return {"op": "move", "guest": code, "unit": rng.choice(units), "from": night.isoformat()}
    return {"op": "check_out", "guest": code, "night": night.isoformat()}


def apply_op(session: Session, op: Op, actor: str) -> None:
    kind = op["op"]
    if kind == "check_in":
        first = dt.date.fromisoformat(op["first"])
        book(session, op["unit"], op["guest"], first, op["count"], actor=actor)
    elif kind == "extend":
        stays.extend(session, guest_code=op["guest"], extra_nights=op["count"], actor=actor)
    elif kind == "move":
        stays.move(
            session,
            guest_code=op["guest"],
            to_unit=op["unit"],
            from_night=dt.date.fromisoformat(op["from"]),
            actor=actor,
        )
    elif kind == "check_out":
        stays.check_out(
            session, guest_code=op["guest"], night=dt.date.fromisoformat(op["night"]), actor=actor
        )
    elif kind == "close_night":
        close_night(
            session,
            night=dt.date.fromisoformat(op["night"]),
            currency="SEK",
            actor=actor,
            allow_unbilled=True,
        )
    else:  # pragma: no cover
        raise ValueError(kind)


def model_apply(model: StayModel, op: Op) -> None:
    kind = op["op"]
    if kind == "check_in":
        model.check_in(op["guest"], op["unit"], dt.date.fromisoformat(op["first"]), op["count"])
    elif kind == "extend":
        model.extend(op["guest"], op["count"])
    elif kind == "move":
        model.move(op["guest"], op["unit"], dt.date.fromisoformat(op["from"]))
    elif kind == "check_out":
        model.check_out(op["guest"], dt.date.fromisoformat(op["night"]))


def cli_args(op: Op) -> list[str]:
    """The same operation as a `bedboard` command line."""
    kind = op["op"]
    if kind == "check_in":
        return [
            "checkin",
            "--unit",
            op["unit"],
            "--guest",
            op["guest"],
            "--night",
            op["first"],
            "--nights",
            str(op["count"]),
        ]
    if kind == "extend":
        return ["extend", "--guest", op["guest"], "--nights", str(op["count"])]
    if kind == "move":
        return ["move", "--guest", op["guest"], "--to", op["unit"], "--night", op["from"]]
    return ["checkout", "--guest", op["guest"], "--night", op["night"]]


def emit(out: TextIO, tag: str, op: Op, message: str = "") -> None:
    line = f"{tag} {json.dumps(op, sort_keys=True)}"
    out.write(f"{line} {message}".rstrip() + "\n")
    out.flush()


def elapsed_ms(began: float) -> int:
    return round((time.monotonic() - began) * 1000)


def line_ms(line: str) -> int | None:
    """How long the operation of an ACK or REFUSED line took, in milliseconds."""
    _, sep, ms = line.rpartition(" ms=")
    return int(ms) if sep and ms.isdigit() else None


def parse_line(line: str) -> tuple[str, Op] | None:
    tag, _, rest = line.strip().partition(" ")
    if tag not in ("BEGIN", "ACK", "REFUSED") or not rest.startswith("{"):
        return None
    op, _end = json.JSONDecoder().raw_decode(rest)
    return tag, op


def run_writer(
    store: Store,
    prefix: str,
    seconds: float,
    seed: int,
    out: TextIO,
    do: Callable[[Op], None] | None = None,
    close_share: float = 0.0,
) -> StayModel:
    """Random operations until the time is up; `do` runs one (default: a service call in one
    write transaction). With `close_share`, that share of the operations closes the next night
    (this writer must then be the only one closing). Raises on anything but a refusal by a
    rule."""
    rng = random.Random(seed)
    units = unit_refs(store)
    model = StayModel()
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        op = (
            {"op": "close_night", "night": next_open_night(store).isoformat()}
            if rng.random() < close_share
            else random_op(rng, prefix, model, units, n)
        )
        emit(out, "BEGIN", op)
        began = time.monotonic()
        try:
            if do is None:
                with store.write() as session:
                    apply_op(session, op, store.actor)
            else:
                do(op)
        except BedboardError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise
            emit(out, "REFUSED", op, f"{str(exc)!r} ms={elapsed_ms(began)}")
            continue
        emit(out, "ACK", op, f"ms={elapsed_ms(began)}")
        model_apply(model, op)
    return model


class Refused(BedboardError):
    """A `bedboard` command exited 1 or 2: a rule or the input refused it."""


def run_command(db: str, actor: str, args: list[str]) -> None:
    """One operation as the user would type it: a new `bedboard` process."""
    done = run_cli(*args, db=db, env={"BEDBOARD_USER": actor})  # this checkout's bedboard
    if done.returncode in (1, 2) and done.stderr.startswith("bedboard: ") and not done.stdout:
        raise Refused(done.stderr.strip())
    if done.returncode != 0:
        raise RuntimeError(f"bedboard {args} exited {done.returncode}: {done.stderr.strip()}")


def soak_worker(
    db: str, prefix: str, seconds: float, seed: int, log: str, cli: bool
) -> tuple[int, float, float]:
    """A writer in its own process (multiprocessing 'spawn'): service calls, or `bedboard`
    commands when `cli`. Every operation goes to the log file. Returns how many succeeded and
    when the writing began and ended (time.time())."""
    store = open_store(Settings(db=db, user=prefix))
    try:
        with open(log, "w", encoding="utf-8") as out:
            do = (lambda op: run_command(db, prefix, cli_args(op))) if cli else None
            began = time.time()
            run_writer(store, prefix, seconds, seed, out, do)
            ended = time.time()
        with open(log, encoding="utf-8") as done:
            return sum(1 for line in done if line.startswith("ACK")), began, ended
    finally:
        store.close()


def closer_worker(db: str, seconds: float, pause: float, log: str) -> list[str]:
    """Close nights in order from the first night of the window, one every `pause` seconds,
    as the night audit would; returns the nights it closed."""
    store = open_store(Settings(db=db, user="night-audit"))
    closed: list[str] = []
    deadline = time.monotonic() + seconds
    night = BASE_NIGHT
    try:
        with open(log, "w", encoding="utf-8") as out:
            while time.monotonic() < deadline:
                op = {"op": "close_night", "night": night.isoformat()}
                emit(out, "BEGIN", op)
                try:
                    with store.write() as session:
                        close_night(
                            session,
                            night=night,
                            currency="SEK",
                            actor=store.actor,
                            allow_unbilled=True,
                        )
                except BedboardError as exc:
                    if "locked" in str(exc) or "busy" in str(exc):
                        raise
                    emit(out, "REFUSED", op, str(exc))
                else:
                    emit(out, "ACK", op)
                    closed.append(night.isoformat())
                    night += dt.timedelta(days=1)
                time.sleep(pause)
    finally:
        store.close()
    return closed


def main() -> None:
    db, prefix, seconds, seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    store = open_store(Settings(db=db, user=prefix))
    try:
        print("READY", flush=True)
        run_writer(store, prefix, seconds, seed, sys.stdout)
    finally:
        store.close()
    print("DONE", flush=True)


if __name__ == "__main__":
    main()

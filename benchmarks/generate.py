"""Build a benchmark database fast: the schema from the real migrations, then every row in one
SQLite transaction with executemany (never through the per-night services: millions of rows).

Databases are cached under benchmarks/data/ keyed by size, history and tonight, with a JSON file
beside each that says what is in it. `python -m benchmarks.generate --size small` builds one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from bedboard.config import DEFAULT_ROLLOVER_HOUR
from bedboard.db import migrate
from bedboard.db.engine import make_engine
from bedboard.services.clock import current_night, utcnow
from bedboard.services.safety.audit import GENESIS, entry_hash
from benchmarks.sizes import SIZES, Size
from benchmarks.world import ACTOR, World, build_world, night_batches, sql_datetime

DATA_DIR = Path(__file__).resolve().parent / "data"
GENERATOR_VERSION = 1  # bump when the generated rows change shape

COLUMNS = {
    "sites": ("id", "name", "kind", "area"),
    "units": ("id", "site_id", "room", "label", "tags"),
    "payers": ("id", "name", "kind", "active", "org_number", "address", "contact"),
    "guests": ("id", "code", "name", "protected", "birth_year", "languages", "notes", "needs"),
    "rates": (
        "id", "amount", "currency", "valid_from", "valid_to", "site_kind", "site_id", "payer_id",
    ),
    "stays": ("id", "guest_id", "created_at", "created_by"),
    "bed_nights": (
        "id", "unit_id", "night", "state", "stay_id", "guest_id", "hold_id", "payer_id",
        "payer_reference", "reason", "posted_at", "rate", "currency",
    ),
    "holds": ("id", "unit_id", "night", "expires_at", "held_for", "created_by", "status", "nights"),
    "closed_nights": ("night", "closed_at", "closed_by"),
}  # fmt: skip


@dataclass(frozen=True)
class Generated:
    path: Path
    meta: dict

    @property
    def tonight(self) -> dt.date:
        return dt.date.fromisoformat(self.meta["tonight"])

    @property
    def first_night(self) -> dt.date:
        return dt.date.fromisoformat(self.meta["first_night"])

    @property
    def url(self) -> str:
        return str(self.path)


def insert_sql(table: str) -> str:
    columns = COLUMNS[table]
    marks = ", ".join("?" * len(columns))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def default_tonight() -> dt.date:
    return current_night(DEFAULT_ROLLOVER_HOUR)


def _upgrade(path: Path) -> None:
    """Bring a cached database to the current schema before anything is timed on it."""
    engine = make_engine(str(path))
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()


def build(size: Size, path: Path, history_nights: int, tonight: dt.date | None = None) -> Generated:
    """Write a new database at `path` (replacing it) and return what it holds."""
    started = time.perf_counter()
    tonight = tonight or default_tonight()
    world = build_world(size, tonight, history_nights)
    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, *_sidecars(partial)):
        leftover.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    _upgrade(partial)
    counts = _fill(partial, world)
    partial.replace(path)
    meta = {
        "version": GENERATOR_VERSION,
        "size": size.name,
        "tonight": tonight.isoformat(),
        "first_night": world.first_night.isoformat(),
        "last_night": world.last_night.isoformat(),
        "last_closed_night": world.last_closed_night.isoformat(),
        "history_nights": history_nights,
        "counts": counts,
        "seconds": round(time.perf_counter() - started, 1),
        "bytes": path.stat().st_size,
    }
    _meta_path(path).write_text(json.dumps(meta, indent=1))
    return Generated(path, meta)


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _fill(path: Path, world: World) -> dict[str, int]:
    """Every row in one transaction, without a journal (a half-built file is thrown away)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA foreign_keys = OFF")  # consistent by construction; checked in tests
        conn.execute("PRAGMA cache_size = -1000000")  # about 1 GB: index inserts stay in memory
        conn.execute("BEGIN")
        counts = {"stays": 0, "bed_nights": 0}
        for table in ("sites", "units", "payers", "guests", "rates"):
            rows = getattr(world, table)
            conn.executemany(insert_sql(table), rows)
            counts[table] = len(rows)
        for stays, bed_nights in night_batches(world):
            conn.executemany(insert_sql("stays"), stays)
            conn.executemany(insert_sql("bed_nights"), bed_nights)
            counts["stays"] += len(stays)
            counts["bed_nights"] += len(bed_nights)
        # After the bed-nights: the trigger refuses new rows on closed nights.
        for table in ("holds", "closed_nights"):
            rows = getattr(world, table)
            conn.executemany(insert_sql(table), rows)
            counts[table] = len(rows)
        _audit_entry(conn, world, counts)
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()
    return counts


def _audit_entry(conn: sqlite3.Connection, world: World, counts: dict[str, int]) -> None:
    """One chained entry saying the history was generated, so `audit verify` holds."""
    at = utcnow().replace(microsecond=0)
    detail = json.dumps({"size": world.size.name, **counts}, sort_keys=True)
    target = "benchmark"
    digest = entry_hash(GENESIS, at, ACTOR, "generate", target, detail)
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, target, detail, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (sql_datetime(at), ACTOR, "generate", target, detail, GENESIS, digest),
    )


def _meta_path(path: Path) -> Path:
    return path.with_suffix(".json")


def cached_path(size: Size, history_nights: int, tonight: dt.date, data_dir: Path) -> Path:
    return data_dir / f"{size.name}-{history_nights}n-{tonight.isoformat()}.sqlite3"


def cached(
    size: Size,
    short: bool = False,
    tonight: dt.date | None = None,
    data_dir: Path = DATA_DIR,
    log: bool = True,
) -> Generated:
    """The database for `size` (with the short history if `short`), built if not cached."""
    tonight = tonight or default_tonight()
    history = size.short_history_nights if short else size.history_nights
    path = cached_path(size, history, tonight, data_dir)
    meta_path = _meta_path(path)
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("version") == GENERATOR_VERSION:
            _upgrade(path)  # a newer schema (an index, say) is migrated in, not generated again
            return Generated(path, meta)
    for stale in data_dir.glob(f"{size.name}-{history}n-*"):  # an older day's copy: 1 GB
        stale.unlink()
    if log:
        print(f"generating {path.name} ...", flush=True)
    generated = build(size, path, history, tonight)
    if log:
        counts = generated.meta["counts"]
        print(
            f"  {counts['bed_nights']:,} bed-nights, {counts['stays']:,} stays, "
            f"{generated.meta['bytes'] / 1e6:,.0f} MB in {generated.meta['seconds']} s",
            flush=True,
        )
    return generated


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", choices=sorted(SIZES), default="default")
    parser.add_argument("--short", action="store_true", help="the short-history variant")
    args = parser.parse_args(argv)
    generated = cached(SIZES[args.size], short=args.short)
    print(generated.path)


if __name__ == "__main__":
    main()

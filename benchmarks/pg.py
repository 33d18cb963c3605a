"""A throwaway PostgreSQL server holding the same generated region, for the check-in figure.

The test server (tests/support/pg_server.py) runs with fsync and synchronous_commit off for speed; a
latency figure needs the durable defaults, so this one starts with them on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import psycopg

from benchmarks.generate import COLUMNS
from benchmarks.world import World, night_batches

DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}
SEQUENCED = ("sites", "units", "payers", "guests", "rates", "stays", "bed_nights", "holds")


@contextmanager
def durable_server() -> Iterator[object | None]:
    """A started PostgresServer, or None when no server binaries are installed."""
    from tests.support import pg_server

    if pg_server.find_binaries() is None:
        yield None
        return
    server = pg_server.PostgresServer()
    with mock.patch.dict(pg_server._SERVER_SETTINGS, DURABLE):
        server.start()
    try:
        yield server
    finally:
        server.stop()


def load(url: str, world: World) -> int:
    """COPY every row in (triggers and foreign-key checks off while loading), then move the id
    sequences past the loaded rows. Returns the number of bed-nights."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    count = 0
    with psycopg.connect(conninfo) as conn:
        conn.execute("SET session_replication_role = replica")
        with conn.cursor() as cur:
            for table in ("sites", "units", "payers", "guests", "rates"):
                _copy(cur, table, getattr(world, table))
            for stays, bed_nights in night_batches(world):
                _copy(cur, "stays", stays)
                _copy(cur, "bed_nights", bed_nights)
                count += len(bed_nights)
            for table in ("holds", "closed_nights"):
                _copy(cur, table, getattr(world, table))
            for table in SEQUENCED:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
        conn.execute("SET session_replication_role = origin")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    return count


def _copy(cur: psycopg.Cursor, table: str, rows: list[tuple]) -> None:
    if not rows:
        return
    with cur.copy(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)

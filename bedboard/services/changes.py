"""Noticing changes made by other processes, cheaply, for a board that stays open all night.

One dedicated connection per watcher. On SQLite `PRAGMA data_version` changes only when another
connection commits, so most polls cost one pragma; only then is the revision read.

PostgreSQL has no such pragma, but every write sends a NOTIFY at commit: the watcher LISTENs on
a second dedicated connection and `wait` returns as soon as one arrives, so a change shows
within milliseconds while an idle board reads the revision only every IDLE_SECONDS. That read
is the safety net (a lost listener) and the proof of life the board's stale warning needs: a
frozen server sends no NOTIFY, and silence must not look like "nothing changed".
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from bedboard.db.session import REVISION_CHANNEL, current_revision

IDLE_SECONDS = 2.0  # PostgreSQL: the longest wait without a NOTIFY before the revision is read
SLICE_SECONDS = 0.25  # how often a waiting watcher checks whether it should stop


class RevisionWatcher:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._connection: Connection | None = None
        self._data_version: int | None = None
        self.revision: int | None = None
        self._listener: Any = None  # PostgreSQL: the pool's record of the LISTENing connection

    def poll(self) -> int | None:
        """The new revision if the database changed since the last poll, else None.
        The first poll always returns the current revision."""
        conn = self._connection or self.engine.connect()
        self._connection = conn
        try:
            if self.is_sqlite:
                data_version = conn.exec_driver_sql("PRAGMA data_version").scalar()
                if data_version == self._data_version and self.revision is not None:
                    return None
                self._data_version = data_version
            with Session(bind=conn) as session:
                revision = current_revision(session)
        except Exception:
            self.close()  # a broken connection is replaced on the next poll
            raise
        finally:
            if self._connection is not None:
                conn.rollback()  # never keep a read snapshot open between polls
        if revision == self.revision:
            return None
        self.revision = revision
        return revision

    def wait(self, seconds: float, stop: Callable[[], bool] = lambda: False) -> None:
        """Until another write may have committed: on SQLite `seconds`; on PostgreSQL until a
        NOTIFY arrives or IDLE_SECONDS pass. Returns early when `stop()` turns true."""
        deadline = time.monotonic() + (seconds if self.is_sqlite else IDLE_SECONDS)
        while not stop() and (left := deadline - time.monotonic()) > 0:
            if self.is_sqlite or not self._listen():
                time.sleep(min(left, SLICE_SECONDS))
                continue
            try:
                notes = self._listener.driver_connection.notifies(
                    timeout=min(left, SLICE_SECONDS), stop_after=1
                )
                if any(True for _ in notes):
                    return
            except Exception:
                self._drop_listener()  # the next poll() reads the revision and reports why

    def _listen(self) -> bool:
        if self._listener is None:
            try:
                raw = self.engine.raw_connection()
                driver: Any = raw.driver_connection  # psycopg's Connection
                driver.autocommit = True
                driver.execute(f"LISTEN {REVISION_CHANNEL}")
            except Exception:
                return False
            self._listener = raw
        return True

    def _drop_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(Exception):
                listener.invalidate()  # a LISTENing connection never goes back to the pool

    def close(self) -> None:
        self._drop_listener()
        if self._connection is not None:
            conn, self._connection = self._connection, None
            # Closing a dead connection must not hide the error that killed it.
            with contextlib.suppress(Exception):
                conn.close()
        self._data_version = None

"""Noticing changes made by other processes, cheaply, for a board that stays open all night.

One dedicated connection per watcher. On SQLite `PRAGMA data_version` changes only when another
connection commits, so most polls cost one pragma; only then is the revision read. PostgreSQL
has no such pragma, so there the revision (one indexed row) is read every time.
"""

from __future__ import annotations

import contextlib

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from bedboard.db.session import current_revision


class RevisionWatcher:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._connection: Connection | None = None
        self._data_version: int | None = None
        self.revision: int | None = None

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

    def close(self) -> None:
        if self._connection is not None:
            conn, self._connection = self._connection, None
            # Closing a dead connection must not hide the error that killed it.
            with contextlib.suppress(Exception):
                conn.close()
        self._data_version = None

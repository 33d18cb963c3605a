"""A store opened for one test and closed after it, whatever the test did."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bedboard.config import Settings
from bedboard.store import Store, open_store


@contextmanager
def store_at(db: str, user: str) -> Iterator[Store]:
    """The database at `db` (a file or a URL), migrated, acting as `user`."""
    store = open_store(Settings(db=db, user=user))
    try:
        yield store
    finally:
        store.close()

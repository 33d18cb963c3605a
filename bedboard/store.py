"""An open database with its settings: what the CLI and the board work through."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session

from bedboard.config import Settings
from bedboard.db import migrate
from bedboard.db.engine import make_engine
from bedboard.db.session import read_session, translate, write_session
from bedboard.errors import BadInput, DatabaseError
from bedboard.services.clock import current_night


@dataclass
class Store:
    settings: Settings
    engine: Engine

    @property
    def actor(self) -> str:
        return self.settings.user

    def tonight(self, now: dt.datetime | None = None) -> dt.date:
        return current_night(self.settings.rollover_hour, now)

    @contextmanager
    def write(self) -> Iterator[Session]:
        with write_session(self.engine) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with read_session(self.engine) as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def connect(settings: Settings) -> Engine:
    try:
        return make_engine(settings.db)
    except ArgumentError as exc:
        raise BadInput(f"--db {settings.db!r} is neither a file path nor a database URL") from exc
    except OSError as exc:
        raise DatabaseError(f"cannot create the database {settings.db}: {exc.strerror}") from exc
    except ModuleNotFoundError as exc:
        raise DatabaseError(
            f"the driver for {settings.db.split(':', 1)[0]} is not installed "
            "(pip install 'bedboard[postgres]')"
        ) from exc


def open_store(settings: Settings) -> Store:
    """Connect, and bring the schema to head first (refusing a newer one)."""
    engine = connect(settings)
    try:
        migrate.upgrade(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise translate(exc) from exc
    except BaseException:
        engine.dispose()
        raise
    return Store(settings, engine)

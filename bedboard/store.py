"""An open database with its settings: what the CLI and the board work through."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session

from bedboard.config import Settings
from bedboard.db import cipher, migrate, pg_access, protection
from bedboard.db.engine import is_read_only, make_engine, normalise_url, sqlite_path
from bedboard.db.session import Deadline, read_session, translate, write_session
from bedboard.errors import BadInput, DatabaseError, MissingDatabase, RuleViolation
from bedboard.i18n import _
from bedboard.redact import mask_url
from bedboard.services.clock import current_night
from bedboard.services.staff.access import Actor

# The CLI turns a driver error into one line with the same translation as every write.
__all__ = [
    "Deadline",
    "Store",
    "connect",
    "missing_file",
    "open_store",
    "sqlite_file",
    "stored_revision",
    "translate",
]


@dataclass
class Store:
    settings: Settings
    engine: Engine
    # Who acts: the local user until a staff member signs in (see services.staff.signin).
    who: Actor = field(default_factory=lambda: Actor(""))
    # On PostgreSQL, the staff login this connection is made as (None: the owner, or SQLite).
    # Then the database enforces the rights, and the actor is that login whatever --user says.
    db_login: str | None = None

    def __post_init__(self) -> None:
        if not self.who.login:
            self.who = Actor(self.settings.user)

    @property
    def read_only(self) -> str | None:
        """Why this database cannot be changed (a read-only file), or None."""
        return is_read_only(self.engine)

    @property
    def actor(self) -> str:
        return self.who.login

    def tonight(self, now: dt.datetime | None = None) -> dt.date:
        return current_night(self.settings.rollover_hour, now)

    @contextmanager
    def write(self, deadline: Deadline | None = None) -> Iterator[Session]:
        with write_session(self.engine, deadline) as session:
            session.info["actor"] = self.who
            session.info["db_login"] = self.db_login
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with read_session(self.engine) as session:
            session.info["actor"] = self.who
            session.info["db_login"] = self.db_login
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def confirm_reveal_as(self, login: str, password: str, guest_codes: list[str]) -> Actor:
        """PostgreSQL: a second staff member confirms these reveals in a session of their own
        login (the server checks their password); the reveal function then finds it."""
        from sqlalchemy.engine import make_url

        from bedboard.services.staff.signin import database_actor

        url = make_url(normalise_url(self.settings.db)).set(username=login, password=password)
        engine = make_engine(url.render_as_string(hide_password=False))
        try:
            with write_session(engine) as session:
                session.info["db_login"] = login
                second = database_actor(session, login)
                for code in guest_codes:
                    pg_access.confirm_reveal(session, guest_code=code, for_login=self.actor)
            return second
        except DBAPIError as exc:
            raise translate(exc) from exc
        finally:
            engine.dispose()


def sqlite_file(settings: Settings) -> Path | None:
    """The SQLite file the settings name, or None for a server database."""
    return sqlite_path(normalise_url(settings.db))


def stored_revision(settings: Settings) -> str | None:
    """The database's schema revision, read without migrating anything (a SQLite file that is
    not there is refused by `connect`, as by every command that does not make one)."""
    engine = connect(settings)
    try:
        with engine.connect() as conn:
            return migrate.current_revision(conn)
    except DBAPIError as exc:  # unreachable server and the like: one line, not a traceback
        raise translate(exc) from exc
    finally:
        engine.dispose()


def missing_protections(settings: Settings) -> list[str]:
    """The protective triggers the database should have and lacks (see db.protection)."""
    engine = connect(settings)
    try:
        with engine.connect() as conn:
            return protection.missing_protections(conn)
    except DBAPIError as exc:
        raise translate(exc) from exc
    finally:
        engine.dispose()


def sqlite_file_or_none(settings: Settings) -> Path | None:
    """The SQLite file `settings` names, or None (a server URL, or one that does not parse)."""
    try:
        return sqlite_path(normalise_url(settings.db))
    except ArgumentError:
        return None


def encrypted_file(settings: Settings) -> Path | None:
    """The SQLite file `settings` names when it is encrypted (SQLCipher), else None."""
    path = sqlite_file(settings)
    return path if path is not None and cipher.file_state(path) == "encrypted" else None


def plain_file_to_encrypt(settings: Settings) -> Path:
    """The plain SQLite file `db encrypt` would convert; one line if there is none."""
    path = sqlite_file(settings)
    if path is None:
        raise BadInput(
            _("encryption at rest is for SQLite files; protect a PostgreSQL server's disk instead")
        )
    state = cipher.file_state(path)
    if state == "folder":
        raise BadInput(_("{path} is a folder; name the database file in it").format(path=path))
    if state == "missing":
        raise MissingDatabase(_("there is no database at {path} to encrypt").format(path=path))
    if state == "encrypted":
        raise RuleViolation(_("the database {path} is already encrypted").format(path=path))
    return path


def check_new_passphrase(passphrase: str) -> str:
    return cipher.check_new_passphrase(passphrase)


def encrypt_file(path: Path, passphrase: str) -> None:
    """Rewrite the plain database at `path` encrypted (see db.cipher.encrypt_in_place)."""
    cipher.encrypt_in_place(path, passphrase)


def missing_file(settings: Settings) -> Path | None:
    """The SQLite file `settings` names when it does not exist, else None."""
    try:
        path = sqlite_path(normalise_url(settings.db))
    except ArgumentError:
        return None  # connect() says what is wrong with it
    return path if path is not None and not path.exists() else None


def connect(settings: Settings, *, create: bool = False) -> Engine:
    """An engine for the database. A SQLite file that does not exist is made only when `create`
    says so: a mistyped path must not become a new, empty database that then takes bookings."""
    folder = sqlite_file_or_none(settings)
    if folder is not None and folder.is_dir():  # `--db /media/usb`: the stick, not the file
        raise BadInput(_("{path} is a folder; name the database file in it").format(path=folder))
    missing = missing_file(settings)
    if missing is not None and not create:
        raise MissingDatabase(_("there is no database at {path}").format(path=missing))
    try:
        return make_engine(settings.db, passphrase=settings.db_key)
    except ArgumentError:
        raise BadInput(
            _("--db {db!r} is neither a file path nor a database URL").format(
                db=mask_url(settings.db)
            )
        ) from None  # SQLAlchemy's own text quotes the URL, password and all
    except OSError as exc:
        raise DatabaseError(
            _("cannot create the database {db}: {reason}").format(
                db=mask_url(settings.db), reason=exc.strerror
            )
        ) from exc
    except ModuleNotFoundError as exc:
        raise DatabaseError(
            _("the driver for {scheme} is not installed (pip install 'bedboard[postgres]')").format(
                scheme=settings.db.split(":", 1)[0]
            )
        ) from exc


def open_store(settings: Settings, *, create: bool = True) -> Store:
    """Connect, and bring the schema to head first (refusing a newer one). The command line
    passes `create=False` for every command but those that make a database."""
    engine = connect(settings, create=create)
    try:
        migrate.upgrade(engine)
        with engine.connect() as conn:
            db_login = pg_access.database_login(conn)
        store = Store(settings, engine, db_login=db_login)
        if db_login is not None:
            from bedboard.services.staff.signin import database_actor

            with store.read() as session:
                store.who = database_actor(session, db_login)
    except DBAPIError as exc:
        engine.dispose()
        raise translate(exc) from exc
    except BaseException:
        engine.dispose()
        raise
    return store

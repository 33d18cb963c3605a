"""Units of work. Every write transaction bumps the revision first: the board polls it to see
changes, and on PostgreSQL the row lock it takes serialises writers like SQLite's write lock.
On PostgreSQL the bump also sends a NOTIFY, delivered at commit (never for a rolled-back
write), so open boards wake at once instead of polling."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, select, text, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from bedboard.db.engine import writer
from bedboard.db.models import Revision
from bedboard.errors import (
    BadInput,
    BedboardError,
    DatabaseError,
    NightClosed,
    NoAnswer,
    RuleViolation,
    UnitTaken,
)
from bedboard.i18n import N_, _
from bedboard.redact import scrub

REVISION_CHANNEL = "bedboard_revision"  # LISTENed to by services/changes.py

# Database messages that are really rules; the services check them first with a clearer
# message, these catch the race between two terminals.
_RULE_MESSAGES: list[tuple[tuple[str, ...], type[BedboardError], str]] = [
    (
        ("uq_bed_nights_unit_id_night", "bed_nights.unit_id, bed_nights.night"),
        UnitTaken,
        N_("that unit was just taken for that night by someone else"),
    ),
    (
        ("uq_bed_nights_guest_id_night", "bed_nights.guest_id, bed_nights.night"),
        RuleViolation,
        N_("that guest already has a bed on that night"),
    ),
    (("posted bed-night is locked",), NightClosed, N_("that night is closed and posted")),
    (("night is closed",), NightClosed, N_("that night is closed")),
    (("audit log is append-only",), RuleViolation, N_("the audit log cannot be changed")),
]


def translate(exc: DBAPIError) -> BedboardError:
    message = str(exc.orig)
    for needles, error, wording in _RULE_MESSAGES:
        if any(needle in message for needle in needles):
            return error(_(wording))
    if getattr(exc.orig, "sqlstate", None) == "42501" or "bedboard: " in message:
        # PostgreSQL refused a staff login (a GRANT, a row-level policy, the reveal function):
        # a rule, said in the database's own words.
        first = message.strip().splitlines()[0].removeprefix("bedboard: ")
        return RuleViolation(_("the database refused: {why}").format(why=scrub(first)))
    # PostgreSQL enforces VARCHAR lengths (SQLite does not); the services check the texts
    # people type, this names the limit for any text they missed.
    too_long = re.search(r"value too long for type character varying\((\d+)\)", message)
    if too_long:
        return BadInput(
            _("a text is too long: at most {n} characters are kept").format(n=too_long.group(1))
        )
    if isinstance(exc, OperationalError) and ("locked" in message or "lock timeout" in message):
        return DatabaseError(_("the database is busy (another terminal is writing); try again"))
    first_line = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    # A driver may quote the connection string it was given, password and all.
    return DatabaseError(_("database error: {error}").format(error=scrub(first_line)))


class Deadline:
    """Set by whoever stopped waiting for a write (the board, after a while without an answer):
    a write that gets its answers later, when the network carries packets again, must not
    commit then, behind the back of a person who was told it was not confirmed."""

    def __init__(self) -> None:
        self._passed = threading.Event()

    def pass_(self) -> None:
        self._passed.set()

    @property
    def passed(self) -> bool:
        return self._passed.is_set()


@contextmanager
def write_session(engine: Engine, deadline: Deadline | None = None) -> Iterator[Session]:
    """One write transaction: all or nothing, begun IMMEDIATE on SQLite. Rolled back instead of
    committed once `deadline` has passed."""
    try:
        with Session(writer(engine), expire_on_commit=False) as session, session.begin():
            session.execute(update(Revision).values(value=Revision.value + 1))
            if engine.dialect.name == "postgresql":
                session.execute(text(f"NOTIFY {REVISION_CHANNEL}"))
            yield session
            if deadline is not None and deadline.passed:
                raise NoAnswer("the change came too late and was rolled back")
    except DBAPIError as exc:
        raise translate(exc) from exc


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    try:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            yield session
    except DBAPIError as exc:
        raise translate(exc) from exc


def current_revision(session: Session) -> int:
    return session.scalar(select(Revision.value).where(Revision.id == 1)) or 0

"""Guests' identities: names leave the program only on an explicit, audited request, and
`forget` erases a guest's personal data while their nights and billing stay under the code.

Names are read here (`release_names`, audited) and in services/people/search.py (the board's
search and its audited "show name"); tests/test_privacy.py fails if any other module reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from bedboard.db.models import Guest
from bedboard.errors import BadInput
from bedboard.services.exports.occupancy import Export
from bedboard.services.lookup import find_guest
from bedboard.services.safety import audit

NAME_COLUMN = "guest_name"
PERSONAL_FIELDS = ("name", "birth_year", "languages", "notes", "gender", "needs")


def release_names(
    session: Session, codes: Iterable[str], *, actor: str, purpose: str
) -> dict[str, str]:
    """Names of the guests with these codes, for an export the user asked names for with
    `--with-names`. Must run in a write session: the release is audited before any name is
    returned, so a name never leaves without its audit entry."""
    wanted = sorted({c for c in codes if c})
    names: dict[str, str] = {}
    if wanted:
        rows = session.execute(
            select(Guest.code, Guest.name).where(Guest.code.in_(wanted), Guest.name.is_not(None))
        )
        names = {code: name for code, name in rows if name}
    audit.record(
        session,
        actor,
        "names_released",
        "guests",
        purpose=purpose,
        guests=sorted(names),  # codes only: the log itself never holds a name
    )
    return names


def add_names(
    export: Export,
    write: Callable[[], AbstractContextManager[Session]],
    *,
    actor: str,
    purpose: str,
) -> Export:
    """The export with a `guest_name` column after the others, for `--with-names`.

    The rows are read first so the audit entry can say whose names leave. The release is
    audited in a short write transaction of its own (`write`), taken only when the first row
    is written, that is once the output file could be opened: a refused export releases
    nothing, and a long export never holds the write lock that check-ins need."""
    header = list(export.header)
    if "guest_code" not in header:
        raise BadInput("--with-names needs rows with guests (not --summary)")
    at = header.index("guest_code")
    rows = [list(row) for row in export.rows]

    def named_rows() -> Iterator[list[Any]]:
        with write() as session:
            names = release_names(session, (str(r[at]) for r in rows), actor=actor, purpose=purpose)
        for r in rows:
            yield [*r, names.get(str(r[at]), "")]

    return Export([*header, NAME_COLUMN], named_rows(), total=len(rows))


def forget(session: Session, *, guest_code: str, actor: str) -> list[str]:
    """Erase name, birth year, languages, notes, gender and needs; keep the code, nights, stays
    and billing.

    On SQLite the old values are overwritten in the file too (secure_delete), not merely
    unlinked; the caller checkpoints the WAL afterwards. Returns the fields that held data."""
    guest = find_guest(session, guest_code)
    erased = [f for f in PERSONAL_FIELDS if getattr(guest, f) not in (None, "")]
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete = ON"))
    guest.name = None
    guest.birth_year = None
    guest.languages = ""
    guest.notes = ""
    guest.gender = None
    guest.needs = ""
    session.flush()
    audit.record(session, actor, "forget", f"guest:{guest.code}", erased=erased)
    return erased


def checkpoint_sqlite(engine: Engine) -> None:
    """Move the WAL into the database file and empty it, so erased values do not linger in the
    WAL. Best effort: a reader elsewhere can keep old frames until it finishes. Runs on a raw
    connection because a checkpoint cannot run inside a transaction."""
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()

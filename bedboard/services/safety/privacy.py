"""Guests' identities: names leave the program only on an explicit, audited request, and
`forget` erases a guest's personal data while their nights and billing stay under the code.

Names are read here (`release_names`, audited) and in services/people/search.py (the board's
search and its audited "show name"); tests/test_privacy.py fails if any other module reads them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.orm import Session

from bedboard.db import pg_access
from bedboard.db.models import AuditEntry, BedNight, Guest, Hold
from bedboard.errors import BadInput
from bedboard.i18n import _
from bedboard.services.exports.export import Export
from bedboard.services.lookup import find_guest
from bedboard.services.safety import audit
from bedboard.services.safety.disclosures import check_confirmer, check_reason
from bedboard.services.staff.access import Actor, require
from bedboard.services.staff.rights import Right

NAME_COLUMN = "guest_name"
PERSONAL_FIELDS = ("name", "birth_year", "languages", "notes", "gender", "needs")


def release_names(
    session: Session,
    codes: Iterable[str],
    *,
    actor: str,
    purpose: str,
    reason: str,
    confirmed_by: Actor | None = None,
) -> dict[str, str]:
    """Names of the guests with these codes, for an export the user asked names for with
    `--with-names`, and said why. Protected guests among them need a second staff member
    (`confirmed_by`). Must run in a write session: the release is audited before any name is
    returned, so a name never leaves without its audit entry."""
    require(session, Right.EXPORT)
    require(session, Right.REVEAL)
    reason = check_reason(reason)
    wanted = sorted({c for c in codes if c})
    names: dict[str, str] = {}
    protected: list[str] = []
    if wanted and session.info.get("db_login"):
        # PostgreSQL staff login: each name through the database's audited reveal (one entry
        # a guest; a protected guest needs a confirmation in the database for each).
        for code in wanted:
            revealed = pg_access.reveal_name(
                session,
                guest_code=code,
                reason=reason,
                confirmed_by=confirmed_by.login if confirmed_by else None,
            )
            if revealed:
                names[code] = revealed
        wanted = []
    if wanted:
        rows = session.execute(
            select(Guest.code, Guest.name, Guest.protected).where(
                Guest.code.in_(wanted), Guest.name.is_not(None)
            )
        )
        for code, name, is_protected in rows:
            if name:
                names[code] = name
                protected += [code] if is_protected else []
    confirmer = None
    if protected:
        confirmer = check_confirmer(session, codes=protected, sites=set(), confirmer=confirmed_by)
    audit.record(
        session,
        actor,
        "names_released",
        "guests",
        purpose=purpose,
        reason=reason,
        confirmed_by=confirmer,
        guests=sorted(names),  # codes only: the log itself never holds a name
    )
    return names


def add_names(
    export: Export,
    write: Callable[[], AbstractContextManager[Session]],
    *,
    actor: str,
    purpose: str,
    reason: str,
    confirmed_by: Actor | None = None,
) -> Export:
    """The export with a `guest_name` column after the others, for `--with-names`.

    The rows are read first so the audit entry can say whose names leave. The release is
    audited in a short write transaction of its own (`write`), taken only when the first row
    is written, that is once the output file could be opened: a refused export releases
    nothing, and a long export never holds the write lock that check-ins need."""
    header = list(export.header)
    if "guest_code" not in header:
        raise BadInput(_("names can be added only to rows with guests, not to a summary"))
    at = header.index("guest_code")
    rows = [list(row) for row in export.rows]

    def named_rows() -> Iterator[list[Any]]:
        with write() as session:
            names = release_names(
                session,
                (str(r[at]) for r in rows),
                actor=actor,
                purpose=purpose,
                reason=reason,
                confirmed_by=confirmed_by,
            )
        for r in rows:
            yield [*r, names.get(str(r[at]), "")]

    return Export([*header, NAME_COLUMN], named_rows(), total=len(rows))


def forget(session: Session, *, guest_code: str, actor: str) -> list[str]:
    """Erase name, birth year, languages, notes, gender and needs; keep the code, nights, stays
    and billing.

    The free text around the guest goes too: the payer's reference (a case number ties the
    code to a person elsewhere) on every night not yet closed, and the note of any hold that
    was confirmed for them. A closed (posted) night is a bookkeeping record, locked by the
    database: its reference stays, and the result says how many (`references_kept_closed:N`).

    On SQLite the old values are overwritten in the file too (secure_delete), not merely
    unlinked; the caller checkpoints the WAL afterwards. Returns what held data."""
    require(session, Right.FORGET)
    guest = find_guest(session, guest_code)
    if session.info.get("db_login"):  # PostgreSQL staff login: name and notes are not readable
        name_recorded, private_notes = pg_access.guest_private(session, guest.code)
        held = {"name": "x" if name_recorded else None, "notes": private_notes}
    else:
        held = {"name": guest.name, "notes": guest.notes}
    erased = [
        f
        for f in PERSONAL_FIELDS
        if (held[f] if f in held else getattr(guest, f)) not in (None, "")
    ]
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete = ON"))
    guest.name = None
    guest.birth_year = None
    guest.languages = ""
    guest.notes = ""
    guest.gender = None
    guest.needs = ""
    with_reference = BedNight.guest_id == guest.id, BedNight.payer_reference != ""
    open_ids = list(
        session.scalars(select(BedNight.id).where(*with_reference, BedNight.posted_at.is_(None)))
    )
    for start in range(0, len(open_ids), 500):
        session.execute(
            update(BedNight)
            .where(BedNight.id.in_(open_ids[start : start + 500]))
            .values(payer_reference="")
        )
    cleared = len(open_ids)
    kept = session.scalar(
        select(func.count()).where(*with_reference, BedNight.posted_at.is_not(None))
    )
    if cleared:
        erased.append("references")
    notes = _confirmed_hold_notes(session, guest.code)
    if notes:
        erased.append("hold_notes")
    session.flush()
    audit.record(
        session,
        actor,
        "forget",
        f"guest:{guest.code}",
        erased=erased,
        references_kept_closed=kept or None,
    )
    if kept:
        erased.append(f"references_kept_closed:{kept}")
    return erased


def _confirmed_hold_notes(session: Session, code: str) -> int:
    """Erase the note of every hold confirmed for this guest (the audit log says which: the
    holds table does not name guests). Such notes end with the hold since issue 13; older
    databases are cleaned by migration 0002 too, so this finds none there either."""
    quoted = json.dumps(code, ensure_ascii=False)
    ids = []
    for detail in session.scalars(
        select(AuditEntry.detail).where(
            AuditEntry.action == "confirm_hold",
            AuditEntry.detail.contains(quoted, autoescape=True),
        )
    ):
        data = json.loads(detail)
        named = data.get("guest") == code or code in data.get("guests", [])
        if named and isinstance(data.get("hold"), int):
            ids.append(data["hold"])
    noted = list(session.scalars(select(Hold.id).where(Hold.id.in_(ids), Hold.held_for != "")))
    if noted:
        session.execute(update(Hold).where(Hold.id.in_(noted)).values(held_for=""))
    return len(noted)


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

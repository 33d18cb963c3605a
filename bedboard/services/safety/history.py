"""The history of a unit or of a guest, read from the audit log. Entries about a stay name the
unit in `target` and the guest (by code) in `detail`, so a guest's history looks at both."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bedboard.db.models import AuditEntry
from bedboard.services.lookup import find_guest, find_unit, unit_ref

DEFAULT_LIMIT = 200


@dataclass(frozen=True)
class HistoryLine:
    entry_id: int
    at: str
    actor: str
    action: str
    target: str
    detail: str

    @classmethod
    def of(cls, entry: AuditEntry) -> HistoryLine:
        return cls(
            entry.id,
            entry.at.isoformat(sep=" "),
            entry.actor,
            entry.action,
            entry.target,
            _readable(entry.detail),
        )


def _readable(detail: str) -> str:
    """`{"a": 1, "b": "x"}` as `a=1 b=x`; anything else as it is."""
    try:
        data = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(data, dict):
        return detail
    return " ".join(f"{k}={v}" for k, v in data.items() if v not in (None, "", [], {}))


def unit_history(session: Session, ref: str, limit: int = DEFAULT_LIMIT) -> list[HistoryLine]:
    """Newest first. Raises NotFound for an unknown unit."""
    site, unit = find_unit(session, ref)
    target = f"unit:{unit_ref(site, unit)}"
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.target == target)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return [HistoryLine.of(e) for e in session.scalars(stmt)]


def guest_history(session: Session, code: str, limit: int = DEFAULT_LIMIT) -> list[HistoryLine]:
    """Newest first: entries whose target is the guest, or whose detail names the guest."""
    guest = find_guest(session, code)
    # audit.record writes detail with json.dumps(sort_keys=True, ensure_ascii=False)
    quoted = json.dumps(guest.code, ensure_ascii=False)
    needle = '"guest": ' + quoted
    stmt = (
        select(AuditEntry)
        .where(
            or_(
                AuditEntry.target == f"guest:{guest.code}",
                AuditEntry.detail.contains(needle, autoescape=True),
                and_(
                    AuditEntry.action == "names_released",
                    AuditEntry.detail.contains(quoted, autoescape=True),
                ),
            )
        )
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return [HistoryLine.of(e) for e in session.scalars(stmt) if _about_guest(e, guest.code)]


def _about_guest(entry: AuditEntry, code: str) -> bool:
    if entry.target == f"guest:{code}":
        return True
    try:
        detail = json.loads(entry.detail)
        return bool(detail.get("guest") == code or code in detail.get("guests", []))
    except (ValueError, AttributeError, TypeError):
        return False

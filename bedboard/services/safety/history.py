"""The history of a unit or of a guest, read from the audit log. Entries about a stay name the
unit in `target` and the guest (by code) in `detail`, so a guest's history looks at both; an
entry that changed other units too (a check-out, a move out of a unit) lists them in its detail
as `units`, so a unit's history looks at both as well.

Times are shown on the local wall clock like everywhere else (the log stores UTC), and amounts
in kronor (the log stores öre, as every amount in the database)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bedboard.db.models import AuditEntry
from bedboard.i18n import N_, _
from bedboard.services.clock import local_time
from bedboard.services.lookup import find_guest, find_unit, unit_ref
from bedboard.services.money import money
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right

DEFAULT_LIMIT = 200


@dataclass(frozen=True)
class HistoryLine:
    entry_id: int
    at: str  # local wall-clock time, 'YYYY-MM-DD HH:MM:SS'
    actor: str
    action: str
    target: str
    detail: str
    at_utc: dt.datetime | None = None  # as stored, for a screen with a clock of its own

    @classmethod
    def of(cls, entry: AuditEntry) -> HistoryLine:
        return cls(
            entry.id,
            local_time(entry.at).isoformat(sep=" "),
            entry.actor,
            entry.action,
            entry.target,
            _readable(entry.detail),
            entry.at,
        )


# Detail keys that hold an amount in minor units (öre), with the currency beside it.
MONEY_KEYS = ("amount",)
MONEY_MAP_KEYS = ("amounts",)  # {"SEK": 65000, ...}


def _value(key: str, value: Any, data: dict[str, Any]) -> Any:
    if key in MONEY_KEYS and isinstance(value, int) and not isinstance(value, bool):
        return f"{money(value)} {data.get('currency', '')}".rstrip()
    if key in MONEY_MAP_KEYS and isinstance(value, dict):
        return ", ".join(
            f"{money(v)} {c}" if isinstance(v, int) else f"{v} {c}" for c, v in value.items()
        )
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if key.endswith("_at") and isinstance(value, str):
        try:  # a stored time (UTC) like `expired_at`: on the wall clock, like `at`
            return f"{local_time(dt.datetime.fromisoformat(value)):%Y-%m-%d %H:%M}"
        except ValueError:
            return value
    return value


# The detail's keys as a person reads them, in today's language; the log keeps the machine
# keys (its hash covers them). A key without a word here shows as it is stored.
DETAIL_WORDS = {  # N_() marked: _() where shown
    "amount": N_("amount"),
    "first": N_("first"),
    "first_night": N_("first night"),
    "from_night": N_("from night"),
    "guest": N_("guest"),
    "guest_code": N_("guest"),
    "guests": N_("guests"),
    "held_for": N_("held for"),
    "hold": N_("hold"),
    "household": N_("household"),
    "kind": N_("kind"),
    "last": N_("last"),
    "last_night": N_("last night"),
    "minutes": N_("minutes"),
    "night": N_("night"),
    "nights": N_("nights"),
    "nights_removed": N_("nights removed"),
    "payer": N_("payer"),
    "people": N_("people"),
    "reason": N_("reason"),
    "reference": N_("reference"),
    "referred_to": N_("referred to"),
    "stay": N_("stay"),
    "tonight": N_("tonight"),
    "unit": N_("unit"),
    "units": N_("units"),
}


def _readable(detail: str) -> str:
    """`{"a": 1, "b": "x"}` as `a=1 b=x`, amounts in kronor (`amount=-650.00 SEK`, its currency
    not repeated); anything else as it is."""
    try:
        data = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(data, dict):
        return detail
    shown_with_amount = "currency" if "amount" in data else None
    return " ".join(
        f"{_(DETAIL_WORDS[k]) if k in DETAIL_WORDS else k}={_value(k, v, data)}"
        for k, v in data.items()
        if v not in (None, "", [], {}) and k != shown_with_amount
    )


def unit_history(session: Session, ref: str, limit: int = DEFAULT_LIMIT) -> list[HistoryLine]:
    """Newest first. Raises NotFound for an unknown unit."""
    require(session, Right.AUDIT)
    site, unit = find_unit(session, ref)
    name = unit_ref(site, unit)
    target = f"unit:{name}"
    # audit.record writes detail with json.dumps(sort_keys=True, ensure_ascii=False)
    quoted = json.dumps(name, ensure_ascii=False)
    stmt = (
        select(AuditEntry)
        .where(
            or_(
                AuditEntry.target == target,
                and_(
                    AuditEntry.detail.contains('"units": [', autoescape=True),
                    AuditEntry.detail.contains(quoted, autoescape=True),
                ),
            )
        )
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return [HistoryLine.of(e) for e in session.scalars(stmt) if _about_unit(e, target, name)]


def _about_unit(entry: AuditEntry, target: str, name: str) -> bool:
    if entry.target == target:
        return True
    try:
        return name in json.loads(entry.detail).get("units", [])
    except (ValueError, AttributeError, TypeError):
        return False


def guest_history(session: Session, code: str, limit: int = DEFAULT_LIMIT) -> list[HistoryLine]:
    """Newest first: entries whose target is the guest, or whose detail names the guest."""
    require(session, Right.AUDIT)
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

"""The audit log: append-only, each entry chained to the one before it by a SHA-256 hash, so an
edited or deleted entry is found by `verify`. Entries name guests by code, never by name."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bedboard.db.models import AuditAnchor, AuditEntry
from bedboard.i18n import _
from bedboard.redact import scrub
from bedboard.services.clock import utcnow

GENESIS = "0" * 64


def entry_hash(
    prev_hash: str, at: dt.datetime, actor: str, action: str, target: str, detail: str
) -> str:
    payload = json.dumps([prev_hash, at.isoformat(), actor, action, target, detail])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session, actor: str, action: str, target: str = "", **detail: Any
) -> AuditEntry:
    """Append an entry. Writers are serialised (see db.session), so the chain cannot fork.
    On a PostgreSQL staff login the actor is that login (the database refuses any other)."""
    actor = session.info.get("db_login") or actor
    prev = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    prev_hash = prev or GENESIS
    at = utcnow().replace(microsecond=0)
    # Append-only: a password that got in (a URL in a detail) could never be taken out again.
    raw = json.dumps(detail, sort_keys=True, ensure_ascii=False, default=str)
    detail_text = scrub(raw, remembered=False)
    target = scrub(target, remembered=False)
    entry = AuditEntry(
        at=at,
        actor=actor,
        action=action,
        target=target,
        detail=detail_text,
        prev_hash=prev_hash,
        hash=entry_hash(prev_hash, at, actor, action, target, detail_text),
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    problem: str


def verify(session: Session) -> list[ChainProblem]:
    """Walk the chain; an edited entry breaks its own hash, a deleted one breaks the link, and
    entries cut from the end no longer match the anchor the audit trigger keeps."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        if entry.prev_hash != expected_prev:
            problems.append(ChainProblem(entry.id, _("an entry before it is missing or changed")))
        recomputed = entry_hash(
            entry.prev_hash, entry.at, entry.actor, entry.action, entry.target, entry.detail
        )
        if recomputed != entry.hash:
            problems.append(ChainProblem(entry.id, _("its content was changed")))
        expected_prev = entry.hash
    problems.extend(check_anchor(session))
    return problems


@dataclass(frozen=True)
class ChainEnds:
    """What `verify` reports beside the problems: how long the chain is, where it ends, and
    whether an entry named by an earlier hash is still there."""

    total: int
    newest: AuditEntry | None
    anchored: int | None


def chain_ends(session: Session, anchor: str = "") -> ChainEnds:
    total = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    newest = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).first()
    anchored = (
        session.scalar(select(AuditEntry.id).where(AuditEntry.hash.startswith(anchor)))
        if anchor
        else None
    )
    return ChainEnds(total, newest, anchored)


def check_anchor(session: Session) -> list[ChainProblem]:
    """Compare the log's end with the anchor (count, newest id, newest hash)."""
    anchor = session.get(AuditAnchor, 1)
    count = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    newest = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    last_id, last_hash = (newest.id, newest.hash) if newest else (0, "")
    if anchor is None:
        return [ChainProblem(last_id, _("the audit anchor is missing"))]
    if (anchor.entries, anchor.last_id, anchor.last_hash) == (count, last_id, last_hash):
        return []
    if anchor.entries > count or anchor.last_id > last_id:
        return [
            ChainProblem(
                anchor.last_id,
                _(
                    "entries were removed from the end: the anchor counts {anchored} entries up "
                    "to #{anchor_id}, the log has {count} up to #{last_id}"
                ).format(
                    anchored=anchor.entries,
                    anchor_id=anchor.last_id,
                    count=count,
                    last_id=last_id,
                ),
            )
        ]
    return [ChainProblem(last_id, _("the log's end does not match the audit anchor"))]


def history(session: Session, target: str, limit: int = 200) -> list[AuditEntry]:
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.target == target)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))

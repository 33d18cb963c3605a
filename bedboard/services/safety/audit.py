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

from bedboard.db.models import AuditEntry
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
    """Append an entry. Writers are serialised (see db.session), so the chain cannot fork."""
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
    """Walk the chain; an edited entry breaks its own hash, a deleted one breaks the link."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        if entry.prev_hash != expected_prev:
            problems.append(ChainProblem(entry.id, "an entry before it is missing or changed"))
        recomputed = entry_hash(
            entry.prev_hash, entry.at, entry.actor, entry.action, entry.target, entry.detail
        )
        if recomputed != entry.hash:
            problems.append(ChainProblem(entry.id, "its content was changed"))
        expected_prev = entry.hash
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


def history(session: Session, target: str, limit: int = 200) -> list[AuditEntry]:
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.target == target)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))

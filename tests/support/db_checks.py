"""Reading the database back in UI tests: what a person's key presses actually changed."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from sqlalchemy import Select, func, select

from bedboard.db.models import (
    AuditEntry,
    BedNight,
    Guest,
    Hold,
    HoldUnit,
    Payer,
    Site,
    Turnaway,
    Unit,
)
from bedboard.store import Store

Q = TypeVar("Q", bound="Select[*tuple[Any, ...]]")


def placed(query: Q, unit_id: Any) -> Q:
    """`query` joined to the unit `unit_id` names and to its site, for SITE/UNIT."""
    return query.join(Unit, Unit.id == unit_id).join(Site, Site.id == Unit.site_id)


def guest_nights(code: str, *columns: Any) -> Select[*tuple[Any, ...]]:
    """`columns` for every night of a guest, in order; Payer's columns are None when unbilled."""
    query = select(*columns).join(Guest, Guest.id == BedNight.guest_id)
    return (
        placed(query, BedNight.unit_id)
        .outerjoin(Payer, Payer.id == BedNight.payer_id)
        .where(Guest.code == code)
        .order_by(BedNight.night)
    )


def nights_of(store: Store, code: str) -> list[tuple[dt.date, str, str | None]]:
    """(night, SITE/UNIT, payer) for every night of a guest, in order."""
    with store.read() as s:
        rows = s.execute(guest_nights(code, BedNight.night, Site.name, Unit.label, Payer.name))
        return [(r[0], f"{r[1]}/{r[2]}", r[3]) for r in rows]


def state_of(store: Store, ref: str, night: dt.date) -> str:
    site, _, label = ref.rpartition("/")
    with store.read() as s:
        state = s.scalar(
            placed(select(BedNight.state), BedNight.unit_id).where(
                Site.name == site, Unit.label == label, BedNight.night == night
            )
        )
    return state or "free"


def holds_by_status(store: Store) -> dict[str, int]:
    with store.read() as s:
        rows = s.execute(select(Hold.status, func.count()).group_by(Hold.status)).all()
    return {status: count for status, count in rows}


def active_holds(store: Store) -> list[tuple[str, dt.date, str]]:
    query = select(Site.name, Unit.label, Hold.night, Hold.held_for).join(
        HoldUnit, HoldUnit.hold_id == Hold.id
    )
    with store.read() as s:
        rows = s.execute(
            placed(query, HoldUnit.unit_id)
            .where(Hold.status == "active")
            .order_by(Site.name, Unit.label)
        ).all()
    return [(f"{r[0]}/{r[1]}", r[2], r[3]) for r in rows]


def turnaways(store: Store) -> list[tuple[dt.date, str, int, str]]:
    with store.read() as s:
        rows = s.execute(
            select(Turnaway.night, Turnaway.reason, Turnaway.people, Turnaway.referred_to)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def audit_actions(store: Store) -> list[tuple[str, str, str]]:
    with store.read() as s:
        rows = s.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.target).order_by(AuditEntry.id)
        ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def count_rows(store: Store, model: type) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0

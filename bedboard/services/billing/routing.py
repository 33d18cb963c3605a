"""Who pays a night, decided from the payers' decisions: an explicit `pay` for the night wins,
else the newest commitment that covers the night, else nobody (unbilled).

The outcome is written onto the bed-night (`payer_id`, `payer_reference`, `commitment_id`), so
every reader (board, exports, close) sees one answer without working it out again. Nights
beyond a commitment's cap keep `commitment_id` with no payer: unbilled, and flagged as such.
Posted nights never change; they only count towards their commitment's cap. A deactivated
payer's decision gives it no new nights (they are unbilled); the nights it already has stay.

Routing runs for a guest whenever their nights or commitments change, and once more for every
guest of a night before it is closed, so a night is never posted with a stale decision. A
household's commitment covers every member: the members are routed together, in night order,
so its cap counts their nights as one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.orm import Session

from bedboard.db.models import BedNight, Commitment, Guest, Payer, Site, Unit
from bedboard.services.beds.nights import NIGHT_PLACES
from bedboard.services.billing.rates import RateBook
from bedboard.states import NightState


def beyond_cap() -> ColumnElement[bool]:
    """Open or posted nights that a commitment covers but its cap does not pay for."""
    return and_(BedNight.commitment_id.is_not(None), BedNight.payer_id.is_(None))


@dataclass(frozen=True)
class _Decision:
    id: int
    payer_id: int
    guest_id: int | None  # None: for every member of the household
    first: dt.date
    last: dt.date | None
    reference: str
    max_nights: int | None
    max_amount: int | None
    payer_active: bool  # a deactivated payer keeps the nights it has and is given no new ones

    def covers(self, night: dt.date, guest_id: int) -> bool:
        if self.guest_id is not None and self.guest_id != guest_id:
            return False
        return self.first <= night and (self.last is None or night <= self.last)


def route_guests(session: Session, guest_ids: Iterable[int], book: RateBook | None = None) -> int:
    """Route every open night of these guests; returns how many nights changed."""
    changed = 0
    for guest_id in sorted(set(guest_ids)):
        changed += route_guest(session, guest_id, book)
    return changed


def _group(session: Session, guest_id: int) -> tuple[list[int], int | None]:
    """The guests routed together: the guest, or every member of its household when the
    household has a commitment (whose cap counts the members' nights together)."""
    household_id = session.scalar(select(Guest.household_id).where(Guest.id == guest_id))
    if household_id is None or not session.scalar(
        select(Commitment.id).where(Commitment.household_id == household_id).limit(1)
    ):
        return [guest_id], None
    members = session.scalars(select(Guest.id).where(Guest.household_id == household_id)).all()
    return sorted(members), household_id


def route_guest(session: Session, guest_id: int, book: RateBook | None = None) -> int:
    guest_ids, household_id = _group(session, guest_id)
    party: ColumnElement[bool] = Commitment.guest_id.in_(guest_ids)
    if household_id is not None:
        party = party | (Commitment.household_id == household_id)
    decisions = [
        _Decision(c.id, c.payer_id, c.guest_id, c.first_night, c.last_night, c.reference,
                  c.max_nights, c.max_amount, active)
        for c, active in session.execute(
            select(Commitment, Payer.active)
            .join(Payer, Payer.id == Commitment.payer_id)
            .where(party)
            .order_by(Commitment.id)
        ).all()
    ]  # fmt: skip
    rows = session.execute(
        select(
            BedNight.id,
            BedNight.night,
            BedNight.guest_id,
            BedNight.payer_id,
            BedNight.payer_reference,
            BedNight.commitment_id,
            BedNight.posted_at,
            BedNight.rate,
            Unit.site_id,
            Site.kind,
        )
        .select_from(NIGHT_PLACES)
        .where(BedNight.guest_id.in_(guest_ids), BedNight.state == NightState.OCCUPIED)
        .order_by(BedNight.night, BedNight.guest_id)
    ).all()
    if not decisions and not any(r.commitment_id is not None for r in rows):
        return 0  # nothing routed by a decision, nothing to undo
    if book is None and any(d.max_amount is not None for d in decisions):
        book = RateBook.load(session)
    used_nights: dict[int, int] = defaultdict(int)
    used_amount: dict[int, int] = defaultdict(int)
    wanted: dict[tuple[int | None, str, int | None], list[int]] = defaultdict(list)
    for r in rows:
        if r.posted_at is not None:
            if r.commitment_id is not None and r.payer_id is not None:
                used_nights[r.commitment_id] += 1
                used_amount[r.commitment_id] += r.rate or 0
            continue
        if r.payer_id is not None and r.commitment_id is None:
            continue  # an explicit `pay` wins
        decision = next((d for d in reversed(decisions) if d.covers(r.night, r.guest_id)), None)
        target: tuple[int | None, str, int | None] = (None, "", None)
        if decision is not None:
            target = (None, "", decision.id)  # beyond the cap unless it fits below
            price = 0
            if decision.max_amount is not None and book is not None:
                rule = book.find(r.night, r.site_id, r.kind, decision.payer_id)
                price = rule.amount if rule else 0
            fits = (
                decision.max_nights is None or used_nights[decision.id] < decision.max_nights
            ) and (
                decision.max_amount is None
                or used_amount[decision.id] + price <= decision.max_amount
            )
            billed = (decision.payer_id, decision.reference, decision.id)
            # Checkin, pay and extend refuse a deactivated payer; its decision does not bill it
            # behind their back. A night it already has stays its; a new one is unbilled (shown
            # as unbilled, not as beyond a cap).
            if (
                not decision.payer_active
                and (r.payer_id, r.payer_reference, r.commitment_id) != billed
            ):
                target = (None, "", None)
            elif fits:
                used_nights[decision.id] += 1
                used_amount[decision.id] += price
                target = billed
        if (r.payer_id, r.payer_reference, r.commitment_id) != target:
            wanted[target].append(r.id)
    changed = 0
    for (payer_id, reference, commitment_id), ids in wanted.items():
        for start in range(0, len(ids), 500):
            session.execute(
                update(BedNight)
                .where(BedNight.id.in_(ids[start : start + 500]), BedNight.posted_at.is_(None))
                .values(payer_id=payer_id, payer_reference=reference, commitment_id=commitment_id)
            )
        changed += len(ids)
    return changed


def route_night(session: Session, night: dt.date) -> int:
    """Before a close: route every guest of the night who has a decision (their own or their
    household's) or a routed night."""
    with_decisions = select(Commitment.guest_id).where(Commitment.guest_id.is_not(None))
    in_households = select(Guest.id).where(
        Guest.household_id.in_(
            select(Commitment.household_id).where(Commitment.household_id.is_not(None))
        )
    )
    guests = session.scalars(
        select(BedNight.guest_id)
        .where(
            BedNight.night == night,
            BedNight.state == NightState.OCCUPIED,
            BedNight.posted_at.is_(None),
            BedNight.guest_id.in_(with_decisions)
            | BedNight.guest_id.in_(in_households)
            | BedNight.commitment_id.is_not(None),
        )
        .distinct()
    ).all()
    return route_guests(session, [g for g in guests if g is not None])

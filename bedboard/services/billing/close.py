"""Night close (the night audit) and adjustments.

Closing a night posts every bed-night of it: occupied nights get the rate valid that night and
the currency, then every row is locked (triggers refuse UPDATE and DELETE of a posted row, and
any new row on a closed night). Unbilled nights are listed first and refused unless the caller
accepts them; a night without a rate or with an undecided hold is refused. A posted night is
corrected only by an adjustment (amount, reason, actor) that references it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bedboard.db.models import Adjustment, BedNight, ClosedNight, Guest, Site, Unit
from bedboard.errors import BadInput, NightClosed, RuleViolation
from bedboard.services.beds.nights import clear_expired_holds
from bedboard.services.billing.rates import RateBook
from bedboard.services.clock import utcnow
from bedboard.services.exports.csvio import money
from bedboard.services.lookup import find_guest
from bedboard.services.safety import audit

MAX_REASON = 500


@dataclass(frozen=True)
class NightLine:
    bed_night_id: int
    guest_code: str
    site: str
    unit: str

    @property
    def ref(self) -> str:
        return f"{self.site}/{self.unit}"


@dataclass(frozen=True)
class CloseResult:
    night: dt.date
    posted: int  # every row of the night
    occupied: int
    unbilled: int
    amounts: dict[str, int]  # currency -> sum of the posted rates, minor units
    currency: str  # the configured one, for a night with nothing to post
    unbilled_lines: tuple[NightLine, ...] = ()

    @property
    def total_text(self) -> str:
        """`1300.00 SEK`, or each currency's sum when rates of several were posted."""
        if not self.amounts:
            return f"0.00 {self.currency}"
        return " + ".join(f"{money(v)} {c}" for c, v in sorted(self.amounts.items()))


def unbilled_on(session: Session, night: dt.date) -> list[NightLine]:
    stmt = (
        select(BedNight.id, Guest.code, Site.name, Unit.label)
        .join(Guest, Guest.id == BedNight.guest_id)
        .join(Unit, Unit.id == BedNight.unit_id)
        .join(Site, Site.id == Unit.site_id)
        .where(BedNight.night == night, BedNight.state == "occupied", BedNight.payer_id.is_(None))
        .order_by(Site.name, Unit.label)
    )
    return [NightLine(*row) for row in session.execute(stmt)]


def is_closed(session: Session, night: dt.date) -> bool:
    return session.get(ClosedNight, night) is not None


def close_night(
    session: Session,
    *,
    night: dt.date,
    currency: str,
    actor: str,
    allow_unbilled: bool = False,
    latest: dt.date | None = None,
    now: dt.datetime | None = None,
) -> CloseResult:
    now = now or utcnow()
    if latest is not None and night > latest:
        raise RuleViolation(f"the night of {night} has not come yet (the current is {latest})")
    if is_closed(session, night):
        raise NightClosed(f"the night of {night} is already closed")
    unbilled = unbilled_on(session, night)
    if unbilled and not allow_unbilled:
        names = ", ".join(f"{u.guest_code} in {u.ref}" for u in unbilled[:5])
        more = f" and {len(unbilled) - 5} more" if len(unbilled) > 5 else ""
        raise RuleViolation(
            f"{len(unbilled)} unbilled night(s) on {night}: {names}{more}; assign a payer "
            "(`bedboard pay`) or close anyway (--unbilled-ok)"
        )
    clear_expired_holds(session, [night], now)
    rows = session.execute(
        select(
            BedNight.id,
            BedNight.state,
            BedNight.payer_id,
            Unit.site_id,
            Site.kind,
            Site.name,
            Unit.label,
        )
        .join(Unit, Unit.id == BedNight.unit_id)
        .join(Site, Site.id == Unit.site_id)
        .where(BedNight.night == night)
    ).all()
    held = [r for r in rows if r.state == "held"]
    if held:
        raise RuleViolation(
            f"{held[0].name}/{held[0].label} is held on {night}; confirm or cancel the hold first"
        )
    book = RateBook.load(session)
    groups: dict[tuple[int | None, str | None], list[int]] = defaultdict(list)
    amounts: dict[str, int] = defaultdict(int)
    occupied = 0
    for r in rows:
        if r.state != "occupied":
            groups[(None, None)].append(r.id)
            continue
        rule = book.find(night, r.site_id, r.kind, r.payer_id)
        if rule is None:
            raise RuleViolation(
                f"no rate for {r.name}/{r.label} ({r.kind}) on {night}; set one with "
                "`bedboard rates set`"
            )
        groups[(rule.amount, rule.currency)].append(r.id)
        amounts[rule.currency] += rule.amount
        occupied += 1
    session.add(ClosedNight(night=night, closed_at=now, closed_by=actor))
    session.flush()
    posted_at = now.replace(microsecond=0)
    for (rate, rate_currency), ids in groups.items():
        for start in range(0, len(ids), 500):
            session.execute(
                update(BedNight)
                .where(BedNight.id.in_(ids[start : start + 500]))
                .values(posted_at=posted_at, rate=rate, currency=rate_currency)
            )
    result = CloseResult(
        night, len(rows), occupied, len(unbilled), dict(amounts), currency, tuple(unbilled)
    )
    audit.record(
        session,
        actor,
        "close_night",
        f"night:{night}",
        posted=len(rows),
        occupied=occupied,
        unbilled=len(unbilled),
        amounts=dict(amounts),
    )
    return result


def adjust(
    session: Session,
    *,
    guest_code: str,
    night: dt.date,
    amount: int,
    reason: str,
    currency: str,
    actor: str,
    now: dt.datetime | None = None,
) -> Adjustment:
    """A correction to a posted night: the night stays as it was, the adjustment adds to it."""
    reason = reason.strip()
    if not reason:
        raise BadInput("say why (--reason): an adjustment needs a reason")
    if len(reason) > MAX_REASON or any(not ch.isprintable() for ch in reason):
        raise BadInput(f"the reason must be at most {MAX_REASON} printable characters")
    if amount == 0:
        raise BadInput("an adjustment of 0.00 changes nothing")
    guest = find_guest(session, guest_code)
    row = session.scalar(
        select(BedNight).where(
            BedNight.guest_id == guest.id, BedNight.night == night, BedNight.state == "occupied"
        )
    )
    if row is None:
        raise RuleViolation(f"guest {guest.code} has no night on {night}")
    if row.posted_at is None:
        raise RuleViolation(
            f"the night of {night} is not closed yet; change it directly (pay, checkout) "
            "instead of adjusting"
        )
    adjustment = Adjustment(
        bed_night_id=row.id,
        amount=amount,
        currency=row.currency or currency,
        reason=reason,
        actor=actor,
        created_at=(now or utcnow()).replace(microsecond=0),
    )
    session.add(adjustment)
    session.flush()
    audit.record(
        session,
        actor,
        "adjust",
        f"guest:{guest.code}",
        night=night,
        amount=amount,
        currency=adjustment.currency,
        reason=reason,
        bed_night=row.id,
    )
    return adjustment

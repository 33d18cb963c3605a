"""Night close (the night audit) and adjustments.

Closing a night posts every bed-night of it: occupied nights get the rate valid that night and
the currency, then every row is locked (triggers refuse UPDATE and DELETE of a posted row, and
any new row on a closed night; the closed_nights row itself is locked too). Unbilled nights
are listed first and refused unless the caller accepts them; a night without a rate or with an
undecided hold is refused. Nights close in order: an earlier night with bed-nights that is
still open refuses the close unless the caller says out of order; and a night closes only once
it has ended (the rollover hour after it has passed). `plan_close` shows what a close would
post without writing. A posted night is corrected only by an adjustment (amount, reason,
actor) that references it, or moved to another payer by a correction."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bedboard import formats
from bedboard.db.models import Adjustment, BedNight, ClosedNight, Guest, Payer, Site, Unit
from bedboard.errors import BadInput, NightClosed, NoRate, RuleViolation, UnbilledNights
from bedboard.i18n import _
from bedboard.services.beds.nights import NIGHT_PLACES, clear_expired_holds
from bedboard.services.billing.billed import billed_now
from bedboard.services.billing.rates import RateBook
from bedboard.services.billing.routing import route_night
from bedboard.services.clock import utcnow
from bedboard.services.lookup import find_guest
from bedboard.services.safety import audit
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right
from bedboard.services.text import clean_text
from bedboard.states import AdjustmentKind, NightState


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
        """`1300.00 SEK` (`1 300,00 kr` in Swedish), or each currency's sum when rates of
        several were posted."""
        return _total_text(self.amounts, self.currency)


def unbilled_on(session: Session, night: dt.date) -> list[NightLine]:
    stmt = (
        select(BedNight.id, Guest.code, Site.name, Unit.label)
        .select_from(NIGHT_PLACES)
        .join(Guest, Guest.id == BedNight.guest_id)
        .where(
            BedNight.night == night,
            BedNight.state == NightState.OCCUPIED,
            BedNight.payer_id.is_(None),
        )
        .order_by(Site.name, Unit.label)
    )
    return [NightLine(*row) for row in session.execute(stmt)]


def is_closed(session: Session, night: dt.date) -> bool:
    return session.get(ClosedNight, night) is not None


def earliest_open_before(session: Session, night: dt.date) -> dt.date | None:
    """The first night before `night` that has bed-nights and is not closed."""
    return session.scalar(
        select(func.min(BedNight.night)).where(
            BedNight.night < night,
            BedNight.night.not_in(select(ClosedNight.night)),
        )
    )


def refuse_too_early(
    session: Session,
    night: dt.date,
    *,
    latest: dt.date | None,
    out_of_order: bool,
) -> None:
    """The rules of when a night may close: after it has ended, after the nights before it."""
    if latest is not None and night > latest:
        raise RuleViolation(
            _("the night of {night} has not come yet (the current is {latest})").format(
                night=night, latest=latest
            )
        )
    if latest is not None and night == latest:
        raise RuleViolation(
            _(
                "the night of {night} is still going on; it can be closed once the rollover "
                "hour has passed tomorrow"
            ).format(night=night)
        )
    if is_closed(session, night):
        raise NightClosed(_("the night of {night} is already closed").format(night=night))
    if not out_of_order:
        earlier = earliest_open_before(session, night)
        if earlier is not None:
            raise RuleViolation(
                _(
                    "the night of {earlier} is still open; close the nights in order, or close "
                    "this one out of order"
                ).format(earlier=earlier)
            )


@dataclass(frozen=True)
class ClosePlan:
    """What closing a night would post: every row of it, grouped by the rate it gets."""

    night: dt.date
    currency: str
    rows: int
    occupied: int
    unbilled: tuple[NightLine, ...]
    amounts: dict[str, int]
    by_payer: dict[str, tuple[int, dict[str, int]]]  # payer ("" nobody) -> nights, amounts
    groups: dict[tuple[int | None, str | None], list[int]]

    @property
    def total_text(self) -> str:
        return _total_text(self.amounts, self.currency)


def _total_text(amounts: dict[str, int], currency: str) -> str:
    return formats.money_sum(amounts, currency, formats.money_text)


def plan_close(session: Session, *, night: dt.date, currency: str) -> ClosePlan:
    """Read-only: what `close_night` would post, or the refusal it would give."""
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
        .select_from(NIGHT_PLACES)
        .where(BedNight.night == night)
    ).all()
    held = [r for r in rows if r.state == NightState.HELD]
    if held:
        raise RuleViolation(
            _("{name}/{label} is held on {night}; confirm or cancel the hold first").format(
                name=held[0].name, label=held[0].label, night=night
            )
        )
    book = RateBook.load(session)
    names = {a: b for a, b in session.execute(select(Payer.id, Payer.name))}
    groups: dict[tuple[int | None, str | None], list[int]] = defaultdict(list)
    amounts: dict[str, int] = defaultdict(int)
    by_payer: dict[str, tuple[int, dict[str, int]]] = {}
    occupied = 0
    for r in rows:
        if r.state != NightState.OCCUPIED:
            groups[(None, None)].append(r.id)
            continue
        rule = book.find(night, r.site_id, r.kind, r.payer_id)
        if rule is None:
            raise NoRate(
                _("no rate for {name}/{label} ({kind}) on {night}; set one first").format(
                    name=r.name, label=r.label, kind=r.kind, night=night
                )
            )
        groups[(rule.amount, rule.currency)].append(r.id)
        amounts[rule.currency] += rule.amount
        payer = names.get(r.payer_id, "") if r.payer_id is not None else ""
        count, sums = by_payer.get(payer, (0, {}))
        sums[rule.currency] = sums.get(rule.currency, 0) + rule.amount
        by_payer[payer] = (count + 1, sums)
        occupied += 1
    return ClosePlan(
        night,
        currency,
        len(rows),
        occupied,
        tuple(unbilled_on(session, night)),
        dict(amounts),
        by_payer,
        dict(groups),
    )


def close_night(
    session: Session,
    *,
    night: dt.date,
    currency: str,
    actor: str,
    allow_unbilled: bool = False,
    latest: dt.date | None = None,
    out_of_order: bool = False,
    now: dt.datetime | None = None,
) -> CloseResult:
    """Post the night. `latest` is the current night: given, the night must have ended."""
    require(session, Right.CLOSE_NIGHT)
    now = now or utcnow()
    refuse_too_early(session, night, latest=latest, out_of_order=out_of_order)
    route_night(session, night)  # the decisions as they stand now, not as last written
    unbilled = unbilled_on(session, night)
    if unbilled and not allow_unbilled:
        shown = [_("{code} in {unit}").format(code=u.guest_code, unit=u.ref) for u in unbilled[:5]]
        if len(unbilled) > 5:
            shown.append(_("{n} more").format(n=len(unbilled) - 5))
        raise UnbilledNights(
            _(
                "{len} unbilled night(s) on {night}: {names}; assign a payer or "
                "close the night anyway"
            ).format(len=len(unbilled), night=night, names=", ".join(shown))
        )
    clear_expired_holds(session, [night], now)
    plan = plan_close(session, night=night, currency=currency)
    session.add(ClosedNight(night=night, closed_at=now, closed_by=actor))
    session.flush()
    posted_at = now.replace(microsecond=0)
    for (rate, rate_currency), ids in plan.groups.items():
        for start in range(0, len(ids), 500):
            session.execute(
                update(BedNight)
                .where(BedNight.id.in_(ids[start : start + 500]))
                .values(posted_at=posted_at, rate=rate, currency=rate_currency)
            )
    result = CloseResult(
        night, plan.rows, plan.occupied, len(unbilled), plan.amounts, currency, tuple(unbilled)
    )
    audit.record(
        session,
        actor,
        "close_night",
        f"night:{night}",
        posted=plan.rows,
        occupied=plan.occupied,
        unbilled=len(unbilled),
        amounts=plan.amounts,
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
    require(session, Right.CORRECT)
    reason = clean_text(reason, Adjustment.reason, "the reason")
    if not reason:
        raise BadInput(_("an adjustment needs a reason: say why"))
    if amount == 0:
        raise BadInput(_("an adjustment of 0.00 changes nothing"))
    guest = find_guest(session, guest_code)
    row = session.scalar(
        select(BedNight).where(
            BedNight.guest_id == guest.id,
            BedNight.night == night,
            BedNight.state == NightState.OCCUPIED,
        )
    )
    if row is None:
        raise RuleViolation(
            _("guest {code} has no night on {night}").format(code=guest.code, night=night)
        )
    if row.posted_at is None:
        raise RuleViolation(
            _(
                "the night of {night} is not closed yet; change it directly (pay, "
                "checkout) instead of adjusting"
            ).format(night=night)
        )
    billed = billed_now(session, row)
    adjustment = Adjustment(
        bed_night_id=row.id,
        kind=AdjustmentKind.ADJUSTMENT,
        amount=amount,
        currency=row.currency or currency,
        payer_id=billed.payer_id,
        payer_reference=billed.reference,
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

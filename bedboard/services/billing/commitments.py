"""Payers' decisions (commitments): a payer pays for a guest's (or every member of a
household's) nights from a date, with its reference (decision or case number), optionally
until a date and up to a cap in nights or in money, signed by someone. Adding or ending one
routes the guest's (or household's) open nights again (billing.routing). A commitment is
never deleted: it is ended on a night instead.

Two commitments of the same payer for the same guest (or household) may not overlap: which of
them would a night count against?"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedboard.db.models import Adjustment, BedNight, Commitment, Guest, Household, Payer
from bedboard.errors import BadInput, NotFound, RuleViolation
from bedboard.i18n import _
from bedboard.services.billing.routing import route_guest
from bedboard.services.clock import utcnow
from bedboard.services.lookup import find_guest, find_payer
from bedboard.services.people.households import find_household
from bedboard.services.safety import audit
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right
from bedboard.services.text import clean_text
from bedboard.states import AdjustmentKind, NightState

ENDING_SOON_DAYS = 3


@dataclass(frozen=True)
class CommitmentLine:
    id: int
    payer: str
    guest_code: str
    first_night: dt.date
    last_night: dt.date | None
    reference: str
    max_nights: int | None
    max_amount: int | None
    signed_by: str
    routed_nights: int  # nights billed to it (open and closed)
    beyond_cap: int  # nights it covers that its cap does not pay for
    household_code: str = ""  # set instead of guest_code for a household's commitment

    @property
    def party(self) -> str:
        """Who it pays for, as the board and the CLI show it."""
        return self.guest_code or _("household {code}").format(code=self.household_code)

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "payer": self.payer,
            "guest": self.guest_code or None,
            "household": self.household_code or None,
            "from": self.first_night.isoformat(),
            "to": self.last_night.isoformat() if self.last_night else None,
            "reference": self.reference,
            "max_nights": self.max_nights,
            "max_amount": self.max_amount,
            "signed_by": self.signed_by,
            "nights": self.routed_nights,
            "beyond_cap": self.beyond_cap,
        }


Span = tuple[dt.date, dt.date | None]  # first night, last night (None: open)


def _overlaps(a: Span, b: Span) -> bool:
    (a_first, a_last), (b_first, b_last) = a, b
    return (a_last is None or b_first <= a_last) and (b_last is None or a_first <= b_last)


def _refuse_overlap(
    session: Session,
    *,
    payer_id: int,
    guest_id: int | None,
    household_id: int | None,
    first: dt.date,
    last: dt.date | None,
) -> None:
    party = (
        Commitment.guest_id == guest_id
        if guest_id is not None
        else Commitment.household_id == household_id
    )
    for other in session.scalars(select(Commitment).where(Commitment.payer_id == payer_id, party)):
        if _overlaps((first, last), (other.first_night, other.last_night)):
            until = other.last_night.isoformat() if other.last_night else _("open")
            raise RuleViolation(
                _("this payer already has commitment #{id} for them ({first}..{last})").format(
                    id=other.id, first=other.first_night, last=until
                )
            )


def add_commitment(
    session: Session,
    *,
    payer: str,
    guest_code: str | None = None,
    household_code: str | None = None,
    first: dt.date,
    last: dt.date | None = None,
    reference: str = "",
    max_nights: int | None = None,
    max_amount: int | None = None,
    signed_by: str = "",
    actor: str,
    now: dt.datetime | None = None,
) -> Commitment:
    """For one guest, or (household_code) for every member of a household together."""
    require(session, Right.COMMITMENTS)
    if (guest_code is None) == (household_code is None):
        raise BadInput(_("a commitment is for one guest or for one household"))
    if last is not None and last < first:
        raise BadInput(_("the commitment ends ({last}) before it starts ({first})").format(
            last=last, first=first))  # fmt: skip
    if max_nights is not None and max_nights <= 0:
        raise BadInput(_("a cap in nights must be at least 1, not {n}").format(n=max_nights))
    if max_amount is not None and max_amount <= 0:
        raise BadInput(_("a cap in money must be more than 0.00"))
    reference = clean_text(reference, Commitment.reference, _("the reference"))
    signed_by = clean_text(signed_by, Commitment.signed_by, _("signed by"))
    payer_row = find_payer(session, payer)
    guest = find_guest(session, guest_code) if guest_code is not None else None
    household = find_household(session, household_code) if household_code is not None else None
    guest_id = guest.id if guest is not None else None
    household_id = household.id if household is not None else None
    _refuse_overlap(
        session,
        payer_id=payer_row.id,
        guest_id=guest_id,
        household_id=household_id,
        first=first,
        last=last,
    )
    commitment = Commitment(
        payer_id=payer_row.id,
        guest_id=guest_id,
        household_id=household_id,
        first_night=first,
        last_night=last,
        reference=reference,
        max_nights=max_nights,
        max_amount=max_amount,
        signed_by=signed_by,
        created_at=(now or utcnow()).replace(microsecond=0),
        created_by=actor,
    )
    session.add(commitment)
    session.flush()
    routed = _route_party(session, commitment)
    target = f"guest:{guest.code}" if guest is not None else f"household:{household_code}"
    audit.record(
        session,
        actor,
        "add_commitment",
        target,
        commitment=commitment.id,
        payer=payer_row.name,
        first=first,
        last=last,
        reference=reference,
        max_nights=max_nights,
        max_amount=max_amount,
        signed_by=signed_by,
        nights_routed=routed,
    )
    return commitment


def _route_party(session: Session, commitment: Commitment) -> int:
    if commitment.guest_id is not None:
        return route_guest(session, commitment.guest_id)
    members = session.scalars(
        select(Guest.id).where(Guest.household_id == commitment.household_id)
    ).all()
    return route_guest(session, members[0]) if members else 0  # the members route together


def end_commitment(
    session: Session, *, commitment_id: int, last: dt.date, actor: str
) -> Commitment:
    """The commitment pays up to and including the night `last`, and no later night."""
    require(session, Right.COMMITMENTS)
    commitment = session.get(Commitment, commitment_id)
    if commitment is None:
        raise NotFound(_("no commitment #{id}").format(id=commitment_id))
    if last < commitment.first_night:
        raise BadInput(
            _("commitment #{id} starts on {first}; it cannot end before that").format(
                id=commitment.id, first=commitment.first_night
            )
        )
    if commitment.last_night is not None and last >= commitment.last_night:
        raise RuleViolation(
            _("commitment #{id} already ends on {last}").format(
                id=commitment.id, last=commitment.last_night
            )
        )
    posted_after = session.scalar(
        select(BedNight.night)
        .where(
            BedNight.commitment_id == commitment.id,
            BedNight.night > last,
            BedNight.posted_at.is_not(None),
        )
        .order_by(BedNight.night)
        .limit(1)
    )
    if posted_after is not None:
        raise RuleViolation(
            _(
                "the night of {night} is closed and billed to commitment #{id}; end it on "
                "that night or later, or correct the closed nights"
            ).format(night=posted_after, id=commitment.id)
        )
    before = commitment.last_night
    commitment.last_night = last
    session.flush()
    routed = _route_party(session, commitment)
    audit.record(
        session,
        actor,
        "end_commitment",
        f"commitment:{commitment.id}",
        last=last,
        was=before,
        nights_routed=routed,
    )
    return commitment


def list_commitments(
    session: Session, *, payer: str | None = None, guest_code: str | None = None
) -> list[CommitmentLine]:
    require(session, Right.BILLING)
    stmt = (
        select(Commitment, Payer.name, Guest.code, Household.code)
        .join(Payer, Payer.id == Commitment.payer_id)
        .outerjoin(Guest, Guest.id == Commitment.guest_id)
        .outerjoin(Household, Household.id == Commitment.household_id)
        .order_by(Commitment.first_night, Commitment.id)
    )
    if payer is not None:
        payer_id = session.scalar(select(Payer.id).where(Payer.name == payer.strip()))
        if payer_id is None:
            raise NotFound(_("no payer named {name!r}").format(name=payer))
        stmt = stmt.where(Commitment.payer_id == payer_id)
    if guest_code is not None:
        guest = find_guest(session, guest_code)
        mine = Commitment.guest_id == guest.id
        if guest.household_id is not None:  # and what the household's decisions pay for them
            mine = mine | (Commitment.household_id == guest.household_id)
        stmt = stmt.where(mine)
    rows = session.execute(stmt).all()
    counts: dict[tuple[int | None, bool], int] = {}
    ids = [c.id for c, _p, _g, _h in rows]
    if ids:
        rebilled = select(Adjustment.bed_night_id).where(Adjustment.kind == AdjustmentKind.REBILL)
        for commitment_id, paid in session.execute(
            select(BedNight.commitment_id, BedNight.payer_id.is_not(None)).where(
                BedNight.commitment_id.in_(ids),
                # a night beyond the cap that was later corrected to a payer is billed now
                BedNight.payer_id.is_not(None) | BedNight.id.not_in(rebilled),
            )
        ):
            key = (commitment_id, bool(paid))
            counts[key] = counts.get(key, 0) + 1
    return [
        CommitmentLine(
            c.id,
            payer_name,
            code or "",
            c.first_night,
            c.last_night,
            c.reference,
            c.max_nights,
            c.max_amount,
            c.signed_by,
            counts.get((c.id, True), 0),
            counts.get((c.id, False), 0),
            household or "",
        )
        for c, payer_name, code, household in rows
    ]


@dataclass(frozen=True)
class EndingSoon:
    """A commitment that ends within a few nights while the guest's stay goes on after it."""

    commitment_id: int
    payer: str
    guest_code: str
    last_night: dt.date
    next_night: dt.date  # the guest's first booked night after it ends
    reference: str


def ending_soon(
    session: Session, tonight: dt.date, days: int = ENDING_SOON_DAYS
) -> list[EndingSoon]:
    horizon = tonight + dt.timedelta(days=days)
    rows = session.execute(
        select(Commitment, Payer.name)
        .join(Payer, Payer.id == Commitment.payer_id)
        .where(
            Commitment.last_night.is_not(None),
            Commitment.last_night >= tonight,
            Commitment.last_night <= horizon,
        )
        .order_by(Commitment.last_night, Commitment.id)
    ).all()
    found: list[EndingSoon] = []
    for c, payer_name in rows:
        assert c.last_night is not None
        whose = (
            BedNight.guest_id == c.guest_id
            if c.guest_id is not None
            else BedNight.guest_id.in_(select(Guest.id).where(Guest.household_id == c.household_id))
        )
        later = session.execute(
            select(BedNight.night, Guest.code)
            .join(Guest, Guest.id == BedNight.guest_id)
            .where(whose, BedNight.state == NightState.OCCUPIED, BedNight.night > c.last_night)
            .order_by(BedNight.night, Guest.code)
            .limit(1)
        ).first()
        if later is not None:
            found.append(
                EndingSoon(c.id, payer_name, later.code, c.last_night, later.night, c.reference)
            )
    return found

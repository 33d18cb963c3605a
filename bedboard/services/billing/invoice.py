"""The invoice basis for one payer and period (optionally one reference): what the coordinator
sends the payer each month. Built from the billing rows (exports.billing, the one place those
rows are made), so the basis and `export billing` can never disagree.

Only closed nights are on it: an open night's payer or rate may still change. Nights are
grouped per guest code, reference and rate (nights from-to, count, rate, amount); credits,
rebills and adjustments follow one by one with their reasons; the totals add both up."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from bedboard.config import Settings
from bedboard.errors import RuleViolation
from bedboard.i18n import _
from bedboard.services.billing.payers import any_payer
from bedboard.services.clock import check_period
from bedboard.services.exports.billing import billing_statement
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right
from bedboard.states import AdjustmentKind


@dataclass(frozen=True)
class Party:
    name: str
    number: str  # organisation number
    address: str


@dataclass(frozen=True)
class NightsLine:
    guest_code: str
    reference: str
    first_night: dt.date
    last_night: dt.date
    nights: int
    rate: int
    currency: str

    @property
    def amount(self) -> int:
        return self.rate * self.nights


@dataclass(frozen=True)
class CorrectionLine:
    night: dt.date
    guest_code: str
    kind: str  # adjustment, credit or rebill
    reference: str
    reason: str
    amount: int
    currency: str


@dataclass
class Total:
    nights: int = 0
    amount: int = 0


@dataclass
class InvoiceBasis:
    payer: Party
    us: Party
    first: dt.date
    last: dt.date
    reference: str | None
    lines: list[NightsLine] = field(default_factory=list)
    corrections: list[CorrectionLine] = field(default_factory=list)
    open_nights: int = 0  # the payer's nights in the period not closed yet: not on the basis
    totals: dict[str, Total] = field(default_factory=dict)  # per currency

    def missing_for_pdf(self) -> list[str]:
        """What a PDF someone sends as it is cannot do without."""
        missing = []
        if not self.payer.number:
            missing.append(_("the payer's org number ({payer})").format(payer=self.payer.name))
        if not self.payer.address:
            missing.append(_("the payer's address ({payer})").format(payer=self.payer.name))
        if not self.us.name:
            missing.append(_("our organisation's name (setting organisation_name)"))
        if not self.us.number:
            missing.append(_("our organisation number (setting organisation_number)"))
        return missing


def organisation(settings: Settings) -> Party:
    return Party(
        settings.organisation_name,
        settings.organisation_number,
        settings.organisation_address.replace("\\n", "\n"),
    )


def invoice_basis(
    session: Session,
    *,
    payer: str,
    first: dt.date,
    last: dt.date,
    us: Party,
    reference: str | None = None,
) -> InvoiceBasis:
    require(session, Right.BILLING)
    check_period(first, last)
    row = any_payer(session, payer)
    basis = InvoiceBasis(
        Party(row.name, row.org_number, row.address.replace("\\n", "\n")),
        us,
        first,
        last,
        reference.strip() if reference is not None else None,
    )
    groups: dict[tuple[str, str, int, str], list[dt.date]] = defaultdict(list)
    for r in session.execute(billing_statement(first, last, row.id)):
        if basis.reference is not None and (r.payer_reference or "") != basis.reference:
            continue
        if r.kind == "night":
            if r.posted_at is None:
                basis.open_nights += 1
                continue
            groups[(r.guest_code, r.payer_reference or "", r.rate or 0, r.currency)].append(r.night)
            continue
        basis.corrections.append(
            CorrectionLine(
                r.night,
                r.guest_code,
                r.kind,
                r.payer_reference or "",
                r.reason or "",
                r.rate or 0,
                r.currency,
            )
        )
    for (code, ref, rate, currency), nights in sorted(groups.items(), key=_line_order):
        basis.lines.append(
            NightsLine(code, ref, min(nights), max(nights), len(nights), rate, currency)
        )
    for line in basis.lines:
        total = basis.totals.setdefault(line.currency, Total())
        total.nights += line.nights
        total.amount += line.amount
    change: dict[str, int] = {AdjustmentKind.REBILL: 1, AdjustmentKind.CREDIT: -1}
    for c in basis.corrections:
        total = basis.totals.setdefault(c.currency, Total())
        total.nights += change.get(c.kind, 0)
        total.amount += c.amount
    if not basis.lines and not basis.corrections:
        what = _(" with reference {ref}").format(ref=basis.reference) if basis.reference else ""
        raise RuleViolation(
            _("{payer} has no closed nights{what} from {first} to {last}").format(
                payer=row.name, what=what, first=first, last=last
            )
        )
    return basis


def _line_order(item: tuple[tuple[str, str, int, str], list[dt.date]]) -> tuple[object, ...]:
    (code, ref, rate, currency), nights = item
    return (code.lower(), ref, min(nights), rate, currency)

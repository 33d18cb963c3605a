"""Rates: the price of a night by site kind or site, optionally for one payer, valid from/to a
date. The rate of a night is the most specific one valid that night:
site+payer > site > site kind+payer > site kind; among equals the latest `valid_from` (then the
newest rate) wins, so `rates set --from D` supersedes an open-ended older rate from D on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, or_, select
from sqlalchemy.orm import Session

from bedboard.db.models import SITE_KINDS, Payer, Rate, Site
from bedboard.errors import BadInput
from bedboard.i18n import _
from bedboard.services.lookup import find_payer, site_id_named
from bedboard.services.safety import audit
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right
from bedboard.words import applies_to


@dataclass(frozen=True)
class RateRule:
    id: int
    amount: int
    currency: str
    valid_from: dt.date
    valid_to: dt.date | None
    site_kind: str | None
    site_id: int | None
    payer_id: int | None

    def level(self, night: dt.date, site_id: int, site_kind: str, payer_id: int | None) -> int:
        """How specifically this rule fits the night (higher wins); -1 if it does not apply."""
        if night < self.valid_from or (self.valid_to is not None and night > self.valid_to):
            return -1
        if self.payer_id is not None and self.payer_id != payer_id:
            return -1
        payer_bonus = 1 if self.payer_id is not None else 0
        if self.site_id is not None:
            return 2 + payer_bonus if self.site_id == site_id else -1
        if self.site_kind is not None:
            return payer_bonus if self.site_kind == site_kind else -1
        return -1


class RateBook:
    """Every rate, loaded once (the table is small), with a cache per (night, site, payer)."""

    def __init__(self, rules: list[RateRule]) -> None:
        self.rules = rules
        self._cache: dict[tuple[dt.date, int, str, int | None], RateRule | None] = {}

    @classmethod
    def load(cls, session: Session) -> RateBook:
        rows = session.scalars(select(Rate).order_by(Rate.id))
        return cls(
            [
                RateRule(
                    r.id,
                    r.amount,
                    r.currency,
                    r.valid_from,
                    r.valid_to,
                    r.site_kind,
                    r.site_id,
                    r.payer_id,
                )
                for r in rows
            ]
        )

    def find(
        self, night: dt.date, site_id: int, site_kind: str, payer_id: int | None
    ) -> RateRule | None:
        key = (night, site_id, site_kind, payer_id)
        if key in self._cache:
            return self._cache[key]
        best: RateRule | None = None
        best_key: tuple[int, dt.date, int] | None = None
        for rule in self.rules:
            level = rule.level(night, site_id, site_kind, payer_id)
            if level < 0:
                continue
            rank = (level, rule.valid_from, rule.id)
            if best_key is None or rank > best_key:
                best, best_key = rule, rank
        self._cache[key] = best
        return best


def rule_statement(night: Any, site_id: Any, site_kind: Any, payer_id: Any) -> Select[Any]:
    """The rule `RateBook.find` picks, as a query to correlate with the rows of a long export
    (add the columns wanted): valid that night, for its site or site kind and for its payer or
    anyone, the most specific first (site+payer > site > site kind+payer > site kind), then the
    latest start, then the newest. Looked up by the database, once per row that needs it."""
    level = case((Rate.site_id.is_not(None), 2), else_=0) + case(
        (Rate.payer_id.is_not(None), 1), else_=0
    )
    return (
        select()
        .where(
            Rate.valid_from <= night,
            or_(Rate.valid_to.is_(None), Rate.valid_to >= night),
            or_(Rate.payer_id.is_(None), Rate.payer_id == payer_id),
            or_(Rate.site_id == site_id, and_(Rate.site_id.is_(None), Rate.site_kind == site_kind)),
        )
        .order_by(level.desc(), Rate.valid_from.desc(), Rate.id.desc())
        .limit(1)
    )


def set_rate(
    session: Session,
    *,
    amount: int,
    currency: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    site_kind: str | None = None,
    site: str | None = None,
    payer: str | None = None,
    actor: str,
) -> Rate:
    require(session, Right.RATES)
    if amount < 0:
        raise BadInput(_("a rate must not be negative"))
    if valid_to is not None and valid_to < valid_from:
        raise BadInput(
            _("the rate ends ({valid_to}) before it starts ({valid_from})").format(
                valid_to=valid_to, valid_from=valid_from
            )
        )
    if bool(site_kind) == bool(site):
        raise BadInput(_("a rate is for a site kind or for one site: give exactly one"))
    if site_kind and site_kind not in SITE_KINDS:
        raise BadInput(
            _("unknown site kind {site_kind!r} (use {value})").format(
                site_kind=site_kind, value=" or ".join(SITE_KINDS)
            )
        )
    site_id = site_id_named(session, site)
    payer_row = find_payer(session, payer) if payer else None
    rate = Rate(
        amount=amount,
        currency=currency,
        valid_from=valid_from,
        valid_to=valid_to,
        site_kind=site_kind or None,
        site_id=site_id,
        payer_id=payer_row.id if payer_row else None,
    )
    session.add(rate)
    session.flush()
    audit.record(
        session,
        actor,
        "set_rate",
        f"rate:{rate.id}",
        amount=amount,
        currency=currency,
        valid_from=valid_from,
        valid_to=valid_to,
        site_kind=site_kind,
        site=site,
        payer=payer_row.name if payer_row else None,
    )
    return rate


@dataclass(frozen=True)
class RateLine:
    id: int
    amount: int
    currency: str
    valid_from: dt.date
    valid_to: dt.date | None
    applies_to: str  # "site kind shelter" or "site Hvilan"
    payer: str


def list_rates(session: Session) -> list[RateLine]:
    require(session, Right.BILLING)
    stmt = (
        select(Rate, Site.name, Payer.name)
        .outerjoin(Site, Site.id == Rate.site_id)
        .outerjoin(Payer, Payer.id == Rate.payer_id)
        .order_by(Rate.valid_from, Rate.id)
    )
    return [
        RateLine(
            rate.id,
            rate.amount,
            rate.currency,
            rate.valid_from,
            rate.valid_to,
            applies_to(site, rate.site_kind),
            payer or "",
        )
        for rate, site, payer in session.execute(stmt)
    ]

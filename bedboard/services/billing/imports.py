"""Payers and rates from CSV files: every row or none (one transaction), errors name the file
and line, and importing the same file again changes nothing.

    payers: name,kind[,org_number,address,contact]
    rates:  amount,valid_from,site_kind,site,payer[,valid_to,currency]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bedboard.db.models import SITE_KINDS, Payer, Rate, Site
from bedboard.errors import BadInput, BedboardError
from bedboard.i18n import _
from bedboard.services.billing.payers import check_kind, clean_field
from bedboard.services.clock import parse_night
from bedboard.services.csvio import line_of, read_csv
from bedboard.services.money import parse_amount
from bedboard.services.safety import audit
from bedboard.services.staff.access import require
from bedboard.services.staff.rights import Right

PAYER_COLUMNS = ("name", "kind")
PAYER_OPTIONAL = ("org_number", "address", "contact")
RATE_COLUMNS = ("amount", "valid_from", "site_kind", "site", "payer")


def _at(where: str, exc: BedboardError) -> BadInput:
    return BadInput(f"{where}: {exc}")


@dataclass(frozen=True)
class PayerRow:
    line: int
    name: str
    kind: str
    fields: dict[str, str]  # only the optional columns the file has


def parse_payers(path: Path | str) -> list[PayerRow]:
    rows: list[PayerRow] = []
    seen: dict[str, int] = {}
    for line, r in read_csv(path, PAYER_COLUMNS):
        where = line_of(path, line)
        try:
            name = clean_field("name", r["name"])
            if not name:
                raise BadInput(_("the payer name is empty"))
            kind = check_kind(r["kind"])
            fields = {f: clean_field(f, r[f]) for f in PAYER_OPTIONAL if f in r}
        except BadInput as exc:
            raise _at(where, exc) from None
        if name in seen:
            raise BadInput(
                _("{where}: payer {name!r} already on line {seen}").format(
                    where=where, name=name, seen=seen[name]
                )
            )
        seen[name] = line
        rows.append(PayerRow(line, name, kind, fields))
    if not rows:
        raise BadInput(_("{path}: no payers in the file").format(path=path))
    return rows


def import_payers(session: Session, rows: list[PayerRow], *, actor: str) -> tuple[int, int]:
    """Add new payers, update changed ones; returns (added, updated)."""
    require(session, Right.PAYERS)
    existing = {p.name: p for p in session.scalars(select(Payer))}
    added = updated = 0
    for row in rows:
        payer = existing.get(row.name)
        if payer is None:
            session.add(
                Payer(
                    name=row.name,
                    kind=row.kind,
                    active=True,
                    **{f: row.fields.get(f, "") for f in PAYER_OPTIONAL},
                )
            )
            added += 1
            continue
        wanted = {"kind": row.kind, **row.fields}
        if any(getattr(payer, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(payer, k, v)
            updated += 1
    session.flush()
    if added or updated:
        audit.record(session, actor, "import_payers", "payers", added=added, updated=updated)
    return added, updated


@dataclass(frozen=True)
class RateRow:
    line: int
    amount: int
    valid_from: dt.date
    valid_to: dt.date | None
    site_kind: str | None
    site: str | None
    payer: str | None
    currency: str | None


def parse_rates(path: Path | str) -> list[RateRow]:
    rows: list[RateRow] = []
    for line, r in read_csv(path, RATE_COLUMNS):
        where = line_of(path, line)
        try:
            amount = parse_amount(r["amount"])
            first = parse_night(r["valid_from"], "valid_from")
            last = parse_night(r["valid_to"], "valid_to") if r.get("valid_to") else None
            if last is not None and last < first:
                raise BadInput(
                    _("valid_to {last} is before valid_from {first}").format(last=last, first=first)
                )
            if bool(r["site_kind"]) == bool(r["site"]):
                raise BadInput(_("give either site_kind or site (exactly one)"))
            if r["site_kind"] and r["site_kind"] not in SITE_KINDS:
                raise BadInput(_("unknown site kind {kind!r}").format(kind=r["site_kind"]))
            currency = r.get("currency") or None
            if currency is not None and (len(currency) != 3 or not currency.isalpha()):
                raise BadInput(
                    _("currency {currency!r} is not a three-letter code like SEK").format(
                        currency=currency
                    )
                )
        except BadInput as exc:
            raise _at(where, exc) from None
        rows.append(
            RateRow(
                line,
                amount,
                first,
                last,
                r["site_kind"] or None,
                r["site"] or None,
                r["payer"] or None,
                currency.upper() if currency else None,
            )
        )
    if not rows:
        raise BadInput(_("{path}: no rates in the file").format(path=path))
    return rows


def import_rates(
    session: Session, rows: list[RateRow], *, currency: str, actor: str, path: str = ""
) -> int:
    """Add each rate unless the very same rate exists already; returns how many were added."""
    require(session, Right.RATES)
    sites = {a: b for a, b in session.execute(select(Site.name, Site.id))}
    payers = {a: b for a, b in session.execute(select(Payer.name, Payer.id))}
    existing = {
        (r.amount, r.currency, r.valid_from, r.valid_to, r.site_kind, r.site_id, r.payer_id)
        for r in session.scalars(select(Rate))
    }
    added = 0
    for row in rows:
        where = line_of(path, row.line)
        site_id = sites.get(row.site) if row.site else None
        if row.site and site_id is None:
            raise BadInput(_("{where}: no site named {site!r}").format(where=where, site=row.site))
        payer_id = payers.get(row.payer) if row.payer else None
        if row.payer and payer_id is None:
            raise BadInput(
                _("{where}: no payer named {payer!r}").format(where=where, payer=row.payer)
            )
        key = (
            row.amount,
            row.currency or currency,
            row.valid_from,
            row.valid_to,
            row.site_kind,
            site_id,
            payer_id,
        )
        if key in existing:
            continue
        existing.add(key)
        session.add(
            Rate(
                amount=row.amount,
                currency=key[1],
                valid_from=row.valid_from,
                valid_to=row.valid_to,
                site_kind=row.site_kind,
                site_id=site_id,
                payer_id=payer_id,
            )
        )
        added += 1
    session.flush()
    if added:
        audit.record(session, actor, "import_rates", "rates", added=added)
    return added

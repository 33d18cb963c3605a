"""Amounts typed by people ("450.00", "450,00", "-450", "12.5") to integer minor units (öre),
exactly: Decimal, never float; more than two decimals, exponents, thousands separators and
absurd sizes are refused. A comma is the decimal separator in Swedish, so it is one here too."""

from __future__ import annotations

import re
from decimal import Decimal

from bedboard.errors import BadInput

# Below PostgreSQL's 32-bit INTEGER and far above any night's price or correction.
MAX_AMOUNT_MINOR = 10_000_000_00  # 10 million in major units
_AMOUNT = re.compile(r"[+-]?\d{1,12}([.,]\d{1,2})?")


def parse_amount(text: str, *, allow_negative: bool = False, what: str = "amount") -> int:
    cleaned = str(text).strip()
    if not _AMOUNT.fullmatch(cleaned):
        raise BadInput(
            f"{what} {text!r} is not an amount like 450.00 (digits, at most two decimals, "
            "a point or a comma as decimal separator)"
        )
    minor = int(Decimal(cleaned.replace(",", ".")) * 100)
    if minor < 0 and not allow_negative:
        raise BadInput(f"{what} {text!r} must not be negative")
    if abs(minor) > MAX_AMOUNT_MINOR:
        raise BadInput(f"{what} {text!r} is too large (at most {MAX_AMOUNT_MINOR // 100}.00)")
    return minor

"""Money as integer minor units (öre): amounts typed by people ("450.00", "450,00", "-450",
"12.5") read exactly (Decimal, never float; more than two decimals, exponents, thousands
separators and absurd sizes are refused; a comma is the decimal separator in Swedish, so it is
one here too), and written back as a decimal string with two places for files and screens."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

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


@lru_cache(maxsize=4096)  # a few rates repeat over millions of exported nights
def money(minor: int | None) -> str:
    """Integer minor units as a decimal string with two places: 45000 -> '450.00'."""
    if minor is None:
        return ""
    sign = "-" if minor < 0 else ""
    whole, cents = divmod(abs(minor), 100)
    return f"{sign}{whole}.{cents:02d}"

"""Money as integer minor units (öre): amounts typed by people read exactly (Decimal, never
float), and written back as a decimal string with two places for files and screens.

One parser for every place an amount comes in (command options, forms, imported files), so
"450.00" and the Swedish "450,00" mean the same everywhere. Also taken: a sign (also the
minus sign "−" that Swedish number formats print), and thousands grouped by spaces as
Swedish writes them ("1 950,00", with a plain, no-break or narrow no-break space). Refused:
more than two decimals, exponents, a point or comma as a thousands separator ("1,950.00" is
ambiguous), and absurd sizes.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from bedboard.errors import BadInput
from bedboard.i18n import _

# Below PostgreSQL's 32-bit INTEGER and far above any night's price or correction.
MAX_AMOUNT_MINOR = 10_000_000_00  # 10 million in major units
_AMOUNT = re.compile(
    r"(?P<sign>[+-]?)(?P<whole>\d{1,12}|\d{1,3}(?: \d{3})+)(?:[.,](?P<cents>\d{1,2}))?"
)
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2212": "-"})


def parse_amount(text: str, *, allow_negative: bool = False, what: str | None = None) -> int:
    """`text` as minor units; `what` names the amount in a refusal ("the rate")."""
    named = what or _("amount")
    cleaned = str(text).strip().translate(_SPACES)
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise BadInput(
            _(
                "{what} {text!r} is not an amount like 450,00 or 450.00 "
                "(digits, at most two decimals)"
            ).format(what=named, text=text)
        )
    whole = match["whole"].replace(" ", "")
    minor = int(Decimal(f"{match['sign']}{whole}.{match['cents'] or '0'}") * 100)
    if minor < 0 and not allow_negative:
        raise BadInput(_("{what} {text!r} must not be negative").format(what=named, text=text))
    if abs(minor) > MAX_AMOUNT_MINOR:
        raise BadInput(
            _("{what} {text!r} is too large (at most {limit})").format(
                what=named, text=text, limit=f"{MAX_AMOUNT_MINOR // 100}.00"
            )
        )
    return minor


@lru_cache(maxsize=4096)  # a few rates repeat over millions of exported nights
def money(minor: int | None) -> str:
    """Integer minor units as a decimal string with two places: 45000 -> '450.00'."""
    if minor is None:
        return ""
    sign = "-" if minor < 0 else ""
    whole, cents = divmod(abs(minor), 100)
    return f"{sign}{whole}.{cents:02d}"

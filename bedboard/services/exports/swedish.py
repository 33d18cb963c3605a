"""Money and dates as a Swedish reader expects them on paper (`1 950,00 kr`, `30 nov 2026`),
by Babel's Swedish locale data. Machine files (CSV) keep the machine format of csvio.money."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import get_month_names
from babel.numbers import format_currency

LOCALE = "sv_SE"


def amount_text(minor: int, currency: str = "SEK") -> str:
    """Integer minor units as `1 950,00 kr` (a no-break space groups thousands)."""
    return format_currency(Decimal(minor) / 100, currency, locale=LOCALE)


def date_text(day: dt.date) -> str:
    """`30 nov 2026`: Babel's abbreviated Swedish month, without the abbreviation's point."""
    month = get_month_names("abbreviated", locale=LOCALE)[day.month].rstrip(".")
    return f"{day.day} {month} {day.year}"


def span_text(first: dt.date, last: dt.date) -> str:
    return date_text(first) if first == last else f"{date_text(first)} – {date_text(last)}"

"""Dates, times and amounts as people read them, in the current language, from Babel's locale
data (CLDR): `1 950,00 kr`, `mån 30 nov`, `30 nov 2026`, `07:30` in Swedish; `SEK 1,950.00`,
`Mon 30 Nov`, `30 Nov 2026`, `07:30` in English (British usage: 24-hour times).

For the board and for printed documents (PDFs) only. CSV files keep the machine formats
(`450.00`, `2026-11-27`) in every language, and xlsx cells carry typed values instead.
Swedish tables write abbreviations without CLDR's period ("nov", not "nov."), as on a
Swedish calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal

from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal

from bedboard.i18n import current_language

LOCALES = {"sv": "sv_SE", "en": "en_GB"}


def _locale() -> str:
    return LOCALES.get(current_language(), "en_GB")


def _plain(text: str) -> str:
    return text.replace(".", "") if current_language() == "sv" else text


def money(minor: int | None, currency: str | None = "SEK") -> str:
    """Integer minor units as an amount with its currency: 195000 -> '1 950,00 kr'."""
    if minor is None:
        return ""
    return format_currency(Decimal(minor) / 100, currency or "SEK", locale=_locale())


def money_text(minor: int, currency: str | None = "SEK") -> str:
    """An amount in a line of text (the CLI's messages): '1 950,00 kr' in Swedish, from Babel;
    in English the amount as DESIGN.md writes it, with its code: '1950.00 SEK'."""
    if current_language() == "sv":
        return money(minor, currency)
    return f"{Decimal(minor) / 100:.2f} {currency or 'SEK'}"


def money_sum(
    amounts: Mapping[str, int], currency: str = "SEK", each: Callable[[int, str], str] = money
) -> str:
    """Each currency's sum (`1 950,00 kr + 30,00 EUR`), or none of `currency`."""
    if not amounts:
        return each(0, currency)
    return " + ".join(each(v, c) for c, v in sorted(amounts.items()))


def amount(minor: int | None) -> str:
    """Minor units as a number with two decimals, for a column that names its currency:
    195000 -> '1 950,00' / '1,950.00'."""
    if minor is None:
        return ""
    return format_decimal(Decimal(minor) / 100, "#,##0.00", locale=_locale())


def number(value: float | Decimal, pattern: str = "#,##0.##") -> str:
    return format_decimal(value, pattern, locale=_locale())


def _date_text(pattern: str) -> Callable[[dt.date], str]:
    """A formatter of dates in a CLDR `pattern`, in the current language."""

    def text(day: dt.date) -> str:
        return _plain(format_date(day, pattern, locale=_locale()))

    return text


# Each as Swedish / English write it.
night_short = _date_text("EEE d MMM")  # 'mån 30 nov' / 'Mon 30 Nov'
night_long = _date_text("EEE d MMM y")  # 'mån 30 nov 2026' / 'Mon 30 Nov 2026'
date_medium = _date_text("d MMM y")  # '30 nov 2026' / '30 Nov 2026'
day_month = _date_text("d MMM")  # '30 nov' / '30 Nov'
month_year = _date_text("MMM yy")  # 'nov 26' / 'Nov 26' (chart labels)
day_weekday = _date_text("d EEE")  # '30 mån' / '30 Mon' (rack columns)


def clock(moment: dt.datetime | dt.time) -> str:
    """24-hour time: '07:30'."""
    return format_time(moment, "HH:mm", locale=_locale())


def clock_seconds(moment: dt.datetime | dt.time) -> str:
    """24-hour time with seconds, for 'no answer since 19:05:12'."""
    return format_time(moment, "HH:mm:ss", locale=_locale())


def stamp(moment: dt.datetime) -> str:
    """'30 nov 2026 19:05': a date and a 24-hour time, for the history of changes."""
    return f"{date_medium(moment.date())} {clock(moment)}"

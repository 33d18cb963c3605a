"""What intake accepts as a person's name, languages and needs. A name is kept as typed (quotes,
accents and right-to-left scripts are names too), but symbols, emoji and invisible control
characters are refused: a bidi override or a control character would make the name look like
something else wherever it is shown, and a symbol is never part of a real name."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from bedboard.errors import BadInput
from bedboard.i18n import _
from bedboard.states import Gender, values

MAX_NAME = 300  # the column's length
MAX_NOTES = 2000
NEEDS = ("women_only", "children", "accessible")
GENDERS = values(Gender)
EARLIEST_BIRTH_YEAR = 1900
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def clean_name(name: str) -> str:
    name = unicodedata.normalize("NFC", name.strip())
    if not name:
        raise BadInput(_("a name cannot be empty; leave it out instead"))
    if len(name) > MAX_NAME:
        raise BadInput(_("a name is at most {limit} characters").format(limit=MAX_NAME))
    for ch in name:
        category = unicodedata.category(ch)
        if category[0] in "SC" or (category[0] == "Z" and ch != " "):
            raise BadInput(
                _(
                    "a name holds letters, digits, spaces and punctuation only, "
                    "not {char} (U+{point:04X})"
                ).format(char=unicodedata.name(ch, "an invisible character"), point=ord(ch))
            )
    return name


def clean_birth_year(year: int, today: dt.date | None = None) -> int:
    this_year = (today or dt.date.today()).year
    if year > this_year:
        raise BadInput(
            _("birth year {year} is in the future (it is {now} now)").format(
                year=year, now=this_year
            )
        )
    if year < EARLIEST_BIRTH_YEAR:
        raise BadInput(
            _("birth year {year} is before {first}").format(year=year, first=EARLIEST_BIRTH_YEAR)
        )
    return year


def split_list(text: str) -> list[str]:
    return [p.strip().lower() for p in re.split(r"[,;]", text) if p.strip()]


def clean_languages(text: str) -> str:
    """`sv,ro` -> `ro,sv`: two- or three-letter language codes, sorted, no repeats."""
    codes = split_list(text)
    bad = [c for c in codes if not _LANGUAGE.match(c)]
    if bad:
        raise BadInput(
            _("language {code!r} should be a two- or three-letter code like sv or ro").format(
                code=bad[0]
            )
        )
    return ",".join(sorted(set(codes)))


def clean_needs(text: str) -> str:
    """`women_only,children` -> `children;women_only` (stored like unit tags: sorted, ';')."""
    needs = split_list(text)
    bad = [n for n in needs if n not in NEEDS]
    if bad:
        raise BadInput(
            _("unknown need {need!r} (use {known})").format(need=bad[0], known=", ".join(NEEDS))
        )
    return ";".join(sorted(set(needs)))


def clean_gender(text: str) -> str:
    gender = text.strip().lower()
    if gender not in GENDERS:
        raise BadInput(
            _("gender is one of {known}, not {given!r}").format(
                known=", ".join(GENDERS), given=text
            )
        )
    return gender


def clean_notes(text: str) -> str:
    text = text.strip()
    if len(text) > MAX_NOTES:
        raise BadInput(_("notes are at most {limit} characters").format(limit=MAX_NOTES))
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        raise BadInput(_("notes cannot hold control characters"))
    return text

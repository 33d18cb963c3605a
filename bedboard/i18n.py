"""The language people read: Swedish or English, chosen once per process.

Every text a person reads goes through `_()` (or `ngettext()` for counts). The language comes
from BEDBOARD_LANG, else the config file's `language`, else the locale (`sv_*` gives Swedish),
else English; `use_language` switches it (the board's language key, tests). Catalogs live in
`bedboard/locale/` (`make messages`; the .mo files are compiled by the build); a missing
catalog falls back to the English text in the code, so a message is never lost.

A text defined before the language is known (a class attribute such as a key binding's
description or a column title) is marked with `N_()`, which only marks it for the catalog,
and translated with `_()` where it is shown, so a switch of language reaches it too.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

LANGUAGES = ("en", "sv")
DOMAIN = "bedboard"
LOCALE_DIR = Path(__file__).parent / "locale"

_translation: gettext.NullTranslations | None = None
_language: str | None = None


def language_from_environment() -> str:
    wanted = os.environ.get("BEDBOARD_LANG", "")
    if wanted[:2].lower() in LANGUAGES:
        return wanted[:2].lower()
    from bedboard.config import configured_language  # config's own messages use _()

    configured = configured_language()
    if configured:
        return configured
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "sv" if value.lower().startswith("sv") else "en"
    return "en"


def use_language(language: str | None) -> str:
    """Switch the process to `language` (None: from the environment); returns the one in use."""
    global _translation, _language
    chosen = (language or language_from_environment())[:2].lower()
    if chosen not in LANGUAGES:
        chosen = "en"
    _language = chosen
    _translation = gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[chosen], fallback=True
    )
    return chosen


def current_language() -> str:
    if _language is None:
        use_language(None)
    assert _language is not None
    return _language


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it now; `_()` it where it shows."""
    return message


def N_ngettext(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair for the catalog, as N_() does for one text."""
    return singular, plural


def _(message: str) -> str:
    if _translation is None:
        use_language(None)
    assert _translation is not None
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if _translation is None:
        use_language(None)
    assert _translation is not None
    return _translation.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A text that reads differently by where it shows (a 6-column rack cell, a full column)."""
    if _translation is None:
        use_language(None)
    assert _translation is not None
    return _translation.pgettext(context, message)

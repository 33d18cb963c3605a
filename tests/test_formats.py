"""Swedish and English formats come from Babel's locale data and follow the language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from bedboard import formats
from bedboard.i18n import use_language


@pytest.fixture
def swedish() -> Iterator[None]:
    use_language("sv")
    yield
    use_language("en")


def test_swedish_formats(swedish: None) -> None:
    nbsp = "\u00a0"
    assert formats.money(195000) == f"1{nbsp}950,00{nbsp}kr"
    assert formats.money(-45000) == f"-450,00{nbsp}kr"
    assert formats.night_short(dt.date(2026, 11, 30)) == "mån 30 nov"
    assert formats.night_long(dt.date(2026, 11, 30)) == "mån 30 nov 2026"
    assert formats.date_medium(dt.date(2026, 11, 30)) == "30 nov 2026"
    assert formats.clock(dt.datetime(2026, 11, 30, 19, 5)) == "19:05"
    assert formats.clock(dt.time(7, 30)) == "07:30"


def test_english_formats() -> None:
    use_language("en")
    assert formats.money(195000) == "SEK1,950.00"
    assert formats.night_short(dt.date(2026, 11, 30)) == "Mon 30 Nov"
    assert formats.clock(dt.datetime(2026, 11, 30, 19, 5)) == "19:05"

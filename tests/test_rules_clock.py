"""The current night honours the rollover hour: before it, staff are still in yesterday's night."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bedboard.config import Settings, load_settings
from bedboard.errors import BadInput
from bedboard.services.clock import current_night, night_range, nights, parse_night
from bedboard.store import Store

D27 = dt.date(2026, 11, 27)
D28 = dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (dt.datetime(2026, 11, 28, 3, 0), D27),  # 03:00 on the 28th: still the night of the 27th
        (dt.datetime(2026, 11, 28, 0, 0), D27),
        (dt.datetime(2026, 11, 28, 11, 59, 59), D27),
        (dt.datetime(2026, 11, 28, 12, 0), D28),  # the rollover hour itself starts the new night
        (dt.datetime(2026, 11, 27, 23, 59), D27),
        (dt.datetime(2026, 11, 27, 18, 0), D27),
        (dt.datetime(2027, 1, 1, 2, 0), dt.date(2026, 12, 31)),  # across a year
        (dt.datetime(2028, 3, 1, 4, 0), dt.date(2028, 2, 29)),  # across a leap day
    ],
)
def test_default_rollover_is_noon(now: dt.datetime, expected: dt.date) -> None:
    assert current_night(12, now) == expected


def test_other_rollover_hours() -> None:
    at_0630 = dt.datetime(2026, 11, 28, 6, 30)
    assert current_night(6, at_0630) == D28
    assert current_night(7, at_0630) == D27
    assert current_night(0, dt.datetime(2026, 11, 28, 0, 0)) == D28  # 0: the calendar date


def test_store_tonight_uses_the_settings() -> None:
    store = Store(Settings(db="unused", user="t", rollover_hour=6), engine=None)  # type: ignore[arg-type]
    assert store.tonight(dt.datetime(2026, 11, 28, 5, 0)) == D27
    assert store.tonight(dt.datetime(2026, 11, 28, 6, 0)) == D28


def test_without_now_it_uses_the_local_clock() -> None:
    today = dt.date.today()
    assert current_night(0) == today
    assert current_night(23) in {today, today - dt.timedelta(days=1)}


def test_rollover_hour_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("BEDBOARD_ROLLOVER_HOUR", "9")
    assert load_settings(db="x", user="u").rollover_hour == 9
    for bad in ("24", "-1", "noon"):
        monkeypatch.setenv("BEDBOARD_ROLLOVER_HOUR", bad)
        with pytest.raises(BadInput, match="rollover hour"):
            load_settings(db="x", user="u")


def test_night_helpers() -> None:
    assert nights(D27, 3) == [D27, D28, dt.date(2026, 11, 29)]
    assert night_range(D27, D27) == [D27]
    with pytest.raises(BadInput):
        night_range(D28, D27)
    assert parse_night(" 2026-11-27 ") == D27
    with pytest.raises(BadInput, match="not a date"):
        parse_night("27/11/2026")


def test_user_name_must_fit_the_audit_log(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert load_settings(db="x", user=" natt ").user == "natt"
    for bad in ("u" * 101, "tab\there"):
        with pytest.raises(BadInput, match="user name"):
            load_settings(db="x", user=bad)

"""Time as the night shift sees it. A night is named by its evening's date; before the
rollover hour the staff are still working in yesterday's night."""

from __future__ import annotations

import datetime as dt

from bedboard.errors import BadInput

MAX_NIGHTS = 366


def utcnow() -> dt.datetime:
    """Naive UTC: how every timestamp is stored."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def local_time(utc: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) time as the wall clock here shows it (naive local)."""
    return utc.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)


def current_night(rollover_hour: int, now: dt.datetime | None = None) -> dt.date:
    local = now or dt.datetime.now()
    return local.date() - dt.timedelta(days=1) if local.hour < rollover_hour else local.date()


def parse_night(text: str, what: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"{what} {text!r} is not a date like 2026-11-27") from None


def nights(first: dt.date, count: int) -> list[dt.date]:
    try:
        return [first + dt.timedelta(days=i) for i in range(count)]
    except OverflowError:
        raise BadInput(f"{count} nights from {first} run past the end of the calendar") from None


def night_range(first: dt.date, last: dt.date) -> list[dt.date]:
    if last < first:
        raise BadInput(f"the range ends ({last}) before it starts ({first})")
    if (last - first).days >= MAX_NIGHTS:
        raise BadInput(f"a range of nights can be at most {MAX_NIGHTS} nights long")
    return nights(first, (last - first).days + 1)


MAX_PERIOD_NIGHTS = MAX_NIGHTS * 5  # exports and reports: five years of evidence


def check_period(first: dt.date, last: dt.date) -> None:
    """A period of nights that an export or report covers, both ends included."""
    if last < first:
        raise BadInput(f"the period ends ({last}) before it starts ({first})")
    if (last - first).days >= MAX_PERIOD_NIGHTS:
        raise BadInput(f"a period can be at most {MAX_PERIOD_NIGHTS} nights")


def check_night_count(count: int) -> None:
    if not 1 <= count <= MAX_NIGHTS:
        raise BadInput(f"nights must be from 1 to {MAX_NIGHTS}, not {count}")


def iso_week(night: dt.date) -> str:
    """'2026-W48': the ISO year can differ from the calendar year around New Year."""
    year, week, _ = night.isocalendar()
    return f"{year}-W{week:02d}"

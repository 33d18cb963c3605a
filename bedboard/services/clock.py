"""Time as the night shift sees it. A night is named by its evening's date; before the
rollover hour the staff are still working in yesterday's night."""

from __future__ import annotations

import datetime as dt

from bedboard.errors import BadInput
from bedboard.i18n import _

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
        raise BadInput(
            _("{what} {text!r} is not a date like 2026-11-27").format(what=what, text=text)
        ) from None


def nights(first: dt.date, count: int) -> list[dt.date]:
    try:
        return [first + dt.timedelta(days=i) for i in range(count)]
    except OverflowError:
        raise BadInput(
            _("{count} nights from {first} run past the end of the calendar").format(
                count=count, first=first
            )
        ) from None


def _check_span(first: dt.date, last: dt.date, most: int, backwards: str, long: str) -> None:
    """First night not after the last, at most `most` nights: `backwards` and `long` are the
    refusals, the first with {first} and {last} to fill in."""
    if last < first:
        raise BadInput(backwards.format(last=last, first=first))
    if (last - first).days >= most:
        raise BadInput(long)


def night_range(first: dt.date, last: dt.date) -> list[dt.date]:
    backwards = _("the range ends ({last}) before it starts ({first})")
    long = _("a range of nights can be at most {MAX_NIGHTS} nights long")
    _check_span(first, last, MAX_NIGHTS, backwards, long.format(MAX_NIGHTS=MAX_NIGHTS))
    return nights(first, (last - first).days + 1)


MAX_PERIOD_NIGHTS = MAX_NIGHTS * 5  # exports and reports: five years of evidence


def check_period(first: dt.date, last: dt.date) -> None:
    """A period of nights that an export or report covers, both ends included."""
    backwards = _("the period ends ({last}) before it starts ({first})")
    long = _("a period can be at most {MAX_PERIOD_NIGHTS} nights")
    limit = long.format(MAX_PERIOD_NIGHTS=MAX_PERIOD_NIGHTS)
    _check_span(first, last, MAX_PERIOD_NIGHTS, backwards, limit)


def check_night_count(count: int) -> None:
    if not 1 <= count <= MAX_NIGHTS:
        raise BadInput(
            _("nights must be from 1 to {MAX_NIGHTS}, not {count}").format(
                MAX_NIGHTS=MAX_NIGHTS, count=count
            )
        )


def iso_week(night: dt.date) -> str:
    """'2026-W48': the ISO year can differ from the calendar year around New Year."""
    year, week, _ = night.isocalendar()
    return f"{year}-W{week:02d}"

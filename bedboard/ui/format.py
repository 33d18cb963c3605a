"""How a unit's night reads on screen. Pure functions: the tables and the detail line share
them, and they are easy to test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rich.text import Text

from bedboard.i18n import _
from bedboard.services.beds.availability import SiteCounts, UnitNight
from bedboard.ui import palette

STATE_LABELS = {
    "free": ("free", f"bold {palette.FREE}"),
    "occupied": ("occupied", ""),
    "held": ("held", f"bold {palette.HELD}"),
    "out_of_service": ("out", "dim"),
}
UNBILLED = "! no payer"
TAG_LABELS = {
    "women_only": "women only",
    "children_ok": "children",
    "accessible": "accessible",
}


def shifted(night: dt.date, days: int) -> dt.date | None:
    """`night` moved by `days`, or None past either end of the calendar (0001-01-01,
    9999-12-31), where a far date typed into the board can lead."""
    try:
        return night + dt.timedelta(days=days)
    except OverflowError:
        return None


def calendar_end(night: dt.date) -> str:
    return _("The calendar ends at {night}: there is no night beyond it.").format(night=night)


def night_title(night: dt.date, tonight: dt.date) -> str:
    when = night.strftime("%a %d %b %Y")
    if night == tonight:
        return f"Tonight · {when}"
    days = (night - tonight).days
    relative = f"{days} nights ahead" if days > 0 else f"{-days} nights ago"
    if days == 1:
        relative = "tomorrow night"
    if days == -1:
        relative = "last night"
    return f"{when} · {relative}"


def state_cell(u: UnitNight) -> Text:
    label, style = STATE_LABELS.get(u.status, (u.status, ""))
    return Text(label, style=style)


def nights_cell(u: UnitNight) -> str:
    """Night n of the visit, and how many it has: '3 of 5', counted across a move."""
    if u.status != "occupied" or u.visit_first is None or u.visit_last is None:
        return ""
    done = (u.night - u.visit_first).days + 1
    total = (u.visit_last - u.visit_first).days + 1
    return f"{done} of {total}"


def payer_cell(u: UnitNight) -> Text:
    if u.unbilled:
        return Text(UNBILLED, style=f"bold {palette.UNPAID}")
    return Text(u.payer)


def time_left(expires_at: dt.datetime | None, now: dt.datetime) -> str:
    """'1h05 left', '3 min left'; never '0 min left': under a minute says so, and a hold past
    its time says it expired (until the screen's reload at that moment shows the place free)."""
    if expires_at is None:
        return ""
    seconds = (expires_at - now).total_seconds()
    if seconds <= 0:
        return _("expired")
    minutes = int(seconds // 60)
    if minutes == 0:
        return _("<1 min left")
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d} left" if hours else f"{minutes} min left"


def note_cell(u: UnitNight, now: dt.datetime) -> str:
    if u.status == "held":
        left = time_left(u.hold_expires_at, now)
        return f"{left} · {u.held_for}" if u.held_for else left
    if u.status == "out_of_service":
        return u.reason
    return ""


def tags_text(tags: tuple[str, ...]) -> str:
    return ", ".join(
        TAG_LABELS.get(t, t.replace("language_", "speaks ").replace("_", " ")) for t in tags
    )


def unit_cells(u: UnitNight, now: dt.datetime) -> tuple[str | Text, ...]:
    return (
        u.ref,
        state_cell(u),
        u.guest_label,
        nights_cell(u),
        payer_cell(u),
        note_cell(u, now),
    )


def count_cell(value: int, style: str = "") -> Text:
    return Text(str(value) if value else "·", style=style if value else "dim", justify="right")


def site_cells(c: SiteCounts) -> tuple[str | Text, ...]:
    return (
        c.site,
        c.area,
        count_cell(c.capacity),
        count_cell(c.occupied),
        count_cell(c.held, palette.HELD),
        count_cell(c.free, f"bold {palette.FREE}"),
        count_cell(c.out_of_service),
        count_cell(c.unbilled, f"bold {palette.UNPAID}"),
    )


def detail_text(
    u: UnitNight, now: dt.datetime, local: Callable[[dt.datetime], dt.datetime] = lambda t: t
) -> str:
    kind = "host family" if u.site_kind == "host_family" else "shelter"
    room = f" · room {u.room}" if u.room else ""
    where = f"{u.ref} ({kind}, {u.area}{room})"
    tags = tags_text(u.tags)
    parts = [where]
    if tags:
        parts.append(tags)
    if u.status == "occupied":
        family = (
            f" (household of {u.household_head}, {u.household_size} people)"
            if u.household_size > 1
            else ""
        )
        stay = f"guest {u.guest_code}{family}, nights {u.visit_first} to {u.visit_last}"
        payer = f"paid by {u.payer}" if u.payer else "NO PAYER (unbilled)"
        ref = f" ref {u.payer_reference}" if u.payer_reference else ""
        parts.append(f"{stay}; {payer}{ref}")
    elif u.status == "held":
        until = f"{local(u.hold_expires_at):%H:%M}" if u.hold_expires_at else "?"
        parts.append(f"held until {until} ({time_left(u.hold_expires_at, now)}) {u.held_for}")
    elif u.status == "out_of_service":
        parts.append(f"out of service: {u.reason}")
    if u.posted:
        parts.append("night closed")
    return " · ".join(parts)

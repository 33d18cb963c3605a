"""How a unit's night reads on screen. Pure functions: the tables and the detail line share
them, and they are easy to test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from rich.text import Text

from bedboard import formats
from bedboard.i18n import N_, _, ngettext, pgettext
from bedboard.services.beds.availability import SiteCounts, UnitNight
from bedboard.ui import palette
from bedboard.words import needs_text

# Labels are N_() marked and translated where shown, so a change of language reaches them.
STATE_LABELS = {
    "free": (N_("free"), f"bold {palette.FREE}"),
    "occupied": (N_("occupied"), ""),
    "held": (N_("held"), f"bold {palette.HELD}"),
    "out_of_service": (N_("out"), "dim"),
}
UNBILLED = N_("! no payer")


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
    when = formats.night_long(night)
    if night == tonight:
        return _("Tonight · {when}").format(when=when)
    days = (night - tonight).days
    if days == 1:
        relative = _("tomorrow night")
    elif days == -1:
        relative = _("last night")
    elif days > 0:
        relative = ngettext("{n} night ahead", "{n} nights ahead", days).format(n=days)
    else:
        relative = ngettext("{n} night ago", "{n} nights ago", -days).format(n=-days)
    return f"{when} · {relative}"


def state_word(status: str) -> str:
    """A unit's state in a word of today's language: 'free', 'held', 'out of service'."""
    label = STATE_LABELS.get(status)
    return _(label[0]) if label else status.replace("_", " ")


def state_column_word(status: str) -> str:
    """The word in the places' State column, at most 8 characters in every language (Swedish
    "reserverad" would be cut there); the detail line and menus use the whole word."""
    words = {
        "free": pgettext("state", "free"),
        "occupied": pgettext("state", "occupied"),
        "held": pgettext("state", "held"),
        "out_of_service": pgettext("state", "out"),
    }
    return words.get(status, status.replace("_", " "))


def state_cell(u: UnitNight) -> Text:
    _label, style = STATE_LABELS.get(u.status, (u.status, ""))
    return Text(state_column_word(u.status), style=style)


def nights_cell(u: UnitNight) -> str:
    """Night n of the visit, and how many it has: '3 of 5', counted across a move."""
    counted = _nights(u)
    return _nights_text(*counted) if counted else ""


def nights_cells(units: Iterable[UnitNight]) -> set[str]:
    """Every different nights cell among these units (each written once: a few hundred
    different ones among thousands of guests)."""
    return {_nights_text(*counted) for counted in {_nights(u) for u in units} if counted}


def _nights(u: UnitNight) -> tuple[int, int] | None:
    if u.status != "occupied" or u.visit_first is None or u.visit_last is None:
        return None
    return (u.night - u.visit_first).days + 1, (u.visit_last - u.visit_first).days + 1


def _nights_text(done: int, total: int) -> str:
    return _("{done} of {total}").format(done=done, total=total)


def payer_cell(u: UnitNight) -> Text:
    if u.unbilled:
        return Text(_(UNBILLED), style=f"bold {palette.UNPAID}")
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
    if hours:
        return _("{hours}h{minutes:02d} left").format(hours=hours, minutes=minutes)
    return _("{minutes} min left").format(minutes=minutes)


def note_cell(u: UnitNight, now: dt.datetime) -> str:
    if u.status == "held":
        left = time_left(u.hold_expires_at, now)
        return f"{left} · {u.held_for}" if u.held_for else left
    if u.status == "out_of_service":
        return u.reason
    return ""


def tags_text(tags: tuple[str, ...]) -> str:
    return needs_text(tags)


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
    kind = _("host family") if u.site_kind == "host_family" else _("shelter")
    room = " · " + _("room {room}").format(room=u.room) if u.room else ""
    where = f"{u.ref} ({kind}, {u.area}{room})"
    tags = tags_text(u.tags)
    parts = [where]
    if tags:
        parts.append(tags)
    if u.status == "occupied":
        family = (
            " "
            + _("(household of {head}, {size} people)").format(
                head=u.household_head, size=u.household_size
            )
            if u.household_size > 1
            else ""
        )
        first = formats.day_month(u.visit_first) if u.visit_first else "?"
        last = formats.day_month(u.visit_last) if u.visit_last else "?"
        stay = _("guest {code}{family}, nights {first} to {last}").format(
            code=u.guest_code, family=family, first=first, last=last
        )
        payer = _("paid by {payer}").format(payer=u.payer) if u.payer else _("NO PAYER (unbilled)")
        ref = " " + _("ref {reference}").format(reference=u.payer_reference)
        parts.append(f"{stay}; {payer}{ref if u.payer_reference else ''}")
    elif u.status == "held":
        until = formats.clock(local(u.hold_expires_at)) if u.hold_expires_at else "?"
        parts.append(
            _("held until {until} ({left}) {held_for}").format(
                until=until, left=time_left(u.hold_expires_at, now), held_for=u.held_for
            )
        )
    elif u.status == "out_of_service":
        parts.append(_("out of service: {reason}").format(reason=u.reason))
    if u.posted:
        parts.append(_("night closed"))
    return " · ".join(parts)

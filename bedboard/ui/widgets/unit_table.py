"""Every unit on the chosen night: state, guest code, night n of the stay, payer, note.

Drawn line by line (LineTable): the night's units stay in memory as they were read, and a row
becomes text only when it comes into view. Column widths follow the content and the terminal:
each column as wide as its longest value when there is room (the note takes what is left, so
a wide terminal shows long notes whole); on a narrow one the least informative parts give way
first - the middle of a site name, the start of a payer's name - and the note keeps enough to
say how long a hold has left and for whom.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding

from bedboard.i18n import N_, _
from bedboard.services.beds.availability import UnitNight
from bedboard.ui.format import UNBILLED, nights_cells, note_cell, unit_cells
from bedboard.ui.shorten import ELLIPSIS, keep_end, unit_ref, widest
from bedboard.ui.widgets.line_table import PADDING, Cell, Column, LineTable

GUEST_CAP = 16  # beyond this a code is cut, keeping its end
NIGHTS_CAP = 12
PAYER_CAP = 32
STATE_WIDTH = 8  # "occupied"
# How narrow a column may get before the next one gives way, in the order they give way.
GIVE_WAY = (
    ("note", 20),
    ("unit", 16),
    ("payer", 14),
    ("note", 14),
    ("guest", 8),
    ("unit", 10),
    ("payer", 10),
    ("note", 6),
    ("unit", 6),
)


def unit_key(u: UnitNight) -> str:
    return f"unit:{u.unit_id}"


def keep_start(text: str, width: int) -> str:
    """A note reads from its start: `1h05 left · Anna from the…`."""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + ELLIPSIS[: max(0, width)]


def fit_widths(wanted: dict[str, int], least: dict[str, int], room: int) -> dict[str, int]:
    """Each column as wide as it wants; the note takes the room left. If the room is short,
    columns give way in GIVE_WAY's order, each down to its floor there, never below its
    header (`least`)."""
    widths = dict(wanted)
    widths["note"] = max(wanted["note"], room - sum(w for k, w in wanted.items() if k != "note"))
    for key, floor in GIVE_WAY:
        over = sum(widths.values()) - room
        if over <= 0:
            break
        if widths[key] > floor:
            widths[key] = max(least[key], floor, widths[key] - over)
    return widths


class UnitTable(LineTable):
    BINDINGS = [  # a list of places: Home and End go to the first and the last one
        Binding("enter", "select_cursor", N_("Actions"), id="actions"),
        Binding("home", "scroll_top", N_("First place"), show=False, id="units-first"),
        Binding("end", "scroll_bottom", N_("Last place"), show=False, id="units-last"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.now = dt.datetime.min
        self._wanted: dict[str, int] = {}

    def labels(self) -> dict[str, str]:
        return {
            "unit": _("Unit"),
            "state": _("State"),
            "guest": _("Guest"),
            "nights": _("Night"),
            "payer": _("Payer"),
            "note": _("Note"),
        }

    def on_mount(self) -> None:
        self.columns_changed()

    def show(self, units: Sequence[UnitNight], now: dt.datetime) -> int:
        """The night's units, in order. Only rows whose unit changed are drawn again, and the
        held ones when the time moved (their countdown)."""
        self._wanted = self._content_widths(units)
        self.columns_changed()
        ticked = now != self.now
        self.now = now
        rows = [(unit_key(u), u) for u in units]
        rebuilds = self.rebuilds
        changed = self.sync(rows)
        if ticked and self.rebuilds == rebuilds:
            for key, u in rows:
                if u.status == "held":
                    self.repaint_row(key)
        return changed

    def show_changes(self, units: Sequence[UnitNight], now: dt.datetime) -> int:
        """Some units changed (a live change): only their lines are drawn again, and the held
        ones when the time moved. Columns widen if a changed unit needs it; they narrow at
        the next whole `show`."""
        wanted = self._content_widths(units)
        if any(width > self._wanted.get(key, 0) for key, width in wanted.items()):
            self._wanted = {k: max(w, self._wanted.get(k, 0)) for k, w in wanted.items()}
            self.columns_changed()
        if now != self.now:
            self.now = now
            for key, value in self._values.items():
                if getattr(value, "status", "") == "held":
                    self.repaint_row(key)
        return self.update_rows([(unit_key(u), u) for u in units])

    def _content_widths(self, units: Sequence[UnitNight]) -> dict[str, int]:
        # In terminal cells: a Chinese code is twice as wide as its len().
        unbilled = any(u.unbilled for u in units)
        payers = widest(u.payer for u in units if not u.unbilled)
        notes = [note_cell(u, self.now) for u in units if u.status != "occupied"]
        return {
            "unit": widest(u.ref for u in units),
            "state": STATE_WIDTH,
            "guest": min(GUEST_CAP, widest(u.guest_label for u in units)),
            "nights": min(NIGHTS_CAP, widest(nights_cells(units))),
            "payer": min(PAYER_CAP, max(payers, cell_len(_(UNBILLED)) if unbilled else 0)),
            "note": widest(notes) + 2 if notes else 0,  # a countdown grows: "9 min" to "1h29"
        }

    def columns_changed(self) -> None:
        if not self.is_mounted:
            return
        labels = self.labels()
        least = {key: cell_len(label) for key, label in labels.items()}
        wanted = {key: max(least[key], self._wanted.get(key, 0)) for key in labels}
        # Two blanks between columns when everything fits so; one when that saves a cut.
        room = self.content_width - 2 * PADDING * len(labels)
        padding = PADDING
        if sum(wanted.values()) > room:
            room, padding = self.content_width - PADDING * len(labels), 0
        widths = fit_widths(wanted, least, room)
        columns = [Column(key, label, widths[key]) for key, label in labels.items()]
        self.set_columns(columns, padding)

    def cells(self, value: object) -> tuple[Cell, ...]:
        assert isinstance(value, UnitNight)
        ref, state, guest, nights, payer, note = unit_cells(value, self.now)
        w = {c.key: c.width for c in self.columns}
        if isinstance(payer, Text):
            # a payer's name keeps its end (what tells two apart); "! no payer" its start:
            # the "!" says it without colour
            fit = keep_start if value.unbilled else keep_end
            payer = Text(fit(payer.plain, w["payer"]), style=payer.style)
        return (
            unit_ref(str(ref), w["unit"]),
            state,
            keep_end(str(guest), w["guest"]),
            keep_end(str(nights), w["nights"]),
            payer,
            keep_start(str(note), w["note"]),
        )

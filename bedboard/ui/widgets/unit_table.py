"""Every unit on the chosen night: state, guest code, night n of the stay, payer, note."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from textual.binding import Binding

from bedboard.services.beds.availability import UnitNight
from bedboard.ui.format import unit_cells
from bedboard.ui.widgets.keyed_table import KeyedTable


def unit_key(u: UnitNight) -> str:
    return f"unit:{u.unit_id}"


class UnitTable(KeyedTable):
    BINDINGS = [  # a list of places: Home and End go to the first and the last one
        Binding("enter", "select_cursor", "Actions", id="actions"),
        Binding("home", "scroll_top", show=False),
        Binding("end", "scroll_bottom", show=False),
    ]
    COLUMNS = (
        ("unit", "Unit", 24),
        ("state", "State", 8),
        ("guest", "Guest", 8),
        ("nights", "Night", 7),
        ("payer", "Payer", 14),
        ("note", "Note", 40),
    )

    def column_specs(self) -> Sequence[tuple[str, str, int | None]]:
        """Payer and note share what the terminal has beyond 80 columns (set once, at start)."""
        fixed = sum(width or 0 for key, _, width in self.COLUMNS if key not in ("payer", "note"))
        spare = self.app.size.width - fixed - 2 * len(self.COLUMNS) - 2  # padding, scrollbar
        payer = min(28, max(14, spare * 2 // 5))
        note = max(40, spare - payer)
        widths = {"payer": payer, "note": note}
        return [(key, label, widths.get(key, width)) for key, label, width in self.COLUMNS]

    def show(self, units: list[UnitNight], now: dt.datetime) -> int:
        return self.sync([(unit_key(u), unit_cells(u, now)) for u in units])

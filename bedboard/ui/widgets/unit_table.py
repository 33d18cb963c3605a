"""Every unit on the chosen night: state, guest code, night n of the stay, payer, note."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from textual.binding import Binding
from textual.widgets.data_table import ColumnKey

from bedboard.services.beds.availability import UnitNight
from bedboard.ui.format import unit_cells
from bedboard.ui.shorten import content_width, keep_end, unit_ref
from bedboard.ui.widgets.keyed_table import KeyedTable

GUEST_CAP = 16  # beyond this a code is cut, keeping its end
NIGHTS_CAP = 12


def unit_key(u: UnitNight) -> str:
    return f"unit:{u.unit_id}"


class UnitTable(KeyedTable):
    BINDINGS = [  # a list of places: Home and End go to the first and the last one
        Binding("enter", "select_cursor", "Actions", id="actions"),
        Binding("home", "scroll_top", "First place", show=False, id="units-first"),
        Binding("end", "scroll_bottom", "Last place", show=False, id="units-last"),
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
        rows = [(unit_key(u), unit_cells(u, now)) for u in units]
        guest = self._fit("guest", (str(cells[2]) for _, cells in rows), GUEST_CAP)
        self._fit("nights", (str(cells[3]) for _, cells in rows), NIGHTS_CAP)
        unit = self.columns[ColumnKey("unit")].width
        return self.sync(
            [
                (
                    key,
                    (
                        unit_ref(str(cells[0]), unit),
                        cells[1],
                        keep_end(str(cells[2]), guest),
                        *cells[3:],
                    ),
                )
                for key, cells in rows
            ]
        )

    def _fit(self, key: str, values: Iterable[str], cap: int) -> int:
        """Widen (or narrow) a column to its content, so `11 of 15` and `KV-2026-1011` show
        whole; returns the width. Columns have fixed widths (see KeyedTable), set here."""
        column = self.columns[ColumnKey(key)]
        label = next(lbl for k, lbl, _ in self.COLUMNS if k == key)
        width = content_width(values, len(label), cap)
        if column.width != width:
            column.width = width
            self._require_update_dimensions = True
            self._clear_caches()
            self.refresh()
        return width

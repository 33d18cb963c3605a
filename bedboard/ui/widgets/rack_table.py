"""The rack: units down, nights across. A stay reads as a bar: the guest code on its first
night in view, then a line for as long as it lasts.

The unit column is as wide as the longest unit name, up to a third of the terminal; a wide
terminal also widens the nights, so longer guest codes show whole. Again after a resize."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.binding import Binding

from bedboard.services.beds.availability import UnitNight
from bedboard.services.beds.rack import Rack
from bedboard.ui import palette
from bedboard.ui.shorten import content_width, keep_end, unit_ref
from bedboard.ui.widgets.keyed_table import Cell, KeyedTable
from bedboard.ui.widgets.unit_table import unit_key
from bedboard.ui.widgets.widths import set_column_width

CELL_WIDTH = 6


def rack_cell(u: UnitNight | None, shown_first: dt.date, width: int = CELL_WIDTH) -> Cell:
    if u is None or u.status == "free":
        return Text("·", style=palette.FREE)
    if u.status == "held":
        return Text("held", style=f"bold {palette.HELD}")
    if u.status == "out_of_service":
        return Text("out", style="dim")
    style = f"bold {palette.UNPAID}" if u.unbilled else "bold"
    starts_here = u.first_night == u.night or u.night == shown_first
    if starts_here:
        return Text(keep_end(u.guest_code, width), style=style)
    return Text("━" * width, style=palette.UNPAID if u.unbilled else palette.STAY)


def night_label(night: dt.date) -> Text:
    return Text(night.strftime("%d %a")[:CELL_WIDTH], style="bold" if night.weekday() >= 5 else "")


class RackTable(KeyedTable):
    BINDINGS = [Binding("enter", "select_cursor", "Actions", id="actions")]
    UNIT_WIDTH = 20  # until the first rows show
    LEAST_UNIT = 12
    WIDEST_CELL = 14  # a long guest code, whole
    COLUMNS = (("unit", "Unit", UNIT_WIDTH),)

    def __init__(self, *, id: str | None = None, nights: int = 14) -> None:
        super().__init__(id=id, cursor="cell")
        self.night_count = nights
        self._rack: Rack | None = None

    def column_specs(self) -> Sequence[tuple[str, str, int | None]]:
        return [*self.COLUMNS, *((f"n{i}", "", CELL_WIDTH) for i in range(self.night_count))]

    def show(self, rack: Rack) -> int:
        self._rack = rack
        for i, night in enumerate(rack.nights):
            self.columns[self.ordered_columns[i + 1].key].label = night_label(night)
        first = rack.nights[0]
        unit, cell = self._fit(rack)
        rows = [
            (
                unit_key(u),
                (
                    unit_ref(u.ref, unit),
                    *(rack_cell(rack.cell(u.unit_id, n), first, cell) for n in rack.nights),
                ),
            )
            for u in rack.units
        ]
        changed = self.sync(rows)
        self.refresh()
        return changed

    def on_resize(self, _event: events.Resize) -> None:
        if self._rack is not None:
            self.show(self._rack)

    def _fit(self, rack: Rack) -> tuple[int, int]:
        """The unit column as wide as its longest name, up to a third of the terminal; a night
        as wide as the longest code shown (at least 6), while a week fits beside the units."""
        # the screen's width: the table itself is only as wide as its columns were
        total = self.screen.size.width if self.is_attached else self.app.size.width
        unit = content_width((u.ref for u in rack.units), len("Unit"), 60)
        unit = min(unit, max(self.LEAST_UNIT, total // 3))
        # the guest codes in view, read from the fetched rows (cells are made only when drawn)
        codes = content_width(
            (r.code or "" for r in rack.rows.values()), CELL_WIDTH, self.WIDEST_CELL
        )
        # widen the nights for whole codes only while a week still fits beside the units
        week = min(7, max(1, len(rack.nights)))
        room = (total - unit - 2 - 2) // week - 2  # padding of every column, a scrollbar
        cell = max(CELL_WIDTH, min(codes, room))
        set_column_width(self, "unit", unit)
        for column in self.ordered_columns[1:]:
            set_column_width(self, str(column.key.value), cell)
        return unit, cell

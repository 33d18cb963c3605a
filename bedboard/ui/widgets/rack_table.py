"""The rack: units down, nights across. A stay reads as a bar: the guest code on its first
night in view, then a line for as long as it lasts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding

from bedboard.services.beds.availability import UnitNight
from bedboard.services.beds.rack import Rack
from bedboard.ui import palette
from bedboard.ui.shorten import keep_end, unit_ref
from bedboard.ui.widgets.keyed_table import Cell, KeyedTable
from bedboard.ui.widgets.unit_table import unit_key

CELL_WIDTH = 6


def rack_cell(u: UnitNight | None, shown_first: dt.date) -> Cell:
    if u is None or u.status == "free":
        return Text("·", style=palette.FREE)
    if u.status == "held":
        return Text("held", style=f"bold {palette.HELD}")
    if u.status == "out_of_service":
        return Text("out", style="dim")
    style = f"bold {palette.UNPAID}" if u.unbilled else "bold"
    starts_here = u.first_night == u.night or u.night == shown_first
    if starts_here:
        return Text(keep_end(u.guest_code, CELL_WIDTH), style=style)
    return Text("━" * CELL_WIDTH, style=palette.UNPAID if u.unbilled else palette.STAY)


def night_label(night: dt.date) -> Text:
    return Text(night.strftime("%d %a")[:CELL_WIDTH], style="bold" if night.weekday() >= 5 else "")


class RackTable(KeyedTable):
    BINDINGS = [Binding("enter", "select_cursor", "Actions", id="actions")]
    UNIT_WIDTH = 20
    COLUMNS = (("unit", "Unit", UNIT_WIDTH),)

    def __init__(self, *, id: str | None = None, nights: int = 14) -> None:
        super().__init__(id=id, cursor="cell")
        self.night_count = nights

    def column_specs(self) -> Sequence[tuple[str, str, int | None]]:
        return [*self.COLUMNS, *((f"n{i}", "", CELL_WIDTH) for i in range(self.night_count))]

    def show(self, rack: Rack) -> int:
        for i, night in enumerate(rack.nights):
            self.columns[self.ordered_columns[i + 1].key].label = night_label(night)
        first = rack.nights[0]
        rows = [
            (
                unit_key(u),
                (
                    unit_ref(u.ref, self.UNIT_WIDTH),
                    *(rack_cell(rack.cell(u.unit_id, n), first) for n in rack.nights),
                ),
            )
            for u in rack.units
        ]
        changed = self.sync(rows)
        self.refresh()
        return changed

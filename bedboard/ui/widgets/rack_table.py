"""The rack: units down, nights across. A stay reads as a bar: the guest code on its first
night in view, then a line for as long as it lasts.

The unit column is as wide as the longest unit name, up to a third of the terminal; a wide
terminal also widens the nights, so longer guest codes show whole. Again after a resize.

A LineTable: 5,000 units by 14 nights are 70,000 cells, and only the screenful in view is ever
made into text. It draws the rack's grid (services/beds/rack_grid.py: each unit's nights as the
database packed them, made into cells only for the lines drawn; read before the details), so
it paints before the details are in.
The unit column stays while the nights scroll sideways."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.binding import Binding

from bedboard import formats
from bedboard.i18n import N_, _, pgettext
from bedboard.services.beds.rack_grid import GridCell, RackGrid, line_of
from bedboard.ui import palette
from bedboard.ui.shorten import content_width, keep_end, unit_ref
from bedboard.ui.widgets.line_table import Cell, Column, LineTable

CELL_WIDTH = 6


def rack_cell(cell: GridCell, width: int = CELL_WIDTH) -> Cell:
    if cell is None:
        return Text("·", style=palette.FREE)
    status, code, starts_here, unbilled = cell
    if status == "held":
        return Text(pgettext("rack", "held"), style=f"bold {palette.HELD}")
    if status == "out_of_service":
        return Text(pgettext("rack", "out"), style="dim")
    style = f"bold {palette.UNPAID}" if unbilled else "bold"
    # "!" marks a night nobody pays, in words for screens without colour: never colour alone
    if starts_here:  # the stay's first night, or the first night in view
        if unbilled:  # the "!" stays whole; the code gives up its start, as elsewhere
            return Text("!" + keep_end(code, width - 1), style=style)
        return Text(keep_end(code, width), style=style)
    if unbilled:
        return Text("!" + "━" * (width - 1), style=palette.UNPAID)
    return Text("━" * width, style=palette.STAY)


def night_label(night: dt.date) -> Text:
    return Text(
        formats.day_weekday(night)[:CELL_WIDTH], style="bold" if night.weekday() >= 5 else ""
    )


class RackTable(LineTable):
    BINDINGS = [Binding("enter", "select_cursor", N_("Actions"), id="actions")]
    UNIT_WIDTH = 20  # until the first rows show
    LEAST_UNIT = 12
    WIDEST_CELL = 14  # a long guest code, whole

    def __init__(self, *, id: str | None = None, nights: int = 14) -> None:
        super().__init__(id=id, cursor="cell")
        self.night_count = nights
        self.fixed_columns = 1
        self.rack: RackGrid | None = None

    def on_mount(self) -> None:
        self._set_columns([], self.UNIT_WIDTH, CELL_WIDTH)

    def _set_columns(self, nights: list[dt.date], unit: int, cell: int) -> None:
        labels: list[Cell] = [night_label(n) for n in nights]
        labels += [""] * (self.night_count - len(labels))
        columns = [Column("unit", _("Unit"), unit)]
        columns += [Column(f"n{i}", label, cell) for i, label in enumerate(labels)]
        self.set_columns(columns)

    def show(self, rack: RackGrid) -> int:
        """A new read of the rack: only rows whose cells changed are drawn again (a hold that
        ran out reads as free, so its row changes too)."""
        self.rack = rack
        self._set_columns(rack.nights, *self._fit(rack))
        # a line as read, made into cells when drawn (most of the 5,000 never are)
        lines = rack.lines
        return self.sync([(f"unit:{i}", (ref, lines.packed(i))) for i, ref in rack.order])

    def columns_changed(self) -> None:
        if self.rack is not None:
            self._set_columns(self.rack.nights, *self._fit(self.rack))

    def _fit(self, rack: RackGrid) -> tuple[int, int]:
        """The unit column as wide as its longest name, up to a third of the terminal; a night
        as wide as the longest code shown (at least 6), while a week fits beside the units."""
        # the screen's width: the table itself is only as wide as its columns were
        total = self.screen.size.width if self.is_attached else self.app.size.width
        unit = content_width((ref for _key, ref in rack.order), len(_("Unit")), 60)
        unit = min(unit, max(self.LEAST_UNIT, total // 3))
        codes = content_width(  # "!" before a code nobody pays for: one more column
            ("!" + code for code in rack.codes), CELL_WIDTH, self.WIDEST_CELL + 1
        )
        # widen the nights for whole codes only while a week still fits beside the units
        week = min(7, max(1, len(rack.nights)))
        room = (total - unit - 2 - 2) // week - 2  # padding of every column, a scrollbar
        return unit, max(CELL_WIDTH, min(codes, room))

    def cells(self, value: object) -> tuple[Cell, ...]:
        assert isinstance(value, tuple)
        ref, packed = value
        unit, cell = self.columns[0].width, self.columns[1].width
        line = line_of(packed, self.night_count)
        return (unit_ref(ref, unit), *(rack_cell(c, cell) for c in line))

"""A keyed table whose columns are as wide as their content, and fit the screen: when they do
not, one column (the longest names, e.g. the payer) gives up room and its names are cut in
their middle, never at their distinguishing end. Again after every resize."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events

from bedboard.ui.shorten import cut_middle
from bedboard.ui.widgets.keyed_table import Cell, KeyedTable, Row
from bedboard.ui.widgets.widths import set_column_width

PADDING = 2  # a cell's padding, left and right
SCROLLBAR = 2


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


class FittedTable(KeyedTable):
    FLEX = ""  # the key of the column that gives up room

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: Sequence[Row] = []

    def show(self, rows: Sequence[Row]) -> int:
        self._rows = rows
        specs = list(self.column_specs())
        widths = [
            max([len(label)] + [len(_plain(cells[i])) for _, cells in rows])
            for i, (_key, label, _width) in enumerate(specs)
        ]
        total = self.screen.size.width if self.is_attached else self.app.size.width
        over = sum(widths) + PADDING * len(specs) + SCROLLBAR - total
        flex = next((i for i, (key, _l, _w) in enumerate(specs) if key == self.FLEX), None)
        if over > 0 and flex is not None:
            widths[flex] = max(len(specs[flex][1]), widths[flex] - over)
        for (key, _label, _width), width in zip(specs, widths, strict=True):
            set_column_width(self, key, width)
        if flex is None:
            return self.sync(rows)
        return self.sync(
            [
                (key, tuple(_fit(c, widths[flex]) if i == flex else c for i, c in enumerate(cells)))
                for key, cells in rows
            ]
        )

    def on_resize(self, _event: events.Resize) -> None:
        if self._rows:
            self.show(self._rows)


def _fit(cell: Cell, width: int) -> Cell:
    text = _plain(cell)
    if len(text) <= width:
        return cell
    return cut_middle(text, width)

"""A keyed table whose columns are as wide as their content, and fit the screen: when they do
not, one column (the longest names, e.g. the payer) gives up room and its names are cut in
their middle, never at their distinguishing end. Again after every resize."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual import events

from bedboard.i18n import _
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
        labels = [_(label) for _key, label, _width in specs]  # as shown, translated
        flex = next((i for i, (key, _l, _w) in enumerate(specs) if key == self.FLEX), None)
        total = self.screen.size.width if self.is_attached else self.app.size.width
        widths = fitted_widths(labels, [cells for _k, cells in rows], total, flex)
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


def fitted_widths(
    labels: Sequence[str], rows: Sequence[Sequence[Cell]], total: int, flex: int | None
) -> list[int]:
    """Each column as wide as its label and its longest cell, in terminal cells (a Chinese
    character takes two); the `flex` column gives up what does not fit in `total`."""
    widths = [
        max([cell_len(label)] + [cell_len(_plain(cells[i])) for cells in rows])
        for i, label in enumerate(labels)
    ]
    over = sum(widths) + PADDING * len(labels) + SCROLLBAR - total
    if over > 0 and flex is not None:
        widths[flex] = max(cell_len(labels[flex]), widths[flex] - over)
    return widths


def _fit(cell: Cell, width: int) -> Cell:
    text = _plain(cell)
    if cell_len(text) <= width:
        return cell
    return cut_middle(text, width)

"""A DataTable that takes a whole new set of rows and redraws only the cells that changed.

Live updates arrive every few seconds all night long; clearing and rebuilding the table each
time would flicker and lose the cursor. Rows are matched by key; only when the set or order of
keys changes (another night, a filter) is the table rebuilt, keeping the cursor on its row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from bedboard.i18n import _

Cell = str | Text
Row = tuple[str, tuple[Cell, ...]]


def literal(cell: Cell) -> Text:
    """DataTable reads a str cell as markup: a guest code like `[/]` would crash the board.
    Cells hold what people typed, so they are shown exactly as typed."""
    return Text(cell) if isinstance(cell, str) else cell


class KeyedTable(DataTable[Cell]):
    COLUMNS: Sequence[tuple[str, str, int | None]] = ()  # (key, label, width)

    def __init__(
        self,
        *,
        id: str | None = None,
        classes: str | None = None,
        cursor: Literal["row", "cell"] = "row",
    ) -> None:
        super().__init__(id=id, classes=classes, cursor_type=cursor, zebra_stripes=False)
        self._order: list[str] = []
        self._cells: dict[str, tuple[Cell, ...]] = {}
        self.rebuilds = 0  # how often the whole table was rebuilt (another night, a filter)
        self.last_redrawn = 0  # cells redrawn by the last sync

    def column_specs(self) -> Sequence[tuple[str, str, int | None]]:
        return self.COLUMNS

    def on_mount(self) -> None:
        for key, label, width in self.column_specs():
            shown = _(label)  # labels are N_() marked: translated in today's language
            # a heading is never cut: a longer word in another language widens its column
            self.add_column(shown, key=key, width=None if width is None else max(width, len(shown)))

    @property
    def current_key(self) -> str | None:
        if not self._order or not 0 <= self.cursor_row < len(self._order):
            return None
        return self._order[self.cursor_row]

    def sync(self, rows: Sequence[Row]) -> int:
        """Show these rows; returns how many cells were redrawn (0: nothing changed)."""
        keys = [key for key, _ in rows]
        if keys != self._order:
            self._rebuild(rows)
            self.rebuilds += 1
            self.last_redrawn = sum(len(cells) for _, cells in rows)
            return self.last_redrawn
        self.last_redrawn = self.update_rows(rows)
        return self.last_redrawn

    def update_rows(self, rows: Sequence[Row]) -> int:
        """New cells for some rows already shown: only the cells that differ are redrawn.
        Returns how many were; keys not shown are ignored."""
        changed = 0
        column_keys = [column.key for column in self.ordered_columns]
        for key, cells in rows:
            old = self._cells.get(key)
            if old is None:
                continue
            for column, (before, after) in enumerate(zip(old, cells, strict=True)):
                if before != after:
                    self.update_cell(key, column_keys[column], literal(after))
                    changed += 1
            self._cells[key] = cells
        return changed

    def _rebuild(self, rows: Sequence[Row]) -> None:
        keep = self.current_key
        scroll_y = self.scroll_y
        self.clear()
        self._order = [key for key, _ in rows]
        self._cells = dict(rows)
        for key, cells in rows:
            self.add_row(*(literal(cell) for cell in cells), key=key)
        if keep in self._cells:
            self.move_cursor(row=self._order.index(keep), animate=False, scroll=False)
            self.scroll_to(y=scroll_y, animate=False, immediate=True)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Every column has a fixed width and every row is one line, so new rows change only
        the height: DataTable would measure each of their cells (seconds for 5,000 units)."""
        if self.columns and all(not column.auto_width for column in self.columns.values()):
            new_rows = ()
        super()._update_dimensions(new_rows)

    def select_key(self, key: str) -> bool:
        if key not in self._cells:
            return False
        self.move_cursor(row=self._order.index(key), animate=False)
        return True

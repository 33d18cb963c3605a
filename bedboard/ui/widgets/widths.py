"""Setting a column's width after the table is built: for tables whose widths follow their
content and the terminal's size (the fitted tables), again after every resize."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey


def set_column_width(table: DataTable[Any], key: str, width: int) -> bool:
    """Columns have fixed widths (see KeyedTable); returns whether this one changed."""
    column = table.columns[ColumnKey(key)]
    if column.width == width:
        return False
    column.width = width
    table._require_update_dimensions = True
    table._clear_caches()
    table.refresh()
    return True

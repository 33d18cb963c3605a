"""A table that draws only the lines on screen (Textual's Line API), for thousands of rows.

A DataTable builds every row's cells and measures them when rows are added: 5,000 units took
most of the board's start-up, and the rack's 5,000 x 14 cells longer still. Here the rows live
in a list of keys and a dict of cells, and `render_line` turns one row into a strip when it
comes into view (cached until its cells or the widths change). A new set of rows costs what
comparing them costs; a changed row repaints its one line, nothing else.

The header stays on the first line while the rows scroll under it. A cursor marks one row (or
one cell, for the rack); the screen hears of it through `Highlighted` and `Selected`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

Cell = str | Text
PADDING = 1  # blank columns on each side of a cell; a narrow terminal drops the right one


@dataclass
class Column:
    key: str
    label: Cell
    width: int


def _style_of(cell: Cell) -> Style | None:
    if isinstance(cell, str) or not cell.style:
        return None
    return Style.parse(cell.style) if isinstance(cell.style, str) else cell.style


def _fit(cell: Cell, width: int) -> str:
    """The cell's text in exactly `width` columns (right-aligned if its Text says so). Callers
    shorten text by its least informative part first; this only guards the grid."""
    text = cell if isinstance(cell, str) else cell.plain
    if isinstance(cell, Text) and cell.justify == "right" and cell_len(text) < width:
        return " " * (width - cell_len(text)) + text
    return set_cell_size(text, width)


class LineTable(ScrollView, can_focus=True, inherit_bindings=False):
    DEFAULT_CSS = """
    LineTable {
        background: $surface;
        color: $foreground;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
        &:focus { background-tint: $foreground 5%; }
        & > .linetable--header { text-style: bold; background: $panel; color: $foreground; }
        & > .linetable--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .linetable--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"linetable--header", "linetable--cursor"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", show=False),
        Binding("down", "cursor_down", show=False),
        Binding("left", "cursor_left", show=False),
        Binding("right", "cursor_right", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("home", "scroll_top", show=False),
        Binding("end", "scroll_bottom", show=False),
    ]

    @dataclass
    class Highlighted(Message):
        """The cursor is on another row (or cell)."""

        table: LineTable
        key: str | None
        column: int

        @property
        def control(self) -> LineTable:
            return self.table

    @dataclass
    class Selected(Message):
        """Enter, or a click, on the cursor's row (or cell)."""

        table: LineTable
        key: str
        column: int

        @property
        def control(self) -> LineTable:
            return self.table

    def __init__(
        self,
        *,
        id: str | None = None,
        classes: str | None = None,
        cursor: Literal["row", "cell"] = "row",
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.cursor_type = cursor
        self.columns: list[Column] = []
        self.right_padding = PADDING
        self.fixed_columns = 0  # columns at the left that stay when the rest scroll sideways
        self._order: list[str] = []
        self._index: dict[str, int] = {}
        self._values: dict[str, object] = {}
        self._strips: LRUCache[str, Strip] = LRUCache(1024)
        self.cursor_row = 0
        self.cursor_column = 0
        self.rebuilds = 0  # how often a new set or order of rows came (another night, a filter)
        self.last_redrawn = 0  # cells that changed in the last sync
        self.lines_refreshed = 0  # lines repainted because their row changed, since mount

    # Columns --------------------------------------------------------------------------------

    def set_columns(self, columns: Sequence[Column], right_padding: int = PADDING) -> None:
        """New columns or widths: every line is drawn again (a resize, wider content)."""
        if right_padding == self.right_padding and [(c.key, c.width, c.label) for c in columns] == [
            (c.key, c.width, c.label) for c in self.columns
        ]:
            return
        self.columns = list(columns)
        self.right_padding = right_padding
        self._strips.clear()
        self._update_virtual_size()
        self.refresh()

    @property
    def ordered_columns(self) -> list[Column]:
        return self.columns

    @property
    def content_width(self) -> int:
        """Columns the rows may use: the widget less its scroll bar's gutter."""
        return max(0, self.scrollable_content_region.width)

    # Rows -----------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._order)

    @property
    def rows(self) -> list[str]:
        return list(self._order)

    def cells(self, value: object) -> tuple[Cell, ...]:
        """How a row's value reads, cell by cell; by default the value is its cells. Called
        only for rows that come into view (or change), so thousands cost nothing until seen."""
        assert isinstance(value, tuple)
        return value

    def get_row(self, key: str) -> tuple[Cell, ...]:
        return self.cells(self._values[key])

    def get_row_at(self, index: int) -> tuple[Cell, ...]:
        return self.get_row(self._order[index])

    def get_cell(self, key: str, column: str) -> Cell:
        index = next(i for i, c in enumerate(self.columns) if c.key == column)
        return self.get_row(key)[index]

    @property
    def current_key(self) -> str | None:
        if not 0 <= self.cursor_row < len(self._order):
            return None
        return self._order[self.cursor_row]

    def sync(self, rows: Sequence[tuple[str, object]]) -> int:
        """Show these rows (key, value); returns how many cells changed (0: nothing to
        repaint). The same keys in the same order repaint only the rows whose value changed."""
        keys = [key for key, _ in rows]
        if keys != self._order:
            self._replace(rows)
            self.rebuilds += 1
            self.last_redrawn = len(rows) * len(self.columns)
            return self.last_redrawn
        return self.update_rows(rows)

    def update_rows(self, rows: Sequence[tuple[str, object]]) -> int:
        """New values for some rows already shown (a live change): each one whose value
        differs repaints its line. Returns how many cells changed; keys not shown are
        ignored."""
        changed = 0
        values = self._values
        for key, value in rows:
            old = values.get(key, value)
            if old == value:
                continue
            before, after = self.cells(old), self.cells(value)
            changed += sum(1 for a, b in zip(before, after, strict=True) if a != b)
            values[key] = value
            self.repaint_row(key)
        self.last_redrawn = changed
        return changed

    def repaint_row(self, key: str) -> None:
        """Draw this row again (its value changed, or what it shows depends on the time)."""
        self._strips.discard(key)
        self.refresh_line(self._index[key] + 1)  # +1: the header
        self.lines_refreshed += 1

    def _replace(self, rows: Sequence[tuple[str, object]]) -> None:
        keep = self.current_key
        self._order = [key for key, _ in rows]
        self._index = {key: i for i, key in enumerate(self._order)}
        self._values = dict(rows)
        self._strips.clear()
        self._update_virtual_size()
        self.cursor_row = self._index.get(keep, 0) if keep is not None else 0
        self._scroll_to_cursor()
        self.refresh()
        self._post_highlighted()

    def select_key(self, key: str) -> bool:
        if key not in self._index:
            return False
        self.move_cursor(row=self._index[key])
        return True

    # The cursor -----------------------------------------------------------------------------

    def move_cursor(self, *, row: int | None = None, column: int | None = None) -> None:
        old_row, old_column = self.cursor_row, self.cursor_column
        if row is not None:
            self.cursor_row = max(0, min(row, len(self._order) - 1))
        if column is not None and self.cursor_type == "cell":
            self.cursor_column = max(0, min(column, len(self.columns) - 1))
        if (old_row, old_column) == (self.cursor_row, self.cursor_column):
            return
        self.refresh_line(old_row + 1)
        self.refresh_line(self.cursor_row + 1)
        self._scroll_to_cursor()
        self._post_highlighted()

    def _post_highlighted(self) -> None:
        self.post_message(self.Highlighted(self, self.current_key, self.cursor_column))

    @property
    def page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)  # less the header

    def _scroll_to_cursor(self) -> None:
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + self.page_rows:
            self.scroll_to(y=self.cursor_row - self.page_rows + 1, animate=False, immediate=True)
        if self.cursor_type == "cell" and self.cursor_column >= self.fixed_columns:
            # Columns after the fixed ones scroll sideways, under the fixed ones' right edge.
            scrolled = self.columns[self.fixed_columns : self.cursor_column]
            left = sum(self._cell_width(c) for c in scrolled)
            right = left + self._cell_width(self.columns[self.cursor_column])
            seen = self.content_width - self._fixed_width
            x = round(self.scroll_x)
            if left < x:
                self.scroll_to(x=left, animate=False, immediate=True, force=True)
            elif right > x + seen:
                # to the first column edge that brings the cursor's cell whole into view
                edge = 0
                for c in self.columns[self.fixed_columns :]:
                    if right - edge <= seen:
                        break
                    edge += self._cell_width(c)
                self.scroll_to(x=edge, animate=False, immediate=True, force=True)

    def _cell_width(self, column: Column) -> int:
        return column.width + PADDING + self.right_padding

    @property
    def _fixed_width(self) -> int:
        return sum(self._cell_width(c) for c in self.columns[: self.fixed_columns])

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self.cursor_row + 1)

    def action_cursor_left(self) -> None:
        self.move_cursor(column=self.cursor_column - 1)

    def action_cursor_right(self) -> None:
        self.move_cursor(column=self.cursor_column + 1)

    def action_page_up(self) -> None:
        self.move_cursor(row=self.cursor_row - self.page_rows)

    def action_page_down(self) -> None:
        self.move_cursor(row=self.cursor_row + self.page_rows)

    def action_scroll_top(self) -> None:
        self.move_cursor(row=0)

    def action_scroll_bottom(self) -> None:
        self.move_cursor(row=len(self._order) - 1)

    def action_select_cursor(self) -> None:
        key = self.current_key
        if key is not None:
            self.post_message(self.Selected(self, key, self.cursor_column))

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return  # the header
        row = round(self.scroll_y) + event.y - 1
        if not 0 <= row < len(self._order):
            return
        column = self.cursor_column
        if self.cursor_type == "cell":
            fixed = self._fixed_width
            x = event.x if event.x < fixed else event.x + round(self.scroll_x)
            edge = 0
            for i, c in enumerate(self.columns):
                edge += self._cell_width(c)
                if x < edge:
                    column = i
                    break
        self.move_cursor(row=row, column=column)
        self.action_select_cursor()

    # Drawing --------------------------------------------------------------------------------

    def _update_virtual_size(self) -> None:
        width = sum(self._cell_width(c) for c in self.columns)
        self.virtual_size = Size(width, len(self._order) + 1)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def on_resize(self) -> None:
        self._strips.clear()
        self.columns_changed()

    def columns_changed(self) -> None:
        """The widget's width changed: a subclass fits its columns again."""

    def _line(self, cells: Sequence[Cell], base: Style, cursor_at: int | None) -> Strip:
        segments: list[Segment] = []
        cursor = None
        if cursor_at is not None:
            cursor = self.get_component_rich_style("linetable--cursor")
            if self.app.no_color:  # NO_COLOR: a grey bar is easy to miss; reverse is not
                cursor = cursor + Style(reverse=True)
        left, right = " " * PADDING, " " * self.right_padding
        for i, (column, cell) in enumerate(zip(self.columns, cells, strict=False)):
            style = base
            own = _style_of(cell)
            if own is not None:
                style = style + own
            if cursor is not None and (cursor_at == -1 or cursor_at == i):
                style = style + cursor
            segments.append(Segment(left + _fit(cell, column.width) + right, style))
        return Strip(segments)

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        if y == 0:
            header = base + self.get_component_rich_style("linetable--header")
            return self._in_view(self._line([c.label for c in self.columns], header, None), header)
        index = round(self.scroll_y) + y - 1
        if index >= len(self._order):
            return Strip.blank(self.size.width, base)
        key = self._order[index]
        if index == self.cursor_row and self.show_cursor:
            at = -1 if self.cursor_type == "row" else self.cursor_column
            strip = self._line(self.cells(self._values[key]), base, at)
            if self.cursor_type == "row":
                cursor = base + self.get_component_rich_style("linetable--cursor")
                return self._in_view(strip, cursor)
            return self._in_view(strip, base)
        cached = self._strips.get(key)
        if cached is None:
            cached = self._strips[key] = self._line(self.cells(self._values[key]), base, None)
        return self._in_view(cached, base)

    def _in_view(self, strip: Strip, fill: Style) -> Strip:
        """The part of a whole line that shows: the fixed columns, then the rest from the
        horizontal scroll position."""
        width, x = self.size.width, round(self.scroll_x)
        fixed = self._fixed_width
        if not fixed:
            return strip.crop_extend(x, x + width, fill)
        rest = strip.crop_extend(fixed + x, fixed + x + width - fixed, fill)
        return Strip.join([strip.crop(0, fixed), rest])

    @property
    def show_cursor(self) -> bool:
        return bool(self._order)

    def refresh_line(self, y: int) -> None:
        """Repaint one line of the table (0 is the header; row n is line n + 1)."""
        top = round(self.scroll_y)
        if y == 0 or top < y <= top + self.page_rows:
            self.refresh(Region(0, y - top, self.size.width, 1))

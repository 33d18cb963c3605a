"""Tonight at a glance: one row per site with its counts.

Every count shows at any width (at 60 columns Free, Out and NoPay used to be off screen): the
counts are as wide as their numbers, the site and area names get what is left, and are cut in
their middle when they must be (see shorten.cut_middle). Widths follow the content and the
terminal, again after a resize."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets.data_table import ColumnKey

from bedboard.i18n import N_, _
from bedboard.services.beds.availability import SiteCounts
from bedboard.ui.format import site_cells
from bedboard.ui.shorten import content_width, cut_middle
from bedboard.ui.widgets.keyed_table import KeyedTable
from bedboard.ui.widgets.widths import set_column_width

PADDING = 2  # a cell's padding, left and right
SCROLLBAR = 2  # room kept for a vertical scrollbar, when there are more sites than lines
LEAST_AREA = 6


class SiteTable(KeyedTable):
    BINDINGS = [Binding("enter", "select_cursor", N_("Its places"), id="site-places")]
    COLUMNS = (
        ("site", N_("Site"), 24),
        ("area", N_("Area"), 11),
        ("capacity", N_("Beds"), 4),
        ("occupied", N_("Occ"), 4),
        ("held", N_("Held"), 4),
        ("free", N_("Free"), 4),
        ("out", N_("Out"), 4),
        ("unbilled", N_("NoPay"), 5),
    )

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._counts: list[SiteCounts] = []

    def show(self, counts: list[SiteCounts]) -> int:
        self._counts = counts
        rows = [(f"site:{c.site}", site_cells(c)) for c in counts]
        widths = self._fit([cells for _, cells in rows])
        site, area = widths["site"], widths["area"]
        return self.sync(
            [
                (
                    key,
                    (cut_middle(str(cells[0]), site), cut_middle(str(cells[1]), area), *cells[2:]),
                )
                for key, cells in rows
            ]
        )

    def update_counts(self, changed: list[SiteCounts], counts: list[SiteCounts]) -> int:
        """Some sites' counts changed (`counts` is every site shown, in order): only their
        cells are redrawn, unless a number no longer fits its column."""
        self._counts = counts
        widths = {key: self.columns[ColumnKey(key)].width for key, _label, _w in self.COLUMNS[2:]}
        rows = []
        for c in changed:
            cells = site_cells(c)
            for (key, _label, _w), cell in zip(self.COLUMNS[2:], cells[2:], strict=True):
                if len(str(cell)) > widths[key]:
                    return self.show(counts)
            old = self._cells.get(f"site:{c.site}")
            if old is not None:
                rows.append((f"site:{c.site}", (*old[:2], *cells[2:])))
        return self.update_rows(rows)

    def on_resize(self, _event: events.Resize) -> None:
        if self._counts:
            self.show(self._counts)

    def _fit(self, rows: list[tuple[object, ...]]) -> dict[str, int]:
        """Counts as wide as their numbers; site, then area, get what the terminal has left."""
        widths: dict[str, int] = {}
        for i, (key, label, _width) in enumerate(self.COLUMNS[2:], start=2):
            # the heading as shown (translated) is never cut
            widths[key] = content_width((str(cells[i]) for cells in rows), len(_(label)), 8)
        total = self.size.width or self.app.size.width
        left = total - sum(widths.values()) - PADDING * len(self.COLUMNS) - SCROLLBAR
        site = content_width((str(cells[0]) for cells in rows), len(_("Site")), 60)
        area = content_width((str(cells[1]) for cells in rows), len(_("Area")), 30)
        if site + area > left:  # the site name tells rows apart: it gives up less
            area = max(LEAST_AREA, min(area, left // 3))
            site = max(len("Site"), min(site, left - area))
        widths["site"], widths["area"] = site, area
        for key, width in widths.items():
            set_column_width(self, key, width)
        return widths

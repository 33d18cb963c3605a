"""Tonight at a glance: one row per site with its counts."""

from __future__ import annotations

from textual.binding import Binding

from bedboard.services.beds.availability import SiteCounts
from bedboard.ui.format import site_cells
from bedboard.ui.widgets.keyed_table import KeyedTable


class SiteTable(KeyedTable):
    BINDINGS = [Binding("enter", "select_cursor", "Its places", id="site-places")]
    COLUMNS = (
        ("site", "Site", 24),
        ("area", "Area", 11),
        ("capacity", "Beds", 4),
        ("occupied", "Occ", 4),
        ("held", "Held", 4),
        ("free", "Free", 4),
        ("out", "Out", 4),
        ("unbilled", "NoPay", 5),
    )

    def show(self, counts: list[SiteCounts]) -> int:
        return self.sync([(f"site:{c.site}", site_cells(c)) for c in counts])

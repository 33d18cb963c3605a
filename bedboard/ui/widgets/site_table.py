"""Tonight at a glance: one row per site with its counts.

Drawn line by line (LineTable), like the units: the sites' counts stay in memory and a row
becomes text only when it comes into view (the country has 2,000 sites; a DataTable built and
measured every row first). Every count shows at any width (at 60 columns Free, Out and NoPay
used to be off screen): the counts are as wide as their numbers, the site and area names get
what is left, and are cut in their middle when they must be (see shorten.cut_middle). Widths
follow the content and the terminal, again after a resize."""

from __future__ import annotations

from textual.binding import Binding

from bedboard.i18n import N_, _
from bedboard.services.beds.availability import SiteCounts
from bedboard.ui.format import site_cells
from bedboard.ui.shorten import content_width, cut_middle
from bedboard.ui.widgets.line_table import PADDING, Cell, Column, LineTable

LEAST_AREA = 6
COUNT_CAP = 8
# The count columns and the SiteCounts field each shows (a zero as "·", one digit wide).
COUNT_FIELDS = {
    "capacity": "capacity",
    "occupied": "occupied",
    "held": "held",
    "free": "free",
    "out": "out_of_service",
    "unbilled": "unbilled",
}


def site_key(c: SiteCounts) -> str:
    return f"site:{c.site}"


class SiteTable(LineTable):
    BINDINGS = [Binding("enter", "select_cursor", N_("Its places"), id="site-places")]
    COLUMNS = (
        ("site", N_("Site")),
        ("area", N_("Area")),
        ("capacity", N_("Beds")),
        ("occupied", N_("Occ")),
        ("held", N_("Held")),
        ("free", N_("Free")),
        ("out", N_("Out")),
        ("unbilled", N_("NoPay")),
    )

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._counts: list[SiteCounts] = []

    def on_mount(self) -> None:
        self.columns_changed()

    def show(self, counts: list[SiteCounts]) -> int:
        """Every site's counts, in order; only rows whose counts changed are drawn again."""
        self._counts = counts
        self.columns_changed()
        return self.sync([(site_key(c), c) for c in counts])

    def update_counts(self, changed: list[SiteCounts], counts: list[SiteCounts]) -> int:
        """Some sites' counts changed (`counts` is every site shown, in order): only their
        lines are drawn again, unless a number no longer fits its column."""
        self._counts = counts
        widths = {c.key: c.width for c in self.columns}
        if any(
            len(str(getattr(c, field))) > widths.get(key, 0)
            for c in changed
            for key, field in COUNT_FIELDS.items()
        ):
            return self.show(counts)
        return self.update_rows([(site_key(c), c) for c in changed])

    def cells(self, value: object) -> tuple[Cell, ...]:
        assert isinstance(value, SiteCounts)
        site, area, *counts = site_cells(value)
        columns = self.columns
        return (cut_middle(str(site), columns[0].width), cut_middle(str(area), columns[1].width),
                *counts)  # fmt: skip

    def columns_changed(self) -> None:
        """Counts as wide as their numbers; site, then area, get what the terminal has left.
        A heading (translated) is never cut."""
        if not self.is_mounted:
            return
        labels = {key: _(label) for key, label in self.COLUMNS}
        widths = {
            key: max(
                len(labels[key]),
                min(COUNT_CAP, len(str(max((getattr(c, field) for c in self._counts), default=0)))),
            )
            for key, field in COUNT_FIELDS.items()
        }
        left = self.content_width - sum(widths.values()) - 2 * PADDING * len(self.COLUMNS)
        site = content_width((c.site for c in self._counts), len(labels["site"]), 60)
        area = content_width((c.area for c in self._counts), len(labels["area"]), 30)
        if site + area > left:  # the site name tells rows apart: it gives up less
            area = max(LEAST_AREA, min(area, left // 3))
            site = max(len(labels["site"]), min(site, left - area))
        widths["site"], widths["area"] = site, area
        self.set_columns([Column(key, labels[key], widths[key]) for key, _label in self.COLUMNS])

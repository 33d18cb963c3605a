"""Counts per night as bars with axes (textual-plotext): the nights along the bottom with their
dates, the counts up the side with their numbers, one fill pattern per series (█ ▓ ▒ ░) so
the picture reads the same without colour, and the legend under the frame where it never
covers a bar.

When there are more nights than columns, each bar stands for a few nights averaged (as the
hand-drawn strips do, grouped from the end so the last bar is the latest nights in full); the
caption says so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.color import Color
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static
from textual_plotext import PlotextPlot

from bedboard import formats
from bedboard.i18n import _
from bedboard.ui.widgets.charts import fit, squeeze

AXIS_ROOM = 8  # the y-axis numbers and the frame


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]
    colour: str  # a palette colour
    marker: str  # one character: the bar's fill


def rgb(colour: str) -> tuple[int, int, int]:
    """As Rich draws the same name in the board's cells."""
    red, green, blue = Color.parse(colour).get_truecolor()
    return red, green, blue


def legend(series: Sequence[Series]) -> Text:
    text = Text()
    for i, s in enumerate(series):
        text.append(s.marker * 2, style=s.colour).append(f" {s.label}")
        if i < len(series) - 1:
            text.append("   ")
    return text


class NightPlot(Vertical):
    """A bar chart of nights; `show` draws it again (on new data or a new width)."""

    DEFAULT_CSS = """
    NightPlot { height: auto; }
    NightPlot PlotextPlot { height: 12; }
    NightPlot .legend { height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield PlotextPlot()
        yield Static("", classes="legend")

    def show(
        self,
        nights: Sequence[dt.date],
        series: Sequence[Series],
        *,
        top: float,
        room: int,
        caption: str = "",
    ) -> None:
        shape = fit(len(nights), max(room - AXIS_ROOM, 10))
        per = shape.per
        grouped = squeeze([[s.values[i] for s in series] for i in range(len(nights))], per)
        # the night each bar ends with: the last of its group
        ends = [nights[min(len(nights) - 1, len(nights) - 1 - per * (len(grouped) - 1 - i))]
                for i in range(len(grouped))]  # fmt: skip
        x = list(range(1, len(grouped) + 1))
        ys = [[group[k] for group in grouped] for k in range(len(series))]
        plt = self.query_one(PlotextPlot).plt
        plt.clear_data()
        colours = [rgb(s.colour) for s in series]
        markers = [s.marker for s in series]
        # plotext takes a colour and a marker per series, though its stubs say one for all.
        # Always stacked: bars side by side in one slot are narrower than a cell at a few
        # cells a night, and plotext draws the later over the earlier (a series vanished).
        draw: Any = plt.stacked_bar
        draw(x, ys, color=colours, marker=markers, width=0.9)
        middle = len(x) // 2
        picked = sorted({0, middle, len(x) - 1})
        plt.xticks([x[i] for i in picked], [formats.day_month(ends[i]) for i in picked])
        top = max(1, round(top))
        plt.ylim(0, top)
        plt.yticks(sorted({0, top // 2, top}))
        self.query_one(PlotextPlot).refresh()
        note = _(" Each bar is {n} nights averaged.").format(n=per) if per > 1 else ""
        text = legend(series)
        if caption or note:
            text.append("\n" + (caption + note).strip())
        self.query_one(".legend", Static).update(text)

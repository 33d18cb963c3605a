"""Reports: pictures of the nights for a coordinator arguing for beds. Occupancy per night for
the last 30 or 90 nights (all sites, then per site), held and unbilled nights, turnaways per
week, and each payer's nights per month. Read in a thread worker; redrawn when data changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Label, Static

from bedboard import formats
from bedboard.i18n import N_, _, ngettext
from bedboard.services.reports import UNBILLED, NightCounts, Report, build_report
from bedboard.states import TurnawayReason
from bedboard.store import Store
from bedboard.ui import palette
from bedboard.ui.clock import Clock
from bedboard.ui.screens.base import LiveScreen
from bedboard.ui.widgets.charts import Fit, bar, columns, fit, squeeze
from bedboard.ui.widgets.key_bar import KeyBar
from bedboard.ui.widgets.night_plot import NightPlot, Series
from bedboard.ui.widgets.notice import Notice
from bedboard.words import word

RELOAD_AFTER_SECONDS = 3.0
PLOTTED = ("occupancy", "attention")
NAME_WIDTH = 24
# Colours say the same as on the board (one palette): occupied, no payer, held, out of service.
OCCUPIED, UNPAID, HELD, OUT = palette.FREE, palette.UNPAID, palette.HELD, palette.OUT


@dataclass
class ReportLoaded(Message):
    report: Report


HELP = N_(
    """\
# Reports

Pictures of the nights for a coordinator arguing for beds: occupancy per night for all
sites, then per site, the held and unbilled nights, turnaways per week and each payer's
nights per month. `3` shows the last 30 nights, `9` the last 90. The figures follow changes
made anywhere, a few seconds later.
"""
)


class ReportsScreen(LiveScreen):
    HELP = HELP
    DEFAULT_CSS = """
    ReportsScreen #reports-title { height: 1; width: 1fr; background: $panel; padding: 0 1; }
    ReportsScreen VerticalScroll { padding: 0 1; }
    ReportsScreen .chart-heading { text-style: bold; margin-top: 1; }
    ReportsScreen .chart { height: auto; text-wrap: nowrap; text-overflow: ellipsis; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Board"), id="reports-back"),
        Binding("3", "period(30)", N_("30 nights"), id="reports-30"),
        Binding("9", "period(90)", N_("90 nights"), id="reports-90"),
    ]

    nights: reactive[int] = reactive(30, init=False, bindings=True)

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        super().__init__(store, clock)
        self.report: Report | None = None
        self._reload: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Label(_("Reports: loading…"), id="reports-title")
        with VerticalScroll():
            for name, heading in (
                ("occupancy", _("Occupancy per night, all sites")),
                ("sites", _("Per site: occupied each night (full height = every unit)")),
                ("attention", _("Held and unbilled nights")),
                ("weeks", _("Turnaways per week (people turned away)")),
                ("payers", _("Occupied nights per payer and month")),
            ):
                yield Static(heading, classes="chart-heading")
                if name in PLOTTED:
                    yield NightPlot(id=f"chart-{name}")
                else:
                    yield Static("", id=f"chart-{name}", classes="chart")
        yield Notice()
        yield KeyBar()

    def database_changed(self, revision: int | None) -> None:
        """A busy night changes the database every few seconds; the figures are months of
        nights, so gather changes for a moment and read once."""
        if self._reload is None:
            self._reload = self.set_timer(RELOAD_AFTER_SECONDS, self._reload_now)

    def _reload_now(self) -> None:
        self._reload = None
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "period":  # the period shown is not offered again
            return parameters != (self.nights,)
        return True

    def action_period(self, nights: int) -> None:
        self.nights = nights

    def watch_nights(self) -> None:
        self.load()

    def read(self, session: Session) -> ReportLoaded:
        last = self.store.tonight(self.clock.local())
        return ReportLoaded(build_report(session, last, self.nights, now=self.clock.utc()))

    @on(ReportLoaded)
    def _show(self, message: ReportLoaded) -> None:
        report = self.report = message.report
        self.query_one("#reports-title", Label).update(
            _("Reports: the {n} nights {first} – {last}   (3: 30 nights, 9: 90 nights)").format(
                n=len(report.all_sites),
                first=formats.day_month(report.first),
                last=formats.date_medium(report.last),
            )
        )
        self._draw()

    def on_resize(self) -> None:
        if self.report is not None:
            self._draw()

    def _draw(self) -> None:
        report = self.report
        if report is None:
            return
        # the screen's width less the scroll area's padding (2) and its scrollbar (2)
        room = max(self.size.width - 4, 40)
        nights = [n.night for n in report.all_sites]
        capacity = max((n.capacity for n in report.all_sites), default=0)
        self.query_one("#chart-occupancy", NightPlot).show(
            nights,
            occupancy_series(report),
            top=capacity,
            room=room,
            caption=occupancy_caption(report),
        )
        self.query_one("#chart-sites", Static).update(site_strips(report, room))
        attention = attention_series(report)
        # Stacked, not side by side: two bars in one night's slot are narrower than a cell
        # each, and the second was drawn over the first (no held bar showed, though a place
        # was held). On each other, each series keeps rows of its own.
        self.query_one("#chart-attention", NightPlot).show(
            nights,
            attention,
            top=max(map(sum, zip(*(s.values for s in attention), strict=True)), default=0),
            room=room,
            caption="; ".join(
                _("{total} {what} night(s), at most {top} a night").format(
                    total=int(sum(s.values)), what=s.label, top=int(max(s.values, default=0))
                )
                for s in attention
            )
            + ".",
        )
        self.query_one("#chart-weeks", Static).update(
            week_bars(report, max(10, min(40, room - 50)))
        )
        self.query_one("#chart-payers", Static).update(payer_months(report, room))


# The two pictures of nights over time are textual-plotext bar charts (NightPlot): axes with
# dates and counts, and a fill pattern per series that reads without colour. The per-site
# strips, the turnaway weeks and the payer months stay hand-drawn: each is a table, one line
# per site, week or payer, with its figures written beside the bar in words and numbers; a
# plot per row would take a dozen lines each and say less.


def _stack(n: NightCounts) -> list[float]:
    return [n.occupied - n.unbilled, n.unbilled, n.held, n.out_of_service]


STACK_STYLES = (OCCUPIED, UNPAID, HELD, OUT)


def occupancy_series(report: Report) -> list[Series]:
    nights = report.all_sites
    return [
        Series(_("occupied"), [n.occupied - n.unbilled for n in nights], OCCUPIED, "█"),
        Series(_("no payer"), [n.unbilled for n in nights], UNPAID, "▓"),
        Series(_("held"), [n.held for n in nights], HELD, "▒"),
        Series(_("out of service"), [n.out_of_service for n in nights], OUT, "░"),
    ]


def occupancy_caption(report: Report) -> str:
    capacity = max((n.capacity for n in report.all_sites), default=0)
    rates = [n.occupancy_rate for n in report.all_sites]
    tonight = report.all_sites[-1]
    return _(
        "{capacity} units. Last night shown: {occupied} occupied, {held} held, {free} free "
        "({rate:.0%}).\nAverage {average:.0%}, highest {highest:.0%}."
    ).format(
        capacity=capacity,
        occupied=tonight.occupied,
        held=tonight.held,
        free=tonight.free,
        rate=tonight.occupancy_rate,
        average=sum(rates) / len(rates),
        highest=max(rates),
    )


def attention_series(report: Report) -> list[Series]:
    nights = report.all_sites
    return [
        Series(_("held"), [n.held for n in nights], HELD, "▒"),
        Series(_("unbilled"), [n.unbilled for n in nights], UNPAID, "▓"),
    ]


def _axis(report: Report, shape: Fit, indent: int) -> Text:
    """The first and last night under a chart, and the middle one if there is room."""
    span = shape.span
    first, last = formats.day_month(report.first), formats.day_month(report.last)
    line = [" "] * span
    if span >= len(first) + len(last) + 1:
        line[: len(first)] = first
    line[max(0, span - len(last)) :] = last[:span]
    nights = len(report.all_sites)
    middle = report.first + dt.timedelta(days=nights // 2)
    label = formats.day_month(middle)
    at = (shape.count // 2) * shape.width
    if at - 2 > len(first) and at + len(label) + 2 < span - len(last):
        line[at : at + len(label)] = label
    return Text(" " * indent + "".join(line), style="dim")


def _short(name: str, width: int) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


FIGURES_WIDTH = 12  # "▏ 4/20   13%"


def site_strips(report: Report, room: int = 120) -> Text:
    """One line per site: the name as long as the room allows, the nights, last and average."""
    shape = fit(len(report.all_sites), room - FIGURES_WIDTH - 13)
    name_width = max(8, min(NAME_WIDTH, room - FIGURES_WIDTH - 1 - shape.span))
    out = Text(no_wrap=True, overflow="ellipsis")
    for site in report.sites:
        line = columns(
            squeeze([_stack(n) for n in site.nights], shape.per),
            STACK_STYLES,
            top=site.capacity,
            height=1,
            width=shape.width,
        )[0]
        last = site.nights[-1]
        rates = [n.occupancy_rate for n in site.nights]
        average = sum(rates) / len(rates)
        out.append(f"{_short(site.site, name_width):<{name_width}}▕").append_text(line)
        out.append(f"▏{last.occupied:>3}/{site.capacity:<3}{average:>4.0%}\n")
    out.append_text(_axis(report, shape, name_width + 1))
    out.append("  " + _("last avg"), style="dim")
    return out


def week_bars(report: Report, width: int = 40) -> Text:
    top = max((w.people for w in report.weeks), default=0)
    out = Text(no_wrap=True, overflow="ellipsis")
    if not top:
        out.append(_("No turnaways recorded in the period."), style="dim")
        return out
    for week in report.weeks:
        reasons = ", ".join(
            f"{word(TurnawayReason, r)} {n}" for r, n in sorted(week.by_reason.items())
        )
        out.append(f"{week.week}  ").append_text(
            bar(week.people, top=top, width=width, style=UNPAID)
        )
        people = ngettext("person", "people", week.people)
        out.append(f" {week.people:>3} {people}")
        if week.turnaways:
            said = ngettext(
                "in {n} turnaway: {reasons}", "in {n} turnaways: {reasons}", week.turnaways
            ).format(n=week.turnaways, reasons=reasons)
            out.append(" " + said, style="dim")
        out.append("\n")
    out.rstrip()
    return out


def payer_months(report: Report, room: int = 120) -> Text:
    name_width = NAME_WIDTH if room >= 92 else 18
    cell = max(1, min(5, (room - name_width - 7) // len(report.months) - 5))
    top = max((n for p in report.payers for n in p.nights.values()), default=0)
    out = Text(no_wrap=True, overflow="ellipsis")
    if not top:
        out.append(_("No occupied nights in these months."), style="dim")
        return out
    out.append(f"{'':<{name_width}}")
    for month in report.months:
        label = formats.month_year(dt.date.fromisoformat(month + "-01"))
        out.append(f" {label:<{cell + 4}}", style="dim")
    out.append("  " + _("total") + "\n", style="dim")
    for payer in report.payers:
        style = UNPAID if payer.payer == UNBILLED else OCCUPIED
        name = _short(payer.payer, name_width)
        out.append(
            f"{name:<{name_width}}", style=f"bold {UNPAID}" if payer.payer == UNBILLED else ""
        )
        for month in report.months:
            nights = payer.nights.get(month, 0)
            out.append(" ").append_text(bar(nights, top=top, width=cell, style=style))
            out.append(f"{nights or '·':>3} ")
        out.append(f"  {payer.total:>5}\n")
    out.rstrip()
    return out

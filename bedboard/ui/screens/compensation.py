"""Host families: what each is owed per month for a period, and each year's total (their
compensation rate times their occupied nights, whoever pays). Read in a thread worker."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Label

from bedboard import formats
from bedboard.i18n import N_, _
from bedboard.services.billing.compensation import Owed, compensation
from bedboard.store import Store
from bedboard.ui import palette
from bedboard.ui.clock import Clock
from bedboard.ui.screens.period import PeriodScreen
from bedboard.ui.widgets.key_bar import KeyBar
from bedboard.ui.widgets.notice import Notice

HELP = N_(
    """\
# Host families

What each host family is owed for the period: one line per family and month, then the
year's total in bold. Nights without a compensation rate are counted apart (**no rate**),
never as 0.00: set one with `bedboard rates set --compensation`. Type the period in the two
boxes and press Enter.
"""
)


class CompensationScreen(PeriodScreen):
    HELP = HELP
    DEFAULT_CSS = """
    CompensationScreen #owed-period { height: auto; padding: 0 1; }
    CompensationScreen #owed-period Label { padding: 1 1 0 0; }
    CompensationScreen #owed-period Input { width: 17; }
    CompensationScreen #owed { height: 1fr; }
    CompensationScreen #owed-status { height: auto; padding: 0 1; }
    """
    PERIOD = "owed"
    BINDINGS = [Binding("escape", "app.pop_screen", N_("Board"), id="owed-back")]

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        super().__init__(store, clock)
        tonight = self.store.tonight(self.clock.local())
        self.first = tonight.replace(month=1, day=1)
        self.last = tonight
        self.rows: list[Owed] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Label(_("[b]Host families: compensation[/b]"), id="title")
        with Horizontal(id="owed-period"):
            yield from self.period_boxes()
        yield DataTable(id="owed", cursor_type="row", zebra_stripes=True)
        yield Notice(id="owed-status")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            _("Family"), _("Area"), _("Month"), _("Nights"), _("Owed"), _("Currency"),
            _("No rate"),
        )  # fmt: skip

    def read_period(self, session: Session, first: dt.date, last: dt.date) -> list[Owed]:
        return compensation(session, first, last, currency=self.store.settings.currency)

    def show_period(self, rows: list[Owed]) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for r in rows:
            style = "bold" if r.is_year else ""
            period = _("{year} total").format(year=r.period) if r.is_year else r.period
            table.add_row(
                Text(r.site, style),
                Text(r.area, style),
                Text(period, style),
                Text(str(r.nights), style, justify="right"),
                Text(formats.amount(r.amount), style, justify="right"),
                Text(r.currency, style),
                Text(_("{n} NO RATE").format(n=r.nights_without_rate), palette.UNPAID)
                if r.nights_without_rate
                else Text("0"),
            )
        missing = sum(r.nights_without_rate for r in rows if not r.is_year)
        status = _("{first} to {last}").format(
            first=formats.date_medium(self.first), last=formats.date_medium(self.last)
        )
        if missing:
            status += " · " + _("{n} night(s) without a compensation rate").format(n=missing)
        self.say(status, error=bool(missing))

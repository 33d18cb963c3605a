"""A live screen over a period of nights typed in two boxes (Billing, Host families): Enter in
either box checks the period and reads again; a bad date or a period the wrong way round is one
line on the screen and the last period stays shown. A read that comes back after another period
was typed in is dropped: only the period in the boxes is ever shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Input, Label

from bedboard.errors import BedboardError
from bedboard.i18n import _
from bedboard.services.clock import check_period, parse_night
from bedboard.ui.screens.base import LiveScreen


@dataclass
class PeriodLoaded(Message):
    """What a period screen read (`rows`), and for which period."""

    first: dt.date
    last: dt.date
    rows: Any


class PeriodScreen(LiveScreen):
    """`first` and `last` come from the boxes `#{PERIOD}-first` and `#{PERIOD}-last`;
    `read_period` reads for them in a thread and `show_period` shows what it read."""

    PERIOD = ""  # the id prefix of the two boxes
    first: dt.date
    last: dt.date

    def read_period(self, session: Session, first: dt.date, last: dt.date) -> Any:
        raise NotImplementedError

    def show_period(self, rows: Any) -> None:
        raise NotImplementedError

    def period_boxes(self) -> ComposeResult:
        yield Label(_("From"))
        yield Input(self.first.isoformat(), id=f"{self.PERIOD}-first", classes="period")
        yield Label(" " + _("to"))
        yield Input(self.last.isoformat(), id=f"{self.PERIOD}-last", classes="period")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    @on(Input.Submitted, ".period")
    def _period_changed(self) -> None:
        try:
            first = parse_night(self.query_one(f"#{self.PERIOD}-first", Input).value, _("from"))
            last = parse_night(self.query_one(f"#{self.PERIOD}-last", Input).value, _("to"))
            check_period(first, last)
        except BedboardError as exc:
            self.say(str(exc), error=True)
            return
        self.first, self.last = first, last
        self.period_changed()
        self.query_one(DataTable).focus()
        self.load()

    def period_changed(self) -> None:
        """A new period was typed in (before it is read)."""

    def read(self, session: Session) -> PeriodLoaded:
        first, last = self.first, self.last
        return PeriodLoaded(first, last, self.read_period(session, first, last))

    @on(PeriodLoaded)
    def _loaded(self, message: PeriodLoaded) -> None:
        if (message.first, message.last) == (self.first, self.last):
            self.show_period(message.rows)

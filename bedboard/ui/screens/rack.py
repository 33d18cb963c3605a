"""The rack: about two weeks of every unit, like a hotel room rack. The cursor is a unit on a
night; every unit action works on it.

It paints from the grid (what each cell shows, a lean read) and then reads the details the
detail line and the actions need in a second worker: at 5,000 units the details are most of
the read, and the table need not wait for them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Label, Static
from textual.worker import get_current_worker

from bedboard import formats
from bedboard.i18n import N_, _
from bedboard.services.beds.availability import UnitNight
from bedboard.services.beds.rack import RACK_NIGHTS, Rack, RackGrid, rack, rack_grid
from bedboard.services.choices import Choices, choices
from bedboard.services.clock import nights
from bedboard.store import Store
from bedboard.ui.clock import Clock
from bedboard.ui.format import detail_text
from bedboard.ui.screens.board import TICK_SECONDS
from bedboard.ui.screens.unit_actions import UnitActionsScreen
from bedboard.ui.widgets.key_bar import KeyBar
from bedboard.ui.widgets.notice import Notice
from bedboard.ui.widgets.rack_table import RackTable

WEEKS = Binding.Group(N_("Week"))

HELP = N_(
    """\
# The rack

Every place down the side, two weeks of nights across. A stay shows its guest code on its
first night, then a line for as long as it lasts (red and `!`: nobody pays). `held` is a hold,
`out` out of service, `·` free.

Move the cursor to a place and a night; the keys at the bottom act on exactly that
(check in from that night, hold it, take it out of service from that night, ...).
`[` and `]` move the two weeks by a week; `t` goes back to the current night.
"""
)


DETAILS_GROUP = "rack-details"


@dataclass
class RackLoaded(Message):
    first: dt.date
    grid: RackGrid
    choices: Choices
    now: dt.datetime


@dataclass
class DetailsLoaded(Message):
    grid: RackGrid  # the grid these details go with
    rack: Rack


class RackScreen(UnitActionsScreen):
    HELP = HELP
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Board"), id="back"),
        Binding("left_square_bracket", "shift(-7)", N_("Week back"), id="week-back", group=WEEKS),
        Binding("right_square_bracket", "shift(7)", N_("Week on"), id="week-on", group=WEEKS),
        Binding("t", "tonight", N_("Tonight"), id="tonight"),
    ]

    def __init__(
        self,
        store: Store,
        clock: Clock | None = None,
        *,
        first: dt.date | None = None,
        unit_id: int | None = None,
    ) -> None:
        super().__init__(store, clock)
        self.first = first or self.store.tonight(self.clock.local())
        self.data: Rack | None = None  # the details, once read
        self.grid: RackGrid | None = None  # what the table shows
        self._grid_at: dt.datetime | None = None  # the time it was read at
        self.start_unit = unit_id

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Label("", id="title")
        yield RackTable(id="rack", nights=RACK_NIGHTS)
        yield Static("", id="detail")
        yield Notice()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(RackTable).focus()
        # the countdown in the detail line; the expiry itself reloads (reload_at_next_expiry)
        self.set_interval(TICK_SECONDS, self._show_detail)

    def read(self, session: Session) -> RackLoaded:
        first, now = self.first, self.clock.utc()
        return RackLoaded(
            first, rack_grid(session, nights(first, RACK_NIGHTS), now), choices(session), now
        )

    # a worker's arguments go into its description by repr(): 70,000 cells took 0.2 s
    @work(thread=True, exclusive=True, group=DETAILS_GROUP, exit_on_error=False)
    def _details_in_thread(self) -> None:
        grid, now = self.grid, self._grid_at
        if grid is None or now is None:
            return
        with self.store.read() as session:
            data = rack(session, grid.nights[0], len(grid.nights), now=now)
        if not get_current_worker().is_cancelled:
            self.post_message(DetailsLoaded(grid, data))

    @on(DetailsLoaded)
    def _details(self, message: DetailsLoaded) -> None:
        if message.grid is not self.grid:
            return  # a newer read is on screen; its own details follow
        self.data = message.rack
        self.reload_at_next_expiry(message.rack.held())
        self._show_detail()

    @on(RackLoaded)
    def _loaded(self, message: RackLoaded) -> None:
        if message.first != self.first:
            return
        if self.data is not None and self.data.nights != message.grid.nights:
            self.data = None  # another two weeks: the old details would act on wrong nights
        self.grid, self._grid_at = message.grid, message.now
        self.choices = message.choices
        table = self.query_one(RackTable)
        table.show(message.grid)
        # after the table's paint: the details' worker would hold the GIL while the rows draw.
        # Asked of the table, not of the screen: the screen runs its callbacks before the
        # table's refresh has reached it, and the paint then shared the GIL (issue 16).
        table.call_after_refresh(self._details_in_thread)
        if self.start_unit is not None:
            table.select_key(f"unit:{self.start_unit}")
            self.start_unit = None
        if table.cursor_column == 0:
            table.move_cursor(column=1)  # start on a night, where every action works
        last = message.grid.nights[-1]
        self.query_one("#title", Label).update(
            _("[b]Rack[/b] · nights {first} to {last}").format(
                first=formats.night_short(self.first), last=formats.night_long(last)
            )
        )
        self._show_detail()

    @on(RackTable.Highlighted)
    def _show_detail(self) -> None:
        unit = self.selected_unit
        self.query_one("#detail", Static).update(
            Text(
                _("Night of {night}: ").format(night=formats.night_short(unit.night))
                + detail_text(unit, self.clock.utc(), self.clock.local_time_of)
            )
            if unit
            else ""
        )
        self.refresh_bindings()

    @on(RackTable.Selected)
    def _cell_menu(self) -> None:
        self.action_menu()

    # What the unit actions act on -----------------------------------------------------------

    @property
    def selected_unit(self) -> UnitNight | None:
        if self.data is None or not self.is_mounted:
            return None
        table = self.query_one(RackTable)
        key = table.current_key
        column = table.cursor_column
        if key is None or column < 1 or column > len(self.data.nights):
            return None
        return self.data.cell(int(key.removeprefix("unit:")), self.data.nights[column - 1])

    def units_on(self, night: dt.date) -> list[UnitNight]:
        if self.data is None:
            return []
        return [c for i, _ in self.data.order if (c := self.data.cell(i, night))]

    @property
    def current_night(self) -> dt.date:
        unit = self.selected_unit
        return unit.night if unit else self.first

    # Moving in time -------------------------------------------------------------------------

    def action_shift(self, days: int) -> None:
        first = self.shifted(self.first, days)
        if first is not None:
            self.first = first
            self.load()

    def action_tonight(self) -> None:
        self.first = self.store.tonight(self.clock.local())
        self.load()

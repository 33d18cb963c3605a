"""The board: one night's availability, per site and per unit, kept live."""

from __future__ import annotations

import datetime as dt

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Static
from textual.worker import Worker, WorkerState, get_current_worker

from bedboard.errors import BedboardError
from bedboard.services.availability import UnitNight, availability, site_counts
from bedboard.services.demo import load_demo
from bedboard.store import Store
from bedboard.ui.clock import Clock
from bedboard.ui.format import detail_text, night_title
from bedboard.ui.messages import ActionDone, BoardLoaded
from bedboard.ui.screens.confirm import ConfirmScreen
from bedboard.ui.widgets.site_table import SiteTable
from bedboard.ui.widgets.unit_table import UnitTable, unit_key

TICK_SECONDS = 30  # hold countdowns, expired holds and the rollover need no database change


class BoardScreen(Screen[None]):
    BINDINGS = [
        Binding("left_square_bracket", "night(-1)", "Prev night", id="prev-night"),
        Binding("right_square_bracket", "night(1)", "Next night", id="next-night"),
        Binding("t", "tonight", "Tonight", id="tonight"),
    ]

    night: reactive[dt.date] = reactive(dt.date.min, init=False, bindings=True)

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        super().__init__()
        self.store = store
        self.clock = clock or Clock()
        self.units: dict[str, UnitNight] = {}
        self.loaded = False
        self.offered_demo = False
        self.set_reactive(BoardScreen.night, self.tonight())

    def tonight(self) -> dt.date:
        return self.store.tonight(self.clock.local())

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Label("", id="title")
            yield Label("", id="status")
        yield SiteTable(id="sites")
        yield UnitTable(id="units")
        yield Static("", id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(UnitTable).focus()
        self.watch(self.app, "revision", self._database_changed, init=False)
        self.watch(self.app, "online", self._show_online)
        self.set_interval(TICK_SECONDS, self._tick)
        self.load()

    # Loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="board-load", exit_on_error=False)
    def load(self) -> None:
        night = self.night
        with self.store.read() as session:
            units = availability(session, night, now=self.clock.utc())
        if not get_current_worker().is_cancelled:
            self.post_message(BoardLoaded(night, units))

    def _database_changed(self, _revision: int | None) -> None:
        self.load()

    def _show_online(self, online: bool) -> None:
        text = "[green]●[/green] live" if online else "[red]● offline, retrying[/red]"
        self.query_one("#status", Label).update(text)

    def _tick(self) -> None:
        if self.night != self.tonight() and self.night == self.tonight() - dt.timedelta(days=1):
            # The rollover hour passed while the board showed the current night: follow it.
            self.night = self.tonight()
        else:
            self.load()

    @on(BoardLoaded)
    def show_loaded(self, message: BoardLoaded) -> None:
        if message.night != self.night:
            return  # a slower load for a night no longer shown
        self.loaded = True
        now = self.clock.utc()
        self.units = {unit_key(u): u for u in message.units}
        self.query_one(SiteTable).show(site_counts(message.units))
        self.query_one(UnitTable).show(message.units, now)
        self._show_title()
        self._show_detail()
        if not message.units and not self.offered_demo:
            self.offered_demo = True
            self._offer_demo()

    def _show_title(self) -> None:
        free = sum(1 for u in self.units.values() if u.status == "free")
        title = night_title(self.night, self.tonight())
        self.query_one("#title", Label).update(
            f"[b]{title}[/b]  ·  {len(self.units)} places, [green]{free} free[/green]"
        )

    @on(DataTable.RowHighlighted, "#units")
    def _show_detail(self) -> None:
        unit = self.selected_unit
        text = detail_text(unit, self.clock.utc()) if unit else ""
        self.query_one("#detail", Static).update(text)

    @property
    def selected_unit(self) -> UnitNight | None:
        key = self.query_one(UnitTable).current_key
        return self.units.get(key) if key else None

    @on(DataTable.RowSelected, "#sites")
    def _jump_to_site(self, event: DataTable.RowSelected) -> None:
        site = str(event.row_key.value).removeprefix("site:")
        table = self.query_one(UnitTable)
        first = next((key for key, u in self.units.items() if u.site == site), None)
        if first is not None:
            table.select_key(first)
            table.focus()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            text = str(error) if isinstance(error, BedboardError) else f"{error!r}"
            self.notify(text, title="Could not read the database", severity="error")

    # Nights ----------------------------------------------------------------------------

    def watch_night(self) -> None:
        self._show_title()
        self.load()

    def action_night(self, step: int) -> None:
        self.night = self.night + dt.timedelta(days=step)

    def action_tonight(self) -> None:
        self.night = self.tonight()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "tonight":
            return self.night != self.tonight()
        return True

    # Empty database --------------------------------------------------------------------

    def _offer_demo(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._load_demo()

        self.app.push_screen(
            ConfirmScreen(
                "This database has no sites yet.\n\n"
                "Load the demo data (7 sites, 42 places, payers, guests)?\n"
                "You can import your own inventory instead with `bedboard import inventory`.",
                yes="Load demo",
                no="Not now",
            ),
            answered,
        )

    @work(thread=True, group="board-write", exit_on_error=False)
    def _load_demo(self) -> None:
        with self.store.write() as session:
            load_demo(session, tonight=self.tonight(), actor=self.store.actor)
        self.post_message(ActionDone("Demo data loaded."))

    @on(ActionDone)
    def _done(self, message: ActionDone) -> None:
        self.notify(message.text)
        self.load()

"""Find a place: what the outreach worker asks with the person standing beside them. Type the
needs; the places that fit are listed best first; `h` holds the chosen one at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, DataTable, Input, Label, Static
from textual.worker import get_current_worker

from bedboard.errors import BedboardError
from bedboard.services.beds.placement import Needs, PlaceOption, find_places, hold_places
from bedboard.store import Store
from bedboard.ui.clock import Clock
from bedboard.ui.screens.base import BoardBaseScreen, changes
from bedboard.ui.widgets.key_bar import KeyBar
from bedboard.ui.widgets.keyed_table import KeyedTable

HELP = """\
# Find a place

Say what the person needs; the places that fit appear at once, best first: in the area
asked for, then where the language is spoken, then where there is most room.

- **Places together**: a mother with two children needs 3, at one site (same room first).
- **Nights**: the place must be free on every one of them.
- **Women only**, **Children**, **Accessible** must all hold for a place to be listed.
- **Language** (a code like `ro` or `ru`) and **Area** are preferences: they sort first.

Tab moves between the fields and the list. On the list, `h` holds the places of the chosen
row straight away (90 minutes, for the needs you typed); confirm the hold on the board when
the person arrives. Esc goes back to the board.
"""


@dataclass
class PlacesFound(Message):
    needs: Needs
    night: dt.date
    options: list[PlaceOption]
    error: str = ""


class OptionTable(KeyedTable):
    COLUMNS = (
        ("site", "Site", 22),
        ("area", "Area", 11),
        ("free", "Fit", 3),
        ("units", "Would hold", 18),
        ("why", "Why first", 20),
    )

    def show(self, options: list[PlaceOption]) -> None:
        self.sync(
            [
                (
                    f"site:{o.site}",
                    (
                        o.site,
                        o.area,
                        Text(str(o.free_fitting), justify="right"),
                        ", ".join(ref.rpartition("/")[2] for ref in o.units),
                        o.why,
                    ),
                )
                for o in options
            ]
        )


class PlacementScreen(BoardBaseScreen):
    HELP = HELP
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Board", id="back"),
        Binding("h", "hold_place", "Hold these", id="hold-place"),
    ]

    def __init__(
        self,
        store: Store,
        clock: Clock | None = None,
        *,
        night: dt.date,
        areas: Sequence[str] = (),
        languages: Sequence[str] = (),
    ) -> None:
        super().__init__(store, clock)
        self.night = night
        self.areas = list(areas)
        self.languages = list(languages)
        self.options: list[PlaceOption] = []
        self.needs = Needs()

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Label(f"[b]Find a place[/b] · the night of {self.night:%a %d %b %Y}", id="title")
        with Horizontal(classes="needs"):
            yield Label("Night")
            yield Input(str(self.night), id="night", classes="date")
            yield Label("Places")
            yield Input("1", id="places", type="integer", classes="number")
            yield Label("Nights")
            yield Input("1", id="nights", type="integer", classes="number")
            yield Label("Language")
            yield Input(
                "",
                id="language",
                placeholder="ro",
                classes="short",
                suggester=self._suggest(self.languages),
            )
            yield Label("Area")
            yield Input("", id="area", classes="area", suggester=self._suggest(self.areas))
        with Horizontal(classes="needs"):
            yield Checkbox("Women only", id="women_only")
            yield Checkbox("Children", id="children")
            yield Checkbox("Accessible", id="accessible")
        yield OptionTable(id="options")
        yield Static("", id="detail")
        yield KeyBar()

    @staticmethod
    def _suggest(words: Sequence[str]) -> SuggestFromList | None:
        return SuggestFromList(words, case_sensitive=False) if words else None

    def on_mount(self) -> None:
        self.query_one("#places", Input).focus()
        self.watch(self.app, "revision", self._database_changed, init=False)
        self.search()

    def _database_changed(self, _revision: int | None) -> None:
        self.search()

    def changed(self) -> None:
        self.search()

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _needs_changed(self) -> None:
        self.search()

    @on(Input.Submitted)
    def _to_results(self) -> None:
        self.query_one(OptionTable).focus()

    def _read_needs(self) -> tuple[dt.date, Needs]:
        def number(widget_id: str) -> int:
            text = self.query_one(widget_id, Input).value.strip()
            return int(text) if text else 1

        night_text = self.query_one("#night", Input).value.strip()
        try:
            night = dt.date.fromisoformat(night_text)
        except ValueError:
            raise ValueError(f"night {night_text!r} is not a date like 2026-11-27") from None
        return night, Needs(
            places=number("#places"),
            nights=number("#nights"),
            women_only=self.query_one("#women_only", Checkbox).value,
            children=self.query_one("#children", Checkbox).value,
            accessible=self.query_one("#accessible", Checkbox).value,
            language=self.query_one("#language", Input).value.strip(),
            area=self.query_one("#area", Input).value.strip(),
        )

    def search(self) -> None:
        try:
            night, needs = self._read_needs()
        except ValueError as exc:
            self._show_message(str(exc))
            return
        self._find(night, needs)

    @work(thread=True, exclusive=True, group="placement", exit_on_error=False)
    def _find(self, night: dt.date, needs: Needs) -> None:
        try:
            with self.store.read() as session:
                options = find_places(session, night, needs, now=self.clock.utc())
        except BedboardError as exc:
            self.post_message(PlacesFound(needs, night, [], str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(PlacesFound(needs, night, options))

    @on(PlacesFound)
    def _found(self, message: PlacesFound) -> None:
        asked_anew = (message.night, message.needs) != (self.night, self.needs)
        self.night = message.night
        self.needs = message.needs
        self.options = message.options
        table = self.query_one(OptionTable)
        table.show(message.options)
        if asked_anew and table.row_count:
            table.move_cursor(row=0)  # new needs: the best place is the one under the cursor
        if message.error:
            self._show_message(message.error)
        elif not message.options:
            self._show_message(
                "Nothing fits. Try fewer needs or another area; w on the board records a turnaway."
            )
        else:
            n = len(message.options)
            self._show_message(
                f"{n} site{'s' if n != 1 else ''} fit, best first. "
                "Enter in a field goes to the list; h holds a row."
            )
        self.refresh_bindings()

    def _show_message(self, text: str) -> None:
        self.query_one("#detail", Static).update(Text(text))

    @property
    def selected_option(self) -> PlaceOption | None:
        if not self.is_mounted:
            return None
        key = self.query_one(OptionTable).current_key
        return next((o for o in self.options if f"site:{o.site}" == key), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hold_place":
            table = self.query_one(OptionTable) if self.is_mounted else None
            return table is not None and table.has_focus and self.selected_option is not None
        return True

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    @changes
    def action_hold_place(self) -> None:
        option = self.selected_option
        if option is None:
            return
        night, needs = self.night, self.needs
        held_for = "Find a place: " + describe(needs)

        def change(session: Session) -> str:
            hold_places(
                session,
                units=option.units,
                night=night,
                held_for=held_for,
                actor=self.store.actor,
                now=self.clock.utc(),
            )
            return f"Held {', '.join(option.units)} for the night of {night} (90 minutes)."

        self.run_change(change)


def describe(needs: Needs) -> str:
    parts = [f"{needs.places} place{'s' if needs.places != 1 else ''}"]
    if needs.nights > 1:
        parts.append(f"{needs.nights} nights")
    if needs.women_only:
        parts.append("women only")
    if needs.children:
        parts.append("children")
    if needs.accessible:
        parts.append("accessible")
    if needs.language:
        parts.append(f"speaks {needs.language}")
    if needs.area:
        parts.append(needs.area)
    return ", ".join(parts)

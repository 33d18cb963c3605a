"""Find a place: what the outreach worker asks with the person standing beside them. Type the
needs; the places that fit are listed best first; `h` holds the chosen one at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.markup import escape
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, DataTable, Input, Label, Static

from bedboard import formats
from bedboard.errors import BedboardError
from bedboard.i18n import N_, _, ngettext
from bedboard.services.beds import holds
from bedboard.services.beds.placement import (
    Needs,
    PlaceOption,
    Who,
    find_places,
    hold_places,
    needs_for,
    who,
)
from bedboard.services.choices import choices
from bedboard.services.people.turnaways import record_turnaway
from bedboard.states import TurnawayReason
from bedboard.store import Store
from bedboard.ui.clock import Clock
from bedboard.ui.screens.base import LiveScreen, changes
from bedboard.ui.screens.form import Field, FormScreen
from bedboard.ui.widgets.code_suggester import GuestCodeSuggester
from bedboard.ui.widgets.key_bar import KeyBar
from bedboard.ui.widgets.keyed_table import KeyedTable
from bedboard.ui.widgets.mark_checkbox import MarkCheckbox
from bedboard.ui.widgets.notice import Notice

HELP = N_(
    """\
# Find a place

Say who it is for, or what the person needs; the places that fit appear at once, best first:
a household in one room (or one home) first, then in the area asked for, then where the
language is spoken, then where there is most room.

- **Who**: a guest's or a household's code. A household brings its size, its children (by
  birth year) and every need its members have recorded; keep-away rules apply unseen.
- **Nights**: the place must be free on every one of them.
- **Places together**: a mother with two children needs 3, at one site (same room first).
- **Women only**, **Children**, **Accessible** must all hold for a place to be listed.
- **Language** (a code like `ro` or `ru`) and **Area** are preferences: they sort first.

Tab moves between the fields and the list; Enter in a field goes to the list. On the list,
`h` holds the places of the chosen row for every night (90 minutes); `c` then confirms that
hold for the household in one step (payer completes with the right arrow). When nothing
fits, `w` records a turnaway with the needs that could not be met. Esc goes back.
"""
)


@dataclass
class PlacesFound(Message):
    needs: Needs
    night: dt.date
    options: list[PlaceOption]
    error: str = ""
    who: Who = field(default_factory=Who)


@dataclass(frozen=True)
class HeldHere:
    hold_id: int
    units: tuple[str, ...]
    who: Who


WHY_WORDS = {"same room": N_("same room"), "area": N_("area"), "language": N_("language")}
NEED_WORDS = {
    "women_only": N_("women only"),
    "children": N_("children"),
    "accessible": N_("accessible"),
}


class OptionTable(KeyedTable):
    COLUMNS = (
        ("site", N_("Site"), 22),
        ("area", N_("Area"), 11),
        ("free", N_("Fit"), 3),
        ("units", N_("Would hold"), 18),
        ("why", N_("Why first"), 20),
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
                        ", ".join(_(WHY_WORDS.get(r, r)) for r in o.reasons),
                    ),
                )
                for o in options
            ]
        )


class PlacementScreen(LiveScreen):
    HELP = HELP
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Board"), id="back"),
        Binding("h", "hold_place", N_("Hold these"), id="hold-place"),
        Binding("c", "confirm_held", N_("Confirm for them"), id="confirm-held"),
        Binding("w", "turnaway", N_("Turnaway"), id="placement-turnaway"),
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
        self.who = Who()
        self.held: HeldHere | None = None  # the hold made here last, for `c`
        self.payers: list[str] = []
        self._asked: tuple[dt.date, Needs, str] = (night, Needs(), "")  # what `read` looks for

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Label(
                "[b]"
                + escape(_("Find a place"))
                + "[/b] · "
                + escape(_("the night of {night}").format(night=formats.night_long(self.night))),
                id="title",
            )
        with Horizontal(classes="needs"):
            yield Label(_("Who"))
            yield Input(
                "",
                id="who",
                placeholder=_("guest or household"),
                classes="who",
                suggester=GuestCodeSuggester(self.store),
            )
            yield Label(_("Nights"))
            yield Input("1", id="nights", type="integer", classes="number")
            yield Label(_("Places"))
            yield Input("1", id="places", type="integer", classes="number")
            yield Label(_("Night"))
            yield Input(str(self.night), id="night", classes="date")
        with Horizontal(classes="needs"):
            yield Label(_("Language"))
            yield Input(
                "",
                id="language",
                placeholder="ro",
                classes="short",
                suggester=self._suggest(self.languages),
            )
            yield Label(_("Area"))
            yield Input("", id="area", classes="area", suggester=self._suggest(self.areas))
        with Horizontal(classes="needs"):
            yield MarkCheckbox(_("Women only"), id="women_only")
            yield MarkCheckbox(_("Children"), id="children")
            yield MarkCheckbox(_("Accessible"), id="accessible")
        yield OptionTable(id="options")
        yield Static("", id="detail")
        yield Notice()
        yield KeyBar()

    @staticmethod
    def _suggest(words: Sequence[str]) -> SuggestFromList | None:
        return SuggestFromList(words, case_sensitive=False) if words else None

    def on_mount(self) -> None:
        first = self.query_one("#who", Input)
        first.cursor_blink = False  # steady: the first thing typed goes here (and snapshots agree)
        first.focus()

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _needs_changed(self) -> None:
        self.load()

    @on(Input.Submitted)
    def _to_results(self) -> None:
        self.query_one(OptionTable).focus()

    def _read_needs(self) -> tuple[dt.date, Needs, str]:
        def number(widget_id: str) -> int:
            text = self.query_one(widget_id, Input).value.strip()
            return int(text) if text else 1

        night_text = self.query_one("#night", Input).value.strip()
        try:
            night = dt.date.fromisoformat(night_text)
        except ValueError:
            raise ValueError(
                _("night {text!r} is not a date like 2026-11-27").format(text=night_text)
            ) from None
        return (
            night,
            Needs(
                places=number("#places"),
                nights=number("#nights"),
                women_only=self.query_one("#women_only", Checkbox).value,
                children=self.query_one("#children", Checkbox).value,
                accessible=self.query_one("#accessible", Checkbox).value,
                language=self.query_one("#language", Input).value.strip(),
                area=self.query_one("#area", Input).value.strip(),
            ),
            self.query_one("#who", Input).value.strip(),
        )

    def load(self) -> None:
        """Read the needs typed in first: a bad one is said at once and nothing is read (the
        search then runs as every live screen reads, again when the database changes)."""
        try:
            self._asked = self._read_needs()
        except ValueError as exc:
            self._show_message(str(exc))
            return
        super().load()

    def read(self, session: Session) -> PlacesFound:
        night, needs, code = self._asked
        person = Who()
        try:
            person = who(session, code)
            needs = needs_for(
                session, needs, night=night, guest=person.guest, household=person.household
            )
            options = find_places(session, night, needs, now=self.clock.utc())
            self.payers = list(self.choices_payers(session))
        except BedboardError as exc:
            return PlacesFound(needs, night, [], str(exc), person)
        return PlacesFound(needs, night, options, who=person)

    @staticmethod
    def choices_payers(session: Session) -> list[str]:
        return list(choices(session).payers)

    @on(PlacesFound)
    def _found(self, message: PlacesFound) -> None:
        asked_anew = (message.night, message.needs) != (self.night, self.needs)
        self.night = message.night
        self.needs = message.needs
        self.who = message.who
        self.options = message.options
        table = self.query_one(OptionTable)
        table.show(message.options)
        if asked_anew and table.row_count:
            table.move_cursor(row=0)  # new needs: the best place is the one under the cursor
        if message.error:
            self._show_message(message.error)
        elif self.held is not None and not message.options:
            self._show_message(
                _("Hold #{id} keeps {units}: c confirms it.").format(
                    id=self.held.hold_id, units=", ".join(self.held.units)
                )
            )
        elif not message.options:
            self._show_message(
                _("Nothing fits. Try fewer needs or another area; w records a turnaway.")
            )
        else:
            n = len(message.options)
            for_whom = f" {_('for')} {self.who.label}" if self.who.label else ""
            held = (
                " " + _("Hold #{id}: c confirms it.").format(id=self.held.hold_id)
                if self.held
                else ""
            )
            fit = ngettext(
                "{n} site fits{for_whom}, best first.", "{n} sites fit{for_whom}, best first.", n
            ).format(n=n, for_whom=for_whom)
            self._show_message(
                fit + " " + _("Enter in a field goes to the list; h holds a row.") + held
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
        if action == "confirm_held":
            return self.held is not None
        if action == "turnaway":
            table = self.query_one(OptionTable) if self.is_mounted else None
            return table is not None and table.has_focus and not self.options and self.held is None
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
        night, needs, person = self.night, self.needs, self.who
        held_for = (
            _("Find a place")
            + ": "
            + (f"{person.label}, " if person.label else "")
            + describe(needs)
        )

        def change(session: Session) -> str:
            row = hold_places(
                session,
                units=option.units,
                night=night,
                nights_count=needs.nights,
                held_for=held_for[: holds.MAX_HELD_FOR],
                actor=self.store.actor,
                now=self.clock.utc(),
            )
            self.held = HeldHere(row.id, option.units, person)
            when = formats.night_short(night)
            if needs.nights > 1:
                when = _("{n} nights from {night}").format(n=needs.nights, night=when)
            return _("Held {units} for {when} (90 minutes), hold #{id}. c confirms it.").format(
                units=", ".join(option.units), when=when, id=row.id
            )

        self.run_change(change)

    @changes
    def action_confirm_held(self) -> None:
        held = self.held
        if held is None:
            return
        members = " ".join(held.who.members) if len(held.who.members) == len(held.units) else ""
        form = FormScreen(
            _("Confirm hold #{id}").format(id=held.hold_id),
            [
                Field(
                    "payer",
                    _("Payer"),
                    suggester=SuggestFromList(self.payers, case_sensitive=False),
                    placeholder=_("nobody yet (unbilled); completes with the right arrow"),
                ),
                Field("reference", _("Reference"), placeholder=_("decision or case number")),
                Field(
                    "guests",
                    _("Guests"),
                    default=members,
                    required=True,
                    placeholder=_("codes in the order of the places"),
                ),
            ],
            _("Confirm"),
            intro=_("Books every held night: {pairs}.").format(
                pairs=", ".join(
                    f"{u} {_('for')} {g}"
                    for u, g in zip(
                        held.units, held.who.members or ("?",) * len(held.units), strict=False
                    )
                )
            ),
        )

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            codes = values["guests"].replace(",", " ").split()
            payer = values["payer"] or None

            def change(session: Session) -> str:
                booked = holds.confirm(
                    session,
                    hold_id=held.hold_id,
                    guest_codes=codes,
                    payer=payer,
                    reference=values["reference"],
                    actor=self.store.actor,
                    now=self.clock.utc(),
                )
                self.held = None
                unbilled = "" if payer else " " + _("No payer yet: unbilled.")
                said = ngettext(
                    "Hold #{id} confirmed: {n} guest, every held night.",
                    "Hold #{id} confirmed: {n} guests, every held night.",
                    len(booked),
                ).format(id=held.hold_id, n=len(booked))
                return said + unbilled

            self.run_change(change)

        self.app.push_screen(form, done)

    @changes
    def action_turnaway(self) -> None:
        night, needs = self.night, self.needs

        def change(session: Session) -> str:
            record_turnaway(
                session,
                night=night,
                reason=TurnawayReason.NEEDS_NOT_MET,
                people=needs.places,
                needs=";".join(needs.unmet()),
                actor=self.store.actor,
            )
            missing = ", ".join(_(NEED_WORDS.get(n, n)) for n in needs.unmet())
            return _("Turnaway recorded for the night of {night}: {missing}.").format(
                night=formats.night_short(night), missing=missing or _("no need recorded")
            )

        self.run_change(change)


def describe(needs: Needs) -> str:
    parts = [ngettext("{n} place", "{n} places", needs.places).format(n=needs.places)]
    if needs.nights > 1:
        parts.append(ngettext("{n} night", "{n} nights", needs.nights).format(n=needs.nights))
    if needs.women_only:
        parts.append(_("women only"))
    if needs.children:
        parts.append(_("children"))
    if needs.accessible:
        parts.append(_("accessible"))
    if needs.language:
        parts.append(_("speaks {language}").format(language=needs.language))
    if needs.area:
        parts.append(needs.area)
    return ", ".join(parts)

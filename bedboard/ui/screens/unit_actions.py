"""Acting on one unit on one night: the keys, the forms, and the service calls. The board and
the rack both inherit this; each says which unit and night is selected."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session
from textual.binding import Binding

from bedboard.i18n import _
from bedboard.services.beds import holds, out_of_service, stays
from bedboard.services.beds.availability import UnitNight
from bedboard.services.beds.holds import DEFAULT_HOLD_MINUTES, MAX_HOLD_MINUTES
from bedboard.services.choices import Choices
from bedboard.services.people.guests import GuestFields, register_or_update
from bedboard.services.people.intake_text import GENDERS
from bedboard.services.people.search import reveal_name
from bedboard.services.people.turnaways import MAX_PEOPLE, TURNAWAY_REASONS, record_turnaway
from bedboard.ui.format import tags_text
from bedboard.ui.screens.base import BoardBaseScreen, changes
from bedboard.ui.screens.confirm import ConfirmScreen
from bedboard.ui.screens.form import Field, FormScreen
from bedboard.ui.screens.pick import PickScreen
from bedboard.ui.widgets.code_suggester import GuestCodeSuggester

# Which unit states each action needs; None: any unit (or none selected).
NEEDS_STATE: dict[str, tuple[str, ...] | None] = {
    "check_in": ("free",),
    "confirm_hold": ("held",),
    "cancel_hold": ("held",),
    "hold": ("free",),
    "check_out": ("occupied",),
    "extend": ("occupied",),
    "move": ("occupied",),
    "reveal_name": ("occupied",),
    "out_of_service": ("free",),
    "back_in_service": ("out_of_service",),
    "turnaway": None,
}

REASON_LABELS = {
    "no_free_unit": "no free place",
    "no_payer": "nobody would pay",
    "not_eligible": "not eligible",
    "needs_not_met": "needs could not be met",
    "other": "other",
}


def kept_text(later: stays.LaterBooking | None) -> str:
    """A later booking that a check-out or move left alone, said out loud."""
    if later is None:
        return ""
    return " " + _("Their later booking from {night} in {unit} is kept.").format(
        night=later.first_night, unit=later.unit
    )


def plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    return f"{n} people" if word == "person" else f"{n} {word}s"


class UnitActionsScreen(BoardBaseScreen):
    BINDINGS = [
        Binding("c", "check_in", "Check in", id="check-in"),
        Binding("c", "confirm_hold", "Confirm hold", id="confirm-hold"),
        Binding("h", "hold", "Hold", id="hold"),
        Binding("x", "cancel_hold", "Cancel hold", id="cancel-hold"),
        Binding("o", "check_out", "Check out", id="check-out"),
        Binding("e", "extend", "Extend", id="extend"),
        Binding("m", "move", "Move", id="move"),
        Binding("s", "out_of_service", "Out of service", id="out-of-service"),
        Binding("s", "back_in_service", "Back in service", id="back-in-service"),
        Binding("w", "turnaway", "Turnaway", id="turnaway"),
        Binding("N", "reveal_name", "Show name", id="reveal-name"),
    ]

    choices = Choices()

    # What a screen must say ---------------------------------------------------------------

    @property
    def selected_unit(self) -> UnitNight | None:
        raise NotImplementedError

    def units_on(self, night: dt.date) -> list[UnitNight]:
        """Every unit on a night, as far as this screen knows (for choosing a move target)."""
        raise NotImplementedError

    @property
    def current_night(self) -> dt.date:
        raise NotImplementedError

    # Keys that work now ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in NEEDS_STATE:
            return True
        states = NEEDS_STATE[action]
        if states is None:
            return True
        unit = self.selected_unit
        return unit is not None and self.status_now(unit) in states

    def status_now(self, unit: UnitNight) -> str:
        """The unit's status by the clock now: a hold that ran out since the last load is free,
        so no key offers to confirm or cancel it."""
        expires = unit.hold_expires_at
        if unit.status == "held" and expires is not None and expires <= self.clock.utc():
            return "free"
        return unit.status

    def reload_at_next_expiry(self, units: Iterable[UnitNight]) -> None:
        """Load again the moment the next hold shown runs out: an expiry changes nothing in the
        database, so no revision would tell the screen. A hold that ran out between the read and
        now (the data is already behind) loads again at once."""
        now = self.clock.utc()
        pending = [
            u.hold_expires_at for u in units if u.status == "held" and u.hold_expires_at is not None
        ]
        timer = getattr(self, "_expiry_timer", None)
        if timer is not None:
            timer.stop()
        self._expiry_timer = None
        if pending:
            delay = max((min(pending) - now).total_seconds(), 0) + 0.5
            self._expiry_timer = self.set_timer(delay, self.changed)

    def action_menu(self) -> None:
        """Enter on a unit: the actions that work on it now, to pick from."""
        unit = self.selected_unit
        if unit is None:
            return
        options = []
        for active in self.active_bindings.values():
            binding = active.binding
            if binding.action in NEEDS_STATE and active.enabled:
                key = self.app.get_key_display(binding)
                options.append((f"{binding.description}  ({key})", binding.action))

        def chosen(action: str | None) -> None:
            if action:
                self.call_later(self.run_action, action)

        where = f"{unit.ref}, night of {unit.night}"
        self.app.push_screen(
            PickScreen(f"{where}: {self.status_now(unit).replace('_', ' ')}", options), chosen
        )

    def _unit(self) -> UnitNight | None:
        """The selected unit, checked again: the footer may be a moment behind a live change."""
        return self.selected_unit

    # Stays ----------------------------------------------------------------------------------

    def _stay_fields(self) -> list[Field]:
        return [
            Field(
                "guest",
                "Guest code",
                required=True,
                suggester=GuestCodeSuggester(self.store),
                placeholder="a new code creates the guest",
            ),
            Field("nights", "Nights", "int", default=1, low=1, high=366),
            Field(
                "payer",
                "Payer",
                "select",
                options=[(p, p) for p in self.choices.payers],
                prompt="nobody yet (unbilled)",
            ),
            Field("reference", "Reference", placeholder="decision or case number"),
        ]

    def _intake_fields(self) -> list[Field]:
        """A new guest is registered in the same step as her check-in."""
        return [
            Field(
                "gender",
                _("Gender"),
                "select",
                options=[(_(g), g) for g in GENDERS],
                prompt=_("(not recorded)"),
            ),
            Field("birth_year", _("Birth year"), "int", low=1900, high=dt.date.today().year),
            Field("needs", _("Needs"), placeholder="women_only,children,accessible"),
            Field("household", _("Household"), placeholder=_("code; a new one is created")),
        ]

    @changes
    def action_check_in(self) -> None:
        unit = self._unit()
        if unit is None:
            return
        tags = tags_text(unit.tags)
        fields = self._stay_fields()
        fields[0] = Field(
            "guest",
            "Guest code",
            suggester=GuestCodeSuggester(self.store),
            placeholder=_("empty: a new code is made"),
        )
        form = FormScreen(
            f"Check in to {unit.ref}",
            [*fields, *self._intake_fields()],
            "Check in",
            intro=f"From the night of {unit.night}."
            + (f" This place: {tags}." if tags else "")
            + " Known codes complete with the right arrow; "
            + _("a new guest is registered with what is filled in below."),
        )

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            count = values["nights"] or 1
            intake = GuestFields(
                birth_year=values["birth_year"],
                gender=values["gender"],
                needs=values["needs"] or None,
                household=values["household"] or None,
            )

            def change(session: Session) -> str:
                code = register_or_update(
                    session,
                    code=values["guest"] or None,
                    fields=intake,
                    actor=self.store.actor,
                    prefix=self.store.settings.guest_code_prefix,
                )
                stays.check_in(
                    session,
                    unit=unit.ref,
                    guest_code=code,
                    night=unit.night,
                    nights_count=count,
                    payer=values["payer"],
                    reference=values["reference"],
                    actor=self.store.actor,
                    now=self.clock.utc(),
                )
                unbilled = "" if values["payer"] else " No payer yet: unbilled."
                return f"Checked in {code} to {unit.ref}, {plural(count, 'night')}.{unbilled}"

            self.run_change(change)

        self.app.push_screen(form, done)

    @changes
    def action_confirm_hold(self) -> None:
        unit = self._unit()
        if unit is None or unit.hold_id is None:
            return
        hold_id = unit.hold_id
        form = FormScreen(
            f"Confirm the hold on {unit.ref}",
            self._stay_fields(),
            "Confirm",
            intro=f"Held for: {unit.held_for or '(not said)'}. The stay starts {unit.night}.",
        )

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            code, count = values["guest"], values["nights"] or 1

            def change(session: Session) -> str:
                holds.confirm_hold(
                    session,
                    hold_id=hold_id,
                    guest_code=code,
                    nights_count=count,
                    payer=values["payer"],
                    reference=values["reference"],
                    actor=self.store.actor,
                    now=self.clock.utc(),
                )
                return f"Hold confirmed: {code} in {unit.ref}, {plural(count, 'night')}."

            self.run_change(change)

        self.app.push_screen(form, done)

    @changes
    def action_check_out(self) -> None:
        unit = self._unit()
        if unit is None:
            return
        code = unit.guest_code
        tomorrow = unit.night + dt.timedelta(days=1)
        form = FormScreen(
            f"Check out {code} from {unit.ref}",
            [
                Field(
                    "first_free",
                    "First free night",
                    "date",
                    default=tomorrow,
                    required=True,
                )
            ],
            "Check out",
            intro=(
                f"Booked nights {unit.first_night} to {unit.last_night}. The nights from the date "
                f"below on are removed. Leaving tomorrow morning: {tomorrow}"
                f"; not staying tonight: {unit.night}."
            ),
        )

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            first_free: dt.date = values["first_free"]

            def change(session: Session) -> str:
                removed = stays.check_out(
                    session, guest_code=code, night=first_free, actor=self.store.actor
                )
                said = f"Checked out {code}: {plural(removed, 'night')} from {first_free} removed."
                return said + kept_text(stays.later_booking(session, code, first_free))

            self.run_change(change)

        self.app.push_screen(form, done)

    @changes
    def action_extend(self) -> None:
        unit = self._unit()
        if unit is None:
            return
        code = unit.guest_code
        form = FormScreen(
            f"Extend {code}'s stay in {unit.ref}",
            [Field("extra", "Extra nights", "int", default=1, required=True)],
            "Extend",
            intro=f"Now booked to the night of {unit.last_night}; same unit, same payer.",
        )

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            extra: int = values["extra"]

            def change(session: Session) -> str:
                done = stays.extend(
                    session,
                    guest_code=code,
                    extra_nights=extra,
                    actor=self.store.actor,
                    night=unit.night,
                    now=self.clock.utc(),
                )
                said = f"Extended {code} by {plural(extra, 'night')}."
                if done.inactive_payer:
                    said += " " + _(
                        "The new nights are unbilled: payer {payer} is deactivated."
                    ).format(payer=done.inactive_payer)
                return said

            self.run_change(change)

        self.app.push_screen(form, done)

    @changes
    def action_move(self) -> None:
        unit = self._unit()
        if unit is None:
            return
        code = unit.guest_code
        free = [u for u in self.units_on(unit.night) if u.status == "free"]
        options = [
            (f"{u.ref}" + (f" ({tags_text(u.tags)})" if u.tags else ""), u.ref) for u in free
        ]
        form = FormScreen(
            f"Move {code} out of {unit.ref}",
            [
                Field(
                    "to", "To unit", "select", options=options, required=True, prompt="a free unit"
                ),
                Field("from_night", "From night", "date", default=unit.night, required=True),
            ],
            "Move",
            intro=_(
                "The nights of this stay from that night on move, or none do; a later "
                "booking after a gap stays where it is."
            ),
        )

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            target, from_night = values["to"], values["from_night"]

            def change(session: Session) -> str:
                stay = stays.move(
                    session,
                    guest_code=code,
                    to_unit=target,
                    from_night=from_night,
                    actor=self.store.actor,
                    now=self.clock.utc(),
                )
                later = stays.later_booking(session, code, stays.last_night_of(session, stay))
                return f"Moved {code} to {target} from the night of {from_night}." + kept_text(
                    later
                )

            self.run_change(change)

        self.app.push_screen(form, done)

    # Holds ----------------------------------------------------------------------------------

    @changes
    def action_hold(self) -> None:
        unit = self._unit()
        if unit is None:
            return
        form = FormScreen(
            f"Hold {unit.ref} for the night of {unit.night}",
            [
                Field("held_for", "Held for", placeholder="no names: who is coming, from where"),
                Field(
                    "minutes",
                    "Minutes",
                    "int",
                    default=DEFAULT_HOLD_MINUTES,
                    low=1,
                    high=MAX_HOLD_MINUTES,
                ),
            ],
            "Hold",
        )

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            minutes = values["minutes"] or DEFAULT_HOLD_MINUTES

            def change(session: Session) -> str:
                holds.hold(
                    session,
                    unit=unit.ref,
                    night=unit.night,
                    held_for=values["held_for"],
                    minutes=minutes,
                    actor=self.store.actor,
                    now=self.clock.utc(),
                )
                return f"Held {unit.ref} for {minutes} minutes."

            self.run_change(change)

        self.app.push_screen(form, done)

    @changes
    def action_cancel_hold(self) -> None:
        unit = self._unit()
        if unit is None or unit.hold_id is None:
            return
        hold_id = unit.hold_id

        def done(yes: bool | None) -> None:
            if not yes:
                return

            def change(session: Session) -> str:
                holds.cancel_hold(
                    session, hold_id=hold_id, actor=self.store.actor, now=self.clock.utc()
                )
                return f"Hold on {unit.ref} cancelled; the place is free."

            self.run_change(change)

        question = f"Cancel the hold on {unit.ref} ({unit.held_for or 'no note'})?"
        self.app.push_screen(ConfirmScreen(question, yes="Cancel hold", no="Keep it"), done)

    # Out of service -------------------------------------------------------------------------

    def _range_fields(self, unit: UnitNight) -> list[Field]:
        return [
            Field("first", "First night", "date", default=unit.night, required=True),
            Field("last", "Last night", "date", default=unit.night, required=True),
        ]

    @changes
    def action_out_of_service(self) -> None:
        unit = self._unit()
        if unit is None:
            return
        form = FormScreen(
            f"Take {unit.ref} out of service",
            [*self._range_fields(unit), Field("reason", "Why", required=True)],
            "Out of service",
        )

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return

            def change(session: Session) -> str:
                count = out_of_service.mark_out_of_service(
                    session,
                    unit=unit.ref,
                    first=values["first"],
                    last=values["last"],
                    reason=values["reason"],
                    actor=self.store.actor,
                    now=self.clock.utc(),
                )
                return f"{unit.ref} out of service for {plural(count, 'night')}."

            self.run_change(change)

        self.app.push_screen(form, done)

    @changes
    def action_back_in_service(self) -> None:
        unit = self._unit()
        if unit is None:
            return
        form = FormScreen(
            f"Put {unit.ref} back in service",
            self._range_fields(unit),
            "Back in service",
            intro=f"Out of service because: {unit.reason}",
        )

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return

            def change(session: Session) -> str:
                count = out_of_service.return_to_service(
                    session,
                    unit=unit.ref,
                    first=values["first"],
                    last=values["last"],
                    actor=self.store.actor,
                )
                return f"{unit.ref} back in service for {plural(count, 'night')}."

            self.run_change(change)

        self.app.push_screen(form, done)

    # Turnaways and names --------------------------------------------------------------------

    @changes
    def action_turnaway(self) -> None:
        unit = self.selected_unit
        night = unit.night if unit else self.current_night
        form = FormScreen(
            f"Record a turnaway for the night of {night}",
            [
                Field(
                    "reason",
                    "Why",
                    "select",
                    options=[(REASON_LABELS[r], r) for r in TURNAWAY_REASONS],
                    default="no_free_unit",
                    required=True,
                ),
                Field("people", "People", "int", default=1, low=1, high=MAX_PEOPLE),
                Field(
                    "site",
                    "Asked at site",
                    "select",
                    options=[(s, s) for s in self.choices.sites],
                    default=unit.site if unit else "",
                ),
                Field("referred_to", "Referred to", placeholder="where the person was sent"),
            ],
            "Record",
            intro="A request for a place that could not be met: evidence of unmet need.",
        )

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            people = values["people"] or 1

            def change(session: Session) -> str:
                record_turnaway(
                    session,
                    night=night,
                    reason=values["reason"],
                    people=people,
                    site=values["site"],
                    referred_to=values["referred_to"],
                    actor=self.store.actor,
                )
                return f"Turnaway recorded for {plural(people, 'person')} on {night}."

            self.run_change(change)

        self.app.push_screen(form, done)

    @changes
    def action_reveal_name(self) -> None:
        unit = self._unit()
        if unit is None:
            return
        code = unit.guest_code

        def done(yes: bool | None) -> None:
            if not yes:
                return

            def change(session: Session) -> str:
                name = reveal_name(session, guest_code=code, actor=self.store.actor)
                return f"{code} is {name}. (This was written to the audit log.)"

            self.run_change(change)

        question = (
            f"Show the name of guest {code}?\n\n"
            "Names are protected. Your name and the time are written to the audit log."
        )
        self.app.push_screen(ConfirmScreen(question, yes="Show name", no="Cancel"), done)

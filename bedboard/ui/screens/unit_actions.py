"""Acting on one unit on one night: the keys, the questions, and the service calls. The board
and the rack both inherit this; each says which unit and night is selected.

Each action is one async worker that reads top to bottom: take the selected unit, ask (a form
or a yes/no, awaited with `push_screen_wait`), hand the answers to one service function in a
write transaction (`run_change`). Esc on a question ends the action and changes nothing.
`unit_action` turns a method into such a worker, on the unit selected when its key is pressed."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import Any

from sqlalchemy.orm import Session
from textual import work
from textual.binding import Binding

from bedboard import formats
from bedboard.i18n import N_, _, ngettext
from bedboard.services.beds import holds, out_of_service, stays
from bedboard.services.beds.availability import UnitNight
from bedboard.services.beds.holds import DEFAULT_HOLD_MINUTES, MAX_HOLD_MINUTES
from bedboard.services.choices import Choices
from bedboard.services.people.guests import GuestFields, register_or_update
from bedboard.services.people.intake_text import NEEDS
from bedboard.services.people.search import reveal_name
from bedboard.services.people.turnaways import MAX_PEOPLE, TURNAWAY_REASONS, record_turnaway
from bedboard.services.staff.rights import OWN_SITES, Right, scope
from bedboard.services.staff.signin import sign_in
from bedboard.states import Gender, TurnawayReason
from bedboard.ui.format import calendar_end, shifted, state_word, tags_text
from bedboard.ui.screens.base import LiveScreen, changes
from bedboard.ui.screens.confirm import ConfirmScreen
from bedboard.ui.screens.form import Field, FormScreen, payer_field
from bedboard.ui.screens.pick import PickScreen
from bedboard.ui.widgets.code_suggester import GuestCodeSuggester
from bedboard.words import word

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

# The right each action needs (services check it again; this only decides which keys show).
ACTION_RIGHTS: dict[str, Right] = {
    "check_in": Right.BOOK,
    "confirm_hold": Right.BOOK,
    "cancel_hold": Right.HOLD,
    "hold": Right.HOLD,
    "check_out": Right.BOOK,
    "extend": Right.BOOK,
    "move": Right.BOOK,
    "reveal_name": Right.REVEAL,
    "out_of_service": Right.BOOK,
    "back_in_service": Right.BOOK,
    "turnaway": Right.TURNAWAY,
}


def kept_text(later: stays.LaterBooking | None) -> str:
    """A later booking that a check-out or move left alone, said out loud."""
    if later is None:
        return ""
    return " " + _("Their later booking from {night} in {unit} is kept.").format(
        night=day(later.first_night), unit=later.unit
    )


def nights_text(n: int) -> str:
    return ngettext("{n} night", "{n} nights", n).format(n=n)


def day(night: dt.date | None) -> str:
    """A night as people read it: 'fre 27 nov' (the form fields keep 2026-11-27)."""
    return formats.night_short(night) if night else "?"


def unit_action(
    action: Callable[[UnitActionsScreen, UnitNight], Awaitable[None]],
) -> Callable[[UnitActionsScreen], Any]:
    """A key that changes the selected unit: refused at once on a read-only database
    (`changes`), then one async worker that may await questions. The unit is taken when the
    key is pressed (the footer may be a moment behind a live change: no unit, nothing done)."""

    @functools.wraps(action)
    async def on_the_selected_unit(self: UnitActionsScreen) -> None:
        unit = self.selected_unit
        if unit is not None:
            await action(self, unit)

    return changes(work(group="ask", exit_on_error=False)(on_the_selected_unit))


class UnitActionsScreen(LiveScreen):
    BINDINGS = [
        Binding("c", "check_in", N_("Check in"), id="check-in"),
        Binding("c", "confirm_hold", N_("Confirm hold"), id="confirm-hold"),
        Binding("h", "hold", N_("Hold"), id="hold"),
        Binding("x", "cancel_hold", N_("Cancel hold"), id="cancel-hold"),
        Binding("o", "check_out", N_("Check out"), id="check-out"),
        Binding("e", "extend", N_("Extend"), id="extend"),
        Binding("m", "move", N_("Move"), id="move"),
        Binding("s", "out_of_service", N_("Out of service"), id="out-of-service"),
        Binding("s", "back_in_service", N_("Back in service"), id="back-in-service"),
        Binding("w", "turnaway", N_("Turnaway"), id="turnaway"),
        Binding("N", "reveal_name", N_("Show name"), id="reveal-name"),
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
        if not self._may(action):
            return False  # hidden: this person may not do it (here)
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

    def reload_at_next_expiry(
        self, units: Iterable[UnitNight], *, keep_sooner: bool = False
    ) -> None:
        """Load again the moment the next hold shown runs out: an expiry changes nothing in the
        database, so no revision would tell the screen. A hold that ran out between the read and
        now (the data is already behind) loads again at once. `keep_sooner`: `units` are only
        the ones that changed, so a timer already set for an earlier expiry stays."""
        now = self.clock.utc()
        pending = [
            u.hold_expires_at for u in units if u.status == "held" and u.hold_expires_at is not None
        ]
        timer = getattr(self, "_expiry_timer", None)
        due = getattr(self, "_expiry_due", None)
        if keep_sooner and (
            not pending or (timer is not None and due is not None and due <= min(pending))
        ):
            return
        if timer is not None:
            timer.stop()
        self._expiry_timer = None
        if pending:
            self._expiry_due = min(pending)
            delay = max((self._expiry_due - now).total_seconds(), 0) + 0.5
            self._expiry_timer = self.set_timer(delay, self.holds_ran_out)

    def holds_ran_out(self) -> None:
        """The next hold shown ran out: read again."""
        self.changed()

    def _may(self, action: str) -> bool:
        """Whether the person signed in may do this, at the selected unit's site for night
        staff (whose keys show only at their own sites)."""
        right = ACTION_RIGHTS.get(action)
        if right is None:
            return True
        who = self.store.who
        where = scope(who.role, right)
        if where != OWN_SITES:
            return where is not None
        unit = self.selected_unit
        return unit is not None and unit.site in who.site_names

    @work(group="ask", exit_on_error=False)
    async def action_menu(self) -> None:
        """Enter on a unit: the actions that work on it now; pick one, or press its key."""
        unit = self.selected_unit
        if unit is None:
            return
        options, keys = [], {}
        for active in self.active_bindings.values():
            binding = active.binding
            if binding.action in NEEDS_STATE and active.enabled:
                shown = self.app.get_key_display(binding)
                options.append((f"{_(binding.description)}  ({shown})", binding.action))
                keys[binding.key] = binding.action
        title = _("{ref}, night of {night}: {state}").format(
            ref=unit.ref,
            night=formats.night_short(unit.night),
            state=state_word(self.status_now(unit)),
        )
        action = await self.app.push_screen_wait(PickScreen(title, options, keys))
        if action:
            await self.run_action(action)

    def shifted(self, night: dt.date, days: int) -> dt.date | None:
        """`night` moved by `days`, or None, said as a warning, past the calendar's end."""
        moved = shifted(night, days)
        if moved is None:
            self.notify(calendar_end(night), severity="warning", markup=False)
        return moved

    def who(self) -> dict[str, Any]:
        """Who does a change, and when: the keywords most services take."""
        return {"actor": self.store.actor, "now": self.clock.utc()}

    async def ask(self, title: str, fields: list[Field], submit: str, intro: str = "") -> Any:
        """One form, awaited: its values by field name, or None when Esc closed it."""
        return await self.app.push_screen_wait(FormScreen(title, fields, submit, intro=intro))

    async def confirm(self, question: str, yes: str, no: str) -> bool:
        answer: bool = await self.app.push_screen_wait(ConfirmScreen(question, yes=yes, no=no))
        return answer

    # Stays ----------------------------------------------------------------------------------

    def _stay_fields(self) -> list[Field]:
        return [
            Field(
                "guest",
                _("Guest code"),
                required=True,
                suggester=GuestCodeSuggester(self.store, on_failure=self._completion_failed),
                placeholder=_("a new code creates the guest"),
            ),
            Field("nights", _("Nights"), "int", default=1, low=1, high=366),
            payer_field(self.choices.payers, unbilled=_("nobody yet (unbilled)")),
            Field("reference", _("Reference"), placeholder=_("decision or case number")),
        ]

    def _completion_failed(self, text: str) -> None:
        """Shown on the form being typed in if it is still open, else on this screen."""
        form = self.app.screen
        if isinstance(form, FormScreen):
            form.show_error(text)
        else:
            self.say(text, error=True)

    def _intake_fields(self) -> list[Field]:
        """A new guest is registered in the same step as her check-in."""
        return [
            Field(
                "gender",
                _("Gender"),
                "select",
                options=[(word(Gender, g), g) for g in Gender],
                prompt=_("(not recorded)"),
            ),
            Field("birth_year", _("Birth year"), "int", low=1900, high=dt.date.today().year),
            # the three needs a place can meet, ticked: nobody has to type their code names
            Field("need_women_only", _("Women only"), "check"),
            Field("need_children", _("Children"), "check"),
            Field("need_accessible", _("Accessible"), "check"),
            Field("household", _("Household"), placeholder=_("code; a new one is created")),
            Field(
                "override",
                _("Override reason"),
                placeholder=_("only to place a guest the place does not fit (audited)"),
            ),
        ]

    @unit_action
    async def action_check_in(self, unit: UnitNight) -> None:
        tags = tags_text(unit.tags)
        fields = self._stay_fields()
        fields[0] = Field(
            "guest",
            _("Guest code"),
            suggester=GuestCodeSuggester(self.store, on_failure=self._completion_failed),
            placeholder=_("empty: a new code is made"),
        )
        intro = _("From the night of {night}.").format(night=day(unit.night))
        if tags:
            intro += " " + _("This place: {tags}.").format(tags=tags)
        intro += " " + _("Known codes complete with the right arrow; ")
        intro += _("a new guest is registered with what is filled in below.")
        values = await self.ask(
            _("Check in to {ref}").format(ref=unit.ref),
            [*fields, *self._intake_fields()],
            _("Check in"),
            intro,
        )
        if values is None:
            return
        count = values["nights"] or 1
        intake = GuestFields(
            birth_year=values["birth_year"],
            gender=values["gender"],
            needs=",".join(n for n in NEEDS if values.get(f"need_{n}")) or None,
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
                override=values["override"],
                **self.who(),
            )
            done = _("Checked in {code} to {ref}, {nights}.")
            done = done.format(code=code, ref=unit.ref, nights=nights_text(count))
            return done + ("" if values["payer"] else " " + _("No payer yet: unbilled."))

        self.run_change(change)

    @unit_action
    async def action_confirm_hold(self, unit: UnitNight) -> None:
        if unit.hold_id is None:
            return
        hold_id = unit.hold_id
        values = await self.ask(
            _("Confirm the hold on {ref}").format(ref=unit.ref),
            self._stay_fields(),
            _("Confirm"),
            _("Held for: {held_for}. The stay starts {night}.").format(
                held_for=unit.held_for or _("(not said)"), night=day(unit.night)
            ),
        )
        if values is None:
            return
        code, count = values["guest"], values["nights"] or 1
        self.run_change(
            partial(
                holds.confirm_hold,
                hold_id=hold_id,
                guest_code=code,
                nights_count=count,
                payer=values["payer"],
                reference=values["reference"],
                **self.who(),
            ),
            _("Hold confirmed: {code} in {ref}, {nights}.").format(
                code=code, ref=unit.ref, nights=nights_text(count)
            ),
        )

    @unit_action
    async def action_check_out(self, unit: UnitNight) -> None:
        code = unit.guest_code
        tomorrow = unit.night + dt.timedelta(days=1)
        intro = _(
            "Booked nights {first} to {last}. The nights from the date below on are removed. "
            "Leaving tomorrow morning: {tomorrow}; not staying tonight: {tonight}."
        ).format(
            first=day(unit.visit_first),
            last=day(unit.visit_last),
            tomorrow=day(tomorrow),
            tonight=day(unit.night),
        )
        values = await self.ask(
            _("Check out {code} from {ref}").format(code=code, ref=unit.ref),
            [Field("first_free", _("First free night"), "date", default=tomorrow, required=True)],
            _("Check out"),
            intro,
        )
        if values is None:
            return
        first_free: dt.date = values["first_free"]

        def change(session: Session) -> str:
            removed = stays.check_out(
                session, guest_code=code, night=first_free, actor=self.store.actor
            )
            said = _("Checked out {code}: {nights} from {first_free} removed.").format(
                code=code, nights=nights_text(removed), first_free=day(first_free)
            )
            return said + kept_text(stays.later_booking(session, code, first_free))

        self.run_change(change)

    @unit_action
    async def action_extend(self, unit: UnitNight) -> None:
        code = unit.guest_code
        values = await self.ask(
            _("Extend {code}'s stay in {ref}").format(code=code, ref=unit.ref),
            [Field("extra", _("Extra nights"), "int", default=1, required=True)],
            _("Extend"),
            _("Now booked to the night of {last}; same unit, same payer.").format(
                last=day(unit.visit_last)
            ),
        )
        if values is None:
            return
        extra: int = values["extra"]

        def said(done: stays.Extended) -> str:
            text = _("Extended {code} by {nights}.").format(code=code, nights=nights_text(extra))
            if done.inactive_payer:
                text += " " + _(
                    "The new nights are unbilled: payer {payer} is deactivated."
                ).format(payer=done.inactive_payer)
            return text

        self.run_change(
            partial(
                stays.extend, guest_code=code, extra_nights=extra, night=unit.night, **self.who()
            ),
            said,
        )

    @unit_action
    async def action_move(self, unit: UnitNight) -> None:
        code = unit.guest_code
        free = [u for u in self.units_on(unit.night) if u.status == "free"]
        options = [(u.ref + (f" ({tags_text(u.tags)})" if u.tags else ""), u.ref) for u in free]
        values = await self.ask(
            _("Move {code} out of {ref}").format(code=code, ref=unit.ref),
            [
                Field(
                    "to",
                    _("To unit"),
                    "select",
                    options=options,
                    required=True,
                    prompt=_("a free unit"),
                ),
                Field("from_night", _("From night"), "date", default=unit.night, required=True),
                Field(
                    "override",
                    _("Override reason"),
                    placeholder=_("only to place a guest the place does not fit (audited)"),
                ),
            ],
            _("Move"),
            _(
                "The nights of this stay from that night on move, or none do; a later "
                "booking after a gap stays where it is."
            ),
        )
        if values is None:
            return
        target, from_night = values["to"], values["from_night"]

        def change(session: Session) -> str:
            stay = stays.move(
                session,
                guest_code=code,
                to_unit=target,
                from_night=from_night,
                override=values["override"],
                **self.who(),
            )
            later = stays.later_booking(session, code, stays.last_night_of(session, stay))
            said = _("Moved {code} to {target} from the night of {night}.").format(
                code=code, target=target, night=day(from_night)
            )
            return said + kept_text(later)

        self.run_change(change)

    # Holds ----------------------------------------------------------------------------------

    @unit_action
    async def action_hold(self, unit: UnitNight) -> None:
        values = await self.ask(
            _("Hold {ref} for the night of {night}").format(ref=unit.ref, night=day(unit.night)),
            [
                Field(
                    "held_for",
                    _("Held for"),
                    placeholder=_("no names: who is coming, from where"),
                ),
                Field(
                    "minutes",
                    _("Minutes"),
                    "int",
                    default=DEFAULT_HOLD_MINUTES,
                    low=1,
                    high=MAX_HOLD_MINUTES,
                ),
            ],
            _("Hold"),
        )
        if values is None:
            return
        minutes = values["minutes"] or DEFAULT_HOLD_MINUTES

        self.run_change(
            partial(
                holds.hold,
                unit=unit.ref,
                night=unit.night,
                held_for=values["held_for"],
                minutes=minutes,
                **self.who(),
            ),
            _("Held {ref} for {minutes} minutes.").format(ref=unit.ref, minutes=minutes),
        )

    @unit_action
    async def action_cancel_hold(self, unit: UnitNight) -> None:
        if unit.hold_id is None:
            return
        hold_id = unit.hold_id
        question = _("Cancel the hold on {ref} ({note})?").format(
            ref=unit.ref, note=unit.held_for or _("no note")
        )
        if not await self.confirm(question, yes=_("Cancel hold"), no=_("Keep it")):
            return

        self.run_change(
            partial(holds.cancel_hold, hold_id=hold_id, **self.who()),
            _("Hold on {ref} cancelled; the place is free.").format(ref=unit.ref),
        )

    # Out of service -------------------------------------------------------------------------

    def _range_fields(self, unit: UnitNight) -> list[Field]:
        return [
            Field("first", _("First night"), "date", default=unit.night, required=True),
            Field("last", _("Last night"), "date", default=unit.night, required=True),
        ]

    @unit_action
    async def action_out_of_service(self, unit: UnitNight) -> None:
        values = await self.ask(
            _("Take {ref} out of service").format(ref=unit.ref),
            [*self._range_fields(unit), Field("reason", _("Why"), required=True)],
            _("Out of service"),
        )
        if values is not None:
            said = _("{ref} out of service for {nights}.")
            service = partial(out_of_service.mark_out_of_service, reason=values["reason"])
            self._change_range(service, unit, values, said, **self.who())

    @unit_action
    async def action_back_in_service(self, unit: UnitNight) -> None:
        values = await self.ask(
            _("Put {ref} back in service").format(ref=unit.ref),
            self._range_fields(unit),
            _("Back in service"),
            _("Out of service because: {reason}").format(reason=unit.reason),
        )
        if values is not None:
            said = _("{ref} back in service for {nights}.")
            service = out_of_service.return_to_service
            self._change_range(service, unit, values, said, actor=self.store.actor)

    def _change_range(
        self,
        service: Callable[..., int],
        unit: UnitNight,
        values: dict[str, Any],
        said: str,
        **who: Any,
    ) -> None:
        """`service` on the unit's nights from the form's first to its last; `said` is told
        how many nights it changed."""
        self.run_change(
            partial(service, unit=unit.ref, first=values["first"], last=values["last"], **who),
            lambda count: said.format(ref=unit.ref, nights=nights_text(count)),
        )

    # Turnaways and names --------------------------------------------------------------------

    @changes
    @work(group="ask", exit_on_error=False)
    async def action_turnaway(self) -> None:
        unit = self.selected_unit
        night = unit.night if unit else self.current_night
        values = await self.ask(
            _("Record a turnaway for the night of {night}").format(night=day(night)),
            [
                Field(
                    "reason",
                    _("Why"),
                    "select",
                    options=[(word(TurnawayReason, r), r) for r in TURNAWAY_REASONS],
                    default=TurnawayReason.NO_FREE_UNIT,
                    required=True,
                ),
                Field("people", _("People"), "int", default=1, low=1, high=MAX_PEOPLE),
                Field(
                    "site",
                    _("Asked at site"),
                    "select",
                    options=[(s, s) for s in self.choices.sites],
                    default=unit.site if unit else "",
                ),
                Field("referred_to", _("Referred to"), placeholder=_("where the person was sent")),
            ],
            _("Record"),
            _("A request for a place that could not be met: evidence of unmet need."),
        )
        if values is None:
            return
        people = values["people"] or 1
        who = ngettext("{n} person", "{n} people", people).format(n=people)
        self.run_change(
            partial(
                record_turnaway,
                night=night,
                reason=values["reason"],
                people=people,
                site=values["site"],
                referred_to=values["referred_to"],
                actor=self.store.actor,
            ),
            _("Turnaway recorded for {who} on {night}.").format(who=who, night=day(night)),
        )

    @unit_action
    async def action_reveal_name(self, unit: UnitNight) -> None:
        code = unit.guest_code
        form = FormScreen(
            _("Show the name of guest {code}").format(code=code),
            [
                Field("reason", _("Why"), required=True, placeholder=_("written to the log")),
                Field("second", _("2nd staff"), placeholder=_("login (protected guests)")),
                Field(
                    "second_pin",
                    _("Their password") if self.store.db_login else _("Their PIN"),
                    kind="secret",
                ),
            ],
            _("Show name"),
            intro=_(
                "Names are protected. Your name, the reason and the time are written to the "
                "audit log."
            )
            + " "
            + (
                # On PostgreSQL the second person confirms as their own database login.
                _(
                    "A protected guest's name needs a second staff member to confirm with their "
                    "own database login and password."
                )
                if self.store.db_login
                else _(
                    "A protected guest's name needs a second staff member to confirm with their "
                    "own PIN."
                )
            ),
        )
        values = await self.app.push_screen_wait(form)
        if not values:
            return
        confirmer = None
        if values["second"]:
            # The second person signs in first (a wrong PIN is counted in its own
            # transaction); a refusal ends here, on this screen's line.
            store = self.store
            if store.db_login is not None:  # PostgreSQL: their own login and password
                confirmer = await asyncio.to_thread(
                    store.confirm_reveal_as, values["second"].strip(), values["second_pin"], [code]
                )
            else:
                confirmer = await asyncio.to_thread(
                    sign_in, store.read, store.write, values["second"], values["second_pin"]
                )
        self.run_change(
            partial(
                reveal_name,
                guest_code=code,
                actor=self.store.actor,
                reason=values["reason"],
                confirmed_by=confirmer,
            ),
            lambda name: _("{code} is {name}. (This was written to the audit log.)").format(
                code=code, name=name
            ),
        )

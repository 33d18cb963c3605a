"""Who pays? Every stay with open nights nobody pays yet, oldest first, so the coordinator can
chase them; `p` gives the selected stay's nights a payer from a night on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.markup import escape
from textual.message import Message
from textual.widgets import Label, Static

from bedboard import formats
from bedboard.i18n import N_, _, ngettext
from bedboard.services.billing import commitments, payments
from bedboard.services.billing.payers import list_payers
from bedboard.store import Store
from bedboard.ui import palette
from bedboard.ui.clock import Clock
from bedboard.ui.screens.base import LiveScreen, changes
from bedboard.ui.screens.form import Field, FormScreen, payer_field
from bedboard.ui.widgets.fitted_table import FittedTable
from bedboard.ui.widgets.key_bar import KeyBar
from bedboard.ui.widgets.notice import Notice

HELP = N_(
    """\
# Who pays?

Every stay with nights that are not closed yet and have no payer, the oldest first; nights
beyond a commitment's cap say so. Select one and press `p` to say who pays its nights from a
night on, with the payer's reference (decision or case number). Closed nights keep their payer.

Below the table: closed nights nobody pays (a correction moves them to a payer), and
commitments that end within 3 days while the guest's stay goes on.
"""
)


@dataclass
class UnbilledLoaded(Message):
    rows: list[payments.Unbilled]
    payers: list[str]
    closed: list[payments.Unbilled]
    ending: list[commitments.EndingSoon]


def _why(u: payments.Unbilled) -> str:
    if u.beyond_cap_of:
        return _("cap #{id} used up").format(id=u.beyond_cap_of)
    return _("no decision")


def _more_text(closed: list[payments.Unbilled], ending: list[commitments.EndingSoon]) -> Text:
    text = Text()
    if closed:
        text.append(
            _("Closed nights nobody pays (correct them to a payer):") + "\n",
            f"bold {palette.UNPAID}",
        )
        for u in closed[:5]:
            span = f"{formats.day_month(u.first_night)}–{formats.day_month(u.last_night)}"
            text.append(
                f"  {span}  {u.nights}  {u.guest_code}  {u.ref}  " + _("CLOSED UNBILLED") + "\n"
            )
        if len(closed) > 5:
            text.append("  " + _("and {n} more").format(n=len(closed) - 5) + "\n")
    if ending:
        text.append(_("Commitments ending within 3 days while the stay goes on:") + "\n", "bold")
        for e in ending[:5]:
            text.append(
                "  "
                + _("#{id} {payer} for {guest} ends on {last}; booked again on {next}").format(
                    id=e.commitment_id, payer=e.payer, guest=e.guest_code,
                    last=formats.night_short(e.last_night), next=formats.night_short(e.next_night),
                )
                + "\n"
            )  # fmt: skip
        if len(ending) > 5:
            text.append("  " + _("and {n} more").format(n=len(ending) - 5) + "\n")
    if not closed and not ending:
        text.append(_("No closed night without a payer; no commitment ends soon."))
    return text


class UnbilledTable(FittedTable):
    """One row per stay with open nights nobody pays; a live change redraws only what changed
    and the cursor stays on its stay. Columns as wide as their content; on a narrow screen the
    place gives up room in its middle and keeps its unit number (the screen's edge cut
    "Kvinnohuset Maria/3" to "Kvinnohuset Maria/" at 80 columns)."""

    FLEX = "place"

    COLUMNS = (
        ("first", N_("From night"), 10),
        ("last", N_("To night"), 10),
        ("nights", N_("Nights"), 6),
        ("guest", N_("Guest"), 14),
        ("why", N_("Why"), None),
        ("place", N_("Place"), 30),
        ("stay", N_("Stay"), 8),
    )


class WhoPaysScreen(LiveScreen):
    HELP = HELP
    DEFAULT_CSS = """
    WhoPaysScreen #who-pays { height: 1fr; }
    WhoPaysScreen #who-pays-more { height: auto; max-height: 12; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Board"), id="who-pays-back"),
        Binding("p", "assign", N_("Set payer"), id="who-pays-assign"),
    ]

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        super().__init__(store, clock)
        self.rows: list[payments.Unbilled] | None = None
        self.payers: list[str] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Label("[b]" + escape(_("Who pays?")) + "[/b]", id="title")
        yield UnbilledTable(id="who-pays")
        yield Static("", id="who-pays-more")
        yield Notice()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(UnbilledTable).focus()

    def read(self, session: Session) -> UnbilledLoaded:
        tonight = self.store.tonight(self.clock.local())
        rows = payments.who_pays(session)
        names = [p.name for p in list_payers(session, include_inactive=False)]
        closed = payments.closed_unbilled(session)
        ending = commitments.ending_soon(session, tonight)
        return UnbilledLoaded(rows, names, closed, ending)

    @on(UnbilledLoaded)
    def _loaded(self, message: UnbilledLoaded) -> None:
        self.rows, self.payers = message.rows, message.payers
        self.query_one(UnbilledTable).show(
            [
                (
                    u.key,
                    (formats.night_short(u.first_night), formats.night_short(u.last_night),
                     str(u.nights), u.guest_code, _why(u),
                     u.ref, str(u.stay_id)),
                )
                for u in message.rows
            ]
        )  # fmt: skip
        count = sum(u.nights for u in message.rows)
        title = "[b]" + escape(_("Who pays?")) + "[/b] · "
        if count:
            said = ngettext(
                "{n} open night without a payer", "{n} open nights without a payer", count
            ).format(n=count)
            title += f"[$state-unpaid]! {escape(said)}[/]"
        else:
            title += escape(_("every open night has a payer"))
        self.query_one("#title", Label).update(title)
        self.query_one("#who-pays-more", Static).update(_more_text(message.closed, message.ending))
        self.refresh_bindings()

    @property
    def selected(self) -> payments.Unbilled | None:
        key = self.query_one(UnbilledTable).current_key
        return next((u for u in self.rows or () if u.key == key), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "assign":
            return self.selected is not None
        return True

    @changes
    @work(group="ask", exit_on_error=False)
    async def action_assign(self) -> None:
        stay = self.selected
        if stay is None:
            return
        values = await self.app.push_screen_wait(
            FormScreen(
                _("Who pays for {code} in {ref}?").format(code=stay.guest_code, ref=stay.ref),
                [
                    payer_field(self.payers),
                    Field(
                        "first",
                        _("From night"),
                        "date",
                        default=stay.first_night.isoformat(),
                        required=True,
                    ),
                    Field(
                        "last",
                        _("To night (empty: every night from then on)"),
                        "date",
                        default=stay.last_night.isoformat(),
                    ),
                    Field("reference", _("Reference (decision or case number)")),
                ],
                _("Set payer"),
            )
        )
        if values is None:
            return
        last: dt.date | None = values["last"]

        def change(session: Session) -> str:
            result = payments.assign_payer(
                session,
                guest_code=stay.guest_code,
                payer=values["payer"],
                first=values["first"],
                last=last,
                reference=values["reference"],
                actor=self.store.actor,
            )
            kept = (
                " " + _("({n} closed night(s) kept their payer)").format(n=result.kept_closed)
                if result.kept_closed
                else ""
            )
            return (
                _("{payer} pays {n} night(s) of {code}").format(
                    payer=values["payer"], n=result.changed, code=stay.guest_code
                )
                + kept
            )

        self.run_change(change)

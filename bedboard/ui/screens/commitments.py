"""Commitments: every payer's decision, with the nights billed to it and the nights beyond its
cap; `a` records a new decision, `e` ends the selected one on a night. The guest's open nights
are routed again by the service; this screen only asks and shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Label

from bedboard import formats
from bedboard.errors import BadInput, BedboardError
from bedboard.i18n import N_, _
from bedboard.services.billing import commitments
from bedboard.services.billing.payers import list_payers
from bedboard.services.money import parse_amount
from bedboard.store import Store
from bedboard.ui.clock import Clock
from bedboard.ui.screens.base import LiveScreen, changes
from bedboard.ui.screens.form import Field, FormScreen, payer_field
from bedboard.ui.widgets.key_bar import KeyBar
from bedboard.ui.widgets.keyed_table import KeyedTable
from bedboard.ui.widgets.notice import Notice

HELP = N_(
    """\
# Commitments

A payer's decision to pay for a guest's nights from a date, with its reference (decision or
case number), optionally until a date and up to a cap in nights or money. The guest's nights
go to the newest commitment that covers them, unless an explicit payer was set for a night.
**Beyond cap** counts the nights a commitment covers that its cap does not pay for: they are
unbilled until someone decides.

`a` records a decision, `e` ends the selected one on a night (the last night it pays for).
"""
)


@dataclass
class CommitmentsLoaded(Message):
    rows: list[commitments.CommitmentLine]
    payers: list[str]


class CommitmentTable(KeyedTable):
    # Widths follow the content (nothing is cut); a narrow terminal scrolls sideways.
    COLUMNS = (
        ("id", "#", None),
        ("payer", N_("Payer"), None),
        ("guest", N_("For"), None),
        ("from", N_("From"), None),
        ("to", N_("To"), None),
        ("reference", N_("Reference"), None),
        ("cap", N_("Cap"), None),
        ("billed", N_("Billed"), None),
        ("beyond", N_("Beyond cap"), None),
    )


def _cap(c: commitments.CommitmentLine) -> str:
    parts = []
    if c.max_nights is not None:
        parts.append(_("{n} nights").format(n=c.max_nights))
    if c.max_amount is not None:
        parts.append(formats.money(c.max_amount))
    return ", ".join(parts) or "–"


class CommitmentsScreen(LiveScreen):
    HELP = HELP
    DEFAULT_CSS = """
    CommitmentsScreen #commitments { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Board"), id="commitments-back"),
        Binding("a", "add", N_("Add"), id="commitments-add"),
        Binding("e", "end", N_("End"), id="commitments-end"),
    ]

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        super().__init__(store, clock)
        self.rows: list[commitments.CommitmentLine] | None = None
        self.payers: list[str] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Label(_("[b]Commitments[/b]"), id="title")
        yield CommitmentTable(id="commitments")
        yield Notice()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(CommitmentTable).focus()

    def read(self, session: Session) -> CommitmentsLoaded:
        rows = commitments.list_commitments(session)
        names = [p.name for p in list_payers(session, include_inactive=False)]
        return CommitmentsLoaded(rows, names)

    @on(CommitmentsLoaded)
    def _loaded(self, message: CommitmentsLoaded) -> None:
        self.rows, self.payers = message.rows, message.payers
        self.query_one(CommitmentTable).sync(
            [
                (
                    str(c.id),
                    (str(c.id), c.payer, c.party, formats.date_medium(c.first_night),
                     formats.date_medium(c.last_night) if c.last_night else _("open"),
                     c.reference or "–",
                     _cap(c), str(c.routed_nights),
                     _("{n} UNBILLED").format(n=c.beyond_cap) if c.beyond_cap else "0"),
                )
                for c in message.rows
            ]
        )  # fmt: skip
        beyond = sum(c.beyond_cap for c in message.rows)
        title = _("[b]Commitments[/b] · {n} decision(s)").format(n=len(message.rows))
        if beyond:
            title += (
                " · [$state-unpaid]! " + _("{n} night(s) beyond a cap").format(n=beyond) + "[/]"
            )
        self.query_one("#title", Label).update(title)
        self.refresh_bindings()

    @property
    def selected(self) -> commitments.CommitmentLine | None:
        key = self.query_one(CommitmentTable).current_key
        return next((c for c in self.rows or () if str(c.id) == key), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "end":
            return self.selected is not None
        return True

    @changes
    def action_add(self) -> None:
        tonight = self.store.tonight(self.clock.local())
        form = FormScreen(
            _("A payer's decision"),
            [
                payer_field(self.payers),
                Field("guest", _("Guest code (or a household below)")),
                Field("household", _("Household code (every member)")),
                Field("first", _("From night"), "date", default=tonight.isoformat(),
                      required=True),
                Field("last", _("To night (empty: open)"), "date"),
                Field("reference", _("Reference (decision or case number)")),
                Field("max_nights", _("At most this many nights (empty: no cap)")),
                Field("max_amount", _("At most this amount, like 4500,00 (empty: no cap)")),
                Field("signed_by", _("Signed by")),
            ],
            _("Save"),
        )  # fmt: skip

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            try:
                max_nights = _whole(values["max_nights"])
                cap = values["max_amount"].strip()
                max_amount = parse_amount(cap, what=_("the cap")) if cap else None
            except BedboardError as exc:
                self.refused(str(exc))
                return

            guest, household = values["guest"].strip(), values["household"].strip()

            def change(session: Session) -> str:
                row = commitments.add_commitment(
                    session,
                    payer=values["payer"],
                    guest_code=guest or None,
                    household_code=household or None,
                    first=values["first"],
                    last=values["last"],
                    reference=values["reference"],
                    max_nights=max_nights,
                    max_amount=max_amount,
                    signed_by=values["signed_by"],
                    actor=self.store.actor,
                )
                whom = guest or _("household {code}").format(code=household)
                return _("Commitment #{id}: {payer} pays for {guest}").format(
                    id=row.id, payer=values["payer"], guest=whom
                )

            self.run_change(change)

        self.app.push_screen(form, done)

    @changes
    def action_end(self) -> None:
        chosen = self.selected
        if chosen is None:
            return
        tonight = self.store.tonight(self.clock.local())
        form = FormScreen(
            _("End commitment #{id} ({payer} for {guest})").format(
                id=chosen.id, payer=chosen.payer, guest=chosen.party
            ),
            [Field("last", _("Last night it pays for"), "date", default=tonight.isoformat(),
                   required=True)],
            _("End it"),
        )  # fmt: skip

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            last: dt.date = values["last"]

            def change(session: Session) -> str:
                commitments.end_commitment(
                    session, commitment_id=chosen.id, last=last, actor=self.store.actor
                )
                return _("Commitment #{id} ends on {last}").format(id=chosen.id, last=last)

            self.run_change(change)

        self.app.push_screen(form, done)


def _whole(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.lstrip("-").isdigit():
        raise BadInput(
            _("the cap in nights must be a whole number, not {text!r}").format(text=text)
        )
    return int(text)

"""Billing for a period: each payer's nights, amount and unbilled nights; writes the billing
CSV (the same file as `bedboard export billing`), closes a night (the night audit) and
records adjustments. Every read and write runs in a thread worker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.markup import escape
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Static
from textual.worker import get_current_worker

from bedboard.errors import BedboardError
from bedboard.i18n import _
from bedboard.services.billing import close
from bedboard.services.clock import check_period, parse_night
from bedboard.services.exports.billing import PayerTotal, billing_summary
from bedboard.services.exports.csvio import money
from bedboard.services.exports.kinds import billing_export
from bedboard.services.exports.occupancy import write_export_file
from bedboard.services.money_input import parse_amount
from bedboard.store import Store
from bedboard.ui.clock import Clock
from bedboard.ui.messages import ActionRefused
from bedboard.ui.screens.base import BoardBaseScreen, changes
from bedboard.ui.screens.confirm import ConfirmScreen
from bedboard.ui.screens.form import Field, FormScreen
from bedboard.ui.widgets.key_bar import KeyBar

HELP = """\
# Billing

Each payer's nights and amount for the period, and the nights nobody pays (**unbilled**).
Amounts are the posted rates of closed nights, the current rate of open nights, plus
adjustments. Type the period in the two boxes and press Enter.

`s` writes the billing CSV for the period, `c` closes a night (posts every bed-night of it
with its rate; first it shows what it will post per payer, and the nights nobody pays, and
asks), `a` corrects a closed night with an adjustment. A night closes once it has ended (the
rollover hour after it has passed) and after the nights before it.
"""


@dataclass
class TotalsLoaded(Message):
    first: dt.date
    last: dt.date
    totals: list[PayerTotal]


@dataclass
class ClosePlanned(Message):
    plan: close.ClosePlan
    out_of_order: bool


@dataclass
class CsvWritten(Message):
    path: Path
    rows: int


class BillingScreen(BoardBaseScreen):
    HELP = HELP
    DEFAULT_CSS = """
    BillingScreen #billing-period { height: auto; padding: 0 1; }
    BillingScreen #billing-period Label { padding: 1 1 0 0; }
    BillingScreen #billing-period Input { width: 17; }  /* a whole date and the cursor */
    BillingScreen #billing-period #billing-file { width: 1fr; }
    BillingScreen #billing-totals { height: 1fr; }
    BillingScreen #billing-status { height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Board", id="billing-back"),
        Binding("s", "write_csv", "Write CSV", id="billing-write"),
        Binding("c", "close_night", "Close night", id="billing-close"),
        Binding("a", "adjust", "Adjust", id="billing-adjust"),
    ]

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        super().__init__(store, clock)
        tonight = self.store.tonight(self.clock.local())
        self.first = tonight.replace(day=1)
        self.last = tonight
        self.totals: list[PayerTotal] | None = None
        self.last_written: Path | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Label("[b]Billing[/b]", id="title")
        with Horizontal(id="billing-period"):
            yield Label("From")
            yield Input(self.first.isoformat(), id="billing-first")
            yield Label(" to")
            yield Input(self.last.isoformat(), id="billing-last")
            yield Label(" file")
            yield Input(self._file_name(), id="billing-file")
        yield DataTable(id="billing-totals", cursor_type="row", zebra_stripes=True)
        yield Static("", id="billing-status")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Payer", "Nights", "Amount", "Currency", "Unbilled nights")
        table.focus()
        self.watch(self.app, "revision", self._database_changed, init=False)
        self.load()

    def _file_name(self) -> str:
        return str(Path.cwd() / f"billing-{self.first}--{self.last}.csv")

    def _say(self, text: str) -> None:
        self.query_one("#billing-status", Static).update(text)

    # Loading ---------------------------------------------------------------------------

    @on(Input.Submitted, "#billing-first, #billing-last")
    def _period_changed(self) -> None:
        try:
            first = parse_night(self.query_one("#billing-first", Input).value, "from")
            last = parse_night(self.query_one("#billing-last", Input).value, "to")
            check_period(first, last)
        except BedboardError as exc:
            self._say(f"[red]{escape(str(exc))}[/red]")
            return
        self.first, self.last = first, last
        self.query_one("#billing-file", Input).value = self._file_name()
        self.query_one(DataTable).focus()
        self.load()

    def changed(self) -> None:
        self.load()

    def _database_changed(self, _revision: int | None) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="billing-load", exit_on_error=False)
    def load(self) -> None:
        first, last = self.first, self.last
        with self.store.read() as session:
            totals = billing_summary(session, first, last, currency=self.store.settings.currency)
        if not get_current_worker().is_cancelled:
            self.post_message(TotalsLoaded(first, last, totals))

    @on(TotalsLoaded)
    def _loaded(self, message: TotalsLoaded) -> None:
        if (message.first, message.last) != (self.first, self.last):
            return
        self.totals = message.totals
        table = self.query_one(DataTable)
        table.clear()
        for t in message.totals:
            unbilled = f"[red]{t.unbilled_nights} UNBILLED[/red]" if t.unbilled_nights else "0"
            table.add_row(
                Text(t.payer) if t.payer else "[red](nobody)[/red]",
                t.nights,
                money(t.amount),
                t.currency,
                unbilled,
            )
        nights = sum(t.nights for t in message.totals)
        unbilled_total = sum(t.unbilled_nights for t in message.totals)
        self.query_one("#title", Label).update(
            f"[b]Billing[/b] · nights {self.first} to {self.last} · {nights} night(s)"
            + (f" · [red]{unbilled_total} unbilled[/red]" if unbilled_total else "")
        )

    # Writing the CSV -------------------------------------------------------------------

    def action_write_csv(self) -> None:
        text = self.query_one("#billing-file", Input).value.strip()
        if not text:
            self._say("[red]name a file to write[/red]")
            return
        path = Path(text).expanduser()
        self._say(escape(f"Writing {path} …"))
        self.write_csv(self.first, self.last, path if path.is_absolute() else Path.cwd() / path)

    @work(thread=True, exclusive=True, group="billing-write", exit_on_error=False)
    def write_csv(self, first: dt.date, last: dt.date, path: Path) -> None:
        try:
            with self.store.read() as session:
                export = billing_export(session, first, last, currency=self.store.settings.currency)
                rows = write_export_file(path, export)
        except BedboardError as exc:
            self._refuse(str(exc))
        except OSError as exc:
            self._refuse(f"cannot write {path}: {exc.strerror or exc}")
        else:
            self.post_message(CsvWritten(path, rows))

    def _refuse(self, text: str) -> None:
        self.post_message(ActionRefused(text))

    @on(CsvWritten)
    def _written(self, message: CsvWritten) -> None:
        self.last_written = message.path
        self._say(escape(f"Wrote {message.rows} row(s) to {message.path}"))
        self.notify(
            f"{message.rows} row(s) in {message.path}", title="Billing CSV written", markup=False
        )

    # Night close -----------------------------------------------------------------------

    @changes
    def action_close_night(self) -> None:
        tonight = self.store.tonight(self.clock.local())
        form = FormScreen(
            _("Close a night (night audit)"),
            [
                Field(
                    "night",
                    _("Night"),
                    "date",
                    default=(tonight - dt.timedelta(days=1)).isoformat(),
                    required=True,
                ),
                Field(
                    "out_of_order",
                    _("Earlier nights"),
                    "select",
                    options=[
                        (_("must all be closed first"), False),
                        (_("may stay open (out of order)"), True),
                    ],
                    default=False,
                    required=True,
                ),
            ],
            _("Show what it posts"),
            intro=_(
                "Posts every bed-night of the night with its rate; they can never change "
                "again (corrections are adjustments). A night closes once it has ended, after "
                "the nights before it. You see the totals before anything is posted."
            ),
        )

        def done(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.plan_close(values["night"], bool(values.get("out_of_order")))

        self.app.push_screen(form, done)

    @work(thread=True, group="billing-check", exit_on_error=False)
    def plan_close(self, night: dt.date, out_of_order: bool) -> None:
        """Read only: the refusal the close would give, or the totals it would post."""
        latest = self.store.tonight(self.clock.local())
        try:
            with self.store.read() as session:
                close.refuse_too_early(session, night, latest=latest, out_of_order=out_of_order)
                plan = close.plan_close(session, night=night, currency=self.store.settings.currency)
        except BedboardError as exc:
            self._refuse(str(exc))
            return
        self.post_message(ClosePlanned(plan, out_of_order))

    @on(ClosePlanned)
    def _planned(self, message: ClosePlanned) -> None:
        plan = message.plan
        lines = [
            _("Closing the night of {night} posts {n} occupied night(s), {total}:").format(
                night=plan.night, n=plan.occupied, total=plan.total_text
            )
        ]
        for payer, (count, sums) in sorted(plan.by_payer.items(), key=lambda p: (not p[0], p[0])):
            amount = " + ".join(f"{money(v)} {c}" for c, v in sorted(sums.items()))
            who = payer or _("UNBILLED (nobody pays)")
            lines.append(f"  {who}: {count} · {amount}")
        if plan.unbilled:
            listed = "\n".join(f"    {u.guest_code} in {u.ref}" for u in plan.unbilled[:10])
            more = f"\n    and {len(plan.unbilled) - 10} more" if len(plan.unbilled) > 10 else ""
            lines.append(
                _("{n} night(s) have no payer:").format(n=len(plan.unbilled))
                + f"\n{listed}{more}\n"
                + _("Closed unbilled, they are billed later only by a correction.")
            )
        lines.append(_("Posted nights never change. Close it?"))

        def answered(yes: bool | None) -> None:
            if yes:
                self._close(
                    plan.night,
                    allow_unbilled=bool(plan.unbilled),
                    out_of_order=message.out_of_order,
                )

        self.app.push_screen(
            ConfirmScreen("\n".join(lines), yes=_("Close and post"), no=_("Not now")), answered
        )

    def _close(self, night: dt.date, *, allow_unbilled: bool, out_of_order: bool) -> None:
        latest = self.store.tonight(self.clock.local())

        def change(session: Session) -> str:
            result = close.close_night(
                session,
                night=night,
                currency=self.store.settings.currency,
                actor=self.store.actor,
                allow_unbilled=allow_unbilled,
                latest=latest,
                out_of_order=out_of_order,
                now=self.clock.utc(),
            )
            return (
                f"Night of {night} closed: {result.occupied} night(s) posted, {result.total_text}"
            )

        self.run_change(change)

    # Adjustments -----------------------------------------------------------------------

    @changes
    def action_adjust(self) -> None:
        form = FormScreen(
            "Adjust a closed night",
            [
                Field("guest", "Guest code", required=True),
                Field("night", "Night", "date", required=True),
                Field("amount", "Amount, like -450.00", required=True),
                Field("reason", "Reason", required=True),
            ],
            "Adjust",
        )

        def done(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            try:
                amount = parse_amount(values["amount"], allow_negative=True)
            except BedboardError as exc:
                self._refuse(str(exc))
                return

            def change(session: Session) -> str:
                row = close.adjust(
                    session,
                    guest_code=values["guest"],
                    night=values["night"],
                    amount=amount,
                    reason=values["reason"],
                    currency=self.store.settings.currency,
                    actor=self.store.actor,
                    now=self.clock.utc(),
                )
                what = f"{money(amount)} {row.currency}"
                return f"Adjusted {values['guest']}'s night of {values['night']} by {what}"

            self.run_change(change)

        self.app.push_screen(form, done)

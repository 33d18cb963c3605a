"""Billing for a period: each payer's nights, amount and unbilled nights; writes the billing
CSV (the same file as `bedboard export billing`), closes a night (the night audit) and
records adjustments. Every read and write runs in a thread worker."""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

from rich.text import Text
from sqlalchemy.orm import Session
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.markup import escape
from textual.widgets import Input, Label

from bedboard import formats
from bedboard.errors import BedboardError
from bedboard.i18n import N_, _, ngettext
from bedboard.services.billing import close
from bedboard.services.exports.billing import PayerTotal, billing_summary
from bedboard.services.exports.kinds import export_kind
from bedboard.services.money import parse_amount
from bedboard.store import Store
from bedboard.ui import palette
from bedboard.ui.clock import Clock
from bedboard.ui.file_writer import FileRequest, file_path, write_file
from bedboard.ui.screens.base import changes
from bedboard.ui.screens.confirm import ConfirmScreen
from bedboard.ui.screens.form import Field, FormScreen
from bedboard.ui.screens.period import PeriodScreen
from bedboard.ui.widgets.fitted_table import FittedTable
from bedboard.ui.widgets.key_bar import KeyBar
from bedboard.ui.widgets.notice import Notice

HELP = N_(
    """\
# Billing

Each payer's nights and amount for the period, and the nights nobody pays (**unbilled**).
Amounts are the posted rates of closed nights, the current rate of open nights, plus
adjustments. Type the period in the two boxes and press Enter.

`s` writes the billing CSV for the period, `c` closes a night (posts every bed-night of it
with its rate; first it shows what it will post per payer, and the nights nobody pays, and
asks), `a` corrects a closed night with an adjustment. A night closes once it has ended (the
rollover hour after it has passed) and after the nights before it.
"""
)


class TotalsTable(FittedTable):
    """One row per payer; a live change redraws only what changed, the cursor stays put.
    Columns as wide as their content; on a narrow screen the payer names give up room, cut in
    their middle, so the unbilled nights stay on screen."""

    FLEX = "payer"
    COLUMNS = (
        ("payer", N_("Payer"), 14),
        ("nights", N_("Nights"), 7),
        ("amount", N_("Amount"), 12),
        ("currency", N_("Currency"), 8),
        ("unbilled", N_("Unbilled nights"), 16),
    )


class BillingScreen(PeriodScreen):
    HELP = HELP
    DEFAULT_CSS = """
    BillingScreen #billing-period { height: auto; padding: 0 1; }
    BillingScreen #billing-period Label { padding: 1 1 0 0; }
    BillingScreen #billing-period Input { width: 17; }  /* a whole date and the cursor */
    BillingScreen #billing-period #billing-file { width: 1fr; }
    BillingScreen #billing-totals { height: 1fr; }
    BillingScreen #billing-status { height: auto; padding: 0 1; }
    """
    PERIOD = "billing"
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Board"), id="billing-back"),
        Binding("s", "write_csv", N_("Write CSV"), id="billing-write"),
        Binding("c", "close_night", N_("Close night"), id="billing-close"),
        Binding("a", "adjust", N_("Adjust"), id="billing-adjust"),
    ]

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        super().__init__(store, clock)
        tonight = self.store.tonight(self.clock.local())
        self.first = tonight.replace(day=1)
        self.last = tonight
        self.totals: list[PayerTotal] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Label("[b]" + escape(_("Billing")) + "[/b]", id="title")
        with Horizontal(id="billing-period"):
            yield from self.period_boxes()
            yield Label(" " + _("file"))
            yield Input(self._file_name(), id="billing-file")
        yield TotalsTable(id="billing-totals")
        yield Notice(id="billing-status")
        yield KeyBar()

    def _file_name(self) -> str:
        return str(Path.cwd() / f"billing-{self.first}--{self.last}.csv")

    # Loading ---------------------------------------------------------------------------

    def period_changed(self) -> None:
        self.query_one("#billing-file", Input).value = self._file_name()

    def read_period(self, session: Session, first: dt.date, last: dt.date) -> list[PayerTotal]:
        return billing_summary(session, first, last, currency=self.store.settings.currency)

    def show_period(self, totals: list[PayerTotal]) -> None:
        self.totals = totals
        self.query_one(TotalsTable).show(
            [
                (
                    f"{t.payer}\t{t.currency}",
                    (
                        t.payer or Text(_("(nobody)"), style=palette.UNPAID),
                        Text(str(t.nights), justify="right"),
                        Text(formats.amount(t.amount), justify="right"),
                        t.currency,
                        Text(_("{n} UNBILLED").format(n=t.unbilled_nights), style=palette.UNPAID)
                        if t.unbilled_nights
                        else "0",
                    ),
                )
                for t in totals
            ]
        )
        nights = sum(t.nights for t in totals)
        unbilled_total = sum(t.unbilled_nights for t in totals)
        span = _("nights {first} to {last}").format(
            first=formats.day_month(self.first), last=formats.date_medium(self.last)
        )
        counted = ngettext("{n} night", "{n} nights", nights).format(n=nights)
        title = f"[b]{escape(_('Billing'))}[/b] · {escape(span)} · {escape(counted)}"
        if unbilled_total:
            unbilled = ngettext("{n} unbilled", "{n} unbilled", unbilled_total)
            title += f" · [$state-unpaid]! {escape(unbilled.format(n=unbilled_total))}[/]"
        self.query_one("#title", Label).update(title)

    # Writing the CSV (the board's one file writer) ------------------------------------

    def action_write_csv(self) -> None:
        try:
            path = file_path(self.query_one("#billing-file", Input).value)
        except BedboardError as exc:
            self.say(str(exc), error=True)
            return
        self.say(_("Writing {path} …").format(path=path))
        write_file(self, FileRequest(export_kind("billing"), self.first, self.last, path))

    # Night close -----------------------------------------------------------------------

    @changes
    @work(group="ask", exit_on_error=False)
    async def action_close_night(self) -> None:
        """Which night; what closing it would post (read only, refused early if it may not
        close yet); yes; then the close in one write transaction."""
        tonight = self.store.tonight(self.clock.local())
        values = await self.app.push_screen_wait(
            FormScreen(
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
                    "again (corrections are adjustments). A night closes once it has ended, "
                    "after the nights before it. You see the totals before anything is posted."
                ),
            )
        )
        if values is None:
            return
        night: dt.date = values["night"]
        out_of_order = bool(values.get("out_of_order"))

        def plan(session: Session) -> close.ClosePlan:
            close.refuse_too_early(session, night, latest=tonight, out_of_order=out_of_order)
            return close.plan_close(session, night=night, currency=self.store.settings.currency)

        try:
            planned = await self.in_thread(plan)
        except BedboardError as exc:
            self.refused(str(exc))
            return
        question = ConfirmScreen(close_question(planned), yes=_("Close and post"), no=_("Not now"))
        if not await self.app.push_screen_wait(question):
            return
        self.run_change(
            partial(
                close.close_night,
                night=planned.night,
                currency=self.store.settings.currency,
                actor=self.store.actor,
                allow_unbilled=bool(planned.unbilled),
                latest=tonight,
                out_of_order=out_of_order,
                now=self.clock.utc(),
            ),
            lambda result: _("Night of {night} closed: {n} night(s) posted, {total}").format(
                night=planned.night, n=result.occupied, total=result.total_text
            ),
        )

    # Adjustments -----------------------------------------------------------------------

    @changes
    @work(group="ask", exit_on_error=False)
    async def action_adjust(self) -> None:
        values = await self.app.push_screen_wait(
            FormScreen(
                _("Adjust a closed night"),
                [
                    Field("guest", _("Guest code"), required=True),
                    Field("night", _("Night"), "date", required=True),
                    Field("amount", _("Amount, like -450.00"), required=True),
                    Field("reason", _("Reason"), required=True),
                ],
                _("Adjust"),
            )
        )
        if values is None:
            return
        try:
            amount = parse_amount(values["amount"], allow_negative=True)
        except BedboardError as exc:
            self.refused(str(exc))
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
            return _("Adjusted {guest}'s night of {night} by {amount} {currency}").format(
                guest=values["guest"],
                night=formats.night_short(values["night"]),
                amount=formats.amount(amount),
                currency=row.currency,
            )

        self.run_change(change)


def close_question(plan: close.ClosePlan) -> str:
    """What closing the night posts, per payer, and the nights nobody pays."""
    lines = [
        _("Closing the night of {night} posts {n} occupied night(s), {total}:").format(
            night=formats.night_short(plan.night),
            n=plan.occupied,
            total=formats.money_sum(plan.amounts),
        )
    ]
    for payer, (count, sums) in sorted(plan.by_payer.items(), key=lambda p: (not p[0], p[0])):
        amount = formats.money_sum(sums)
        who = payer or _("UNBILLED (nobody pays)")
        lines.append(f"  {who}: {count} · {amount}")
    if plan.unbilled:
        listed = "\n".join(
            "    " + _("{code} in {ref}").format(code=u.guest_code, ref=u.ref)
            for u in plan.unbilled[:10]
        )
        extra = len(plan.unbilled) - 10
        more = "\n    " + _("and {n} more").format(n=extra) if extra > 0 else ""
        lines.append(
            _("{n} night(s) have no payer:").format(n=len(plan.unbilled))
            + f"\n{listed}{more}\n"
            + _("Closed unbilled, they are billed later only by a correction.")
        )
    lines.append(_("Posted nights never change. Close it?"))
    return "\n".join(lines)

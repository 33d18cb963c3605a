"""Billing from the command line: pay, close-night, adjust, who-pays and `export billing`.
Payers and rates are in cli/payers.py."""

from __future__ import annotations

import datetime as dt

import click

from bedboard import formats
from bedboard.cli import cli
from bedboard.cli.common import NIGHT, act, common_options, given, open_from_context
from bedboard.cli.exports import export_group, out_options, write_out
from bedboard.cli.safety import NamesWanted, names_need_rows, with_names, with_names_option
from bedboard.i18n import _
from bedboard.services.billing import close, commitments, payers, payments
from bedboard.services.clock import check_period
from bedboard.services.exports.kinds import billing_export
from bedboard.services.money import parse_amount


@cli.command("pay")
@click.option("--guest", "guest_code", required=True, metavar="CODE")
@click.option("--payer", required=True, metavar="NAME")
@click.option("--from", "first", type=NIGHT, required=True)
@click.option(
    "--to", "last", type=NIGHT, help=_("Last night. Default: every night from --from on.")
)
@click.option("--reference", default="", metavar="TEXT", help=_("Decision or case number."))
@common_options
def pay(guest_code: str, payer: str, first: dt.date, last: dt.date | None, reference: str) -> None:
    """Say who pays a guest's nights (closed nights keep their payer)."""
    result = act(payments.assign_payer, **given())
    kept = (
        _("; {n} closed night(s) kept their payer").format(n=result.kept_closed)
        if result.kept_closed
        else ""
    )
    click.echo(
        _("{payer} pays {n} night(s) of {code}").format(
            payer=payer, n=result.changed, code=guest_code
        )
        + kept
    )


@cli.command("close-night")
@click.option(
    "--night",
    type=NIGHT,
    help=_("Default: the night before the current one (the last night that has ended)."),
)
@click.option("--unbilled-ok", is_flag=True, help=_("Close even if some nights have no payer."))
@click.option(
    "--out-of-order", is_flag=True, help=_("Close it although an earlier night is still open.")
)
@common_options
def close_night(night: dt.date | None, unbilled_ok: bool, out_of_order: bool) -> None:
    """Post every bed-night of a night with its rate and lock them. A night closes once it
    has ended (the rollover hour after it has passed), and after the nights before it."""
    store = open_from_context()
    tonight = store.tonight()
    night = night or tonight - dt.timedelta(days=1)
    with store.write() as session:
        result = close.close_night(
            session,
            night=night,
            currency=store.settings.currency,
            actor=store.actor,
            allow_unbilled=unbilled_ok,
            latest=tonight,
            out_of_order=out_of_order,
        )
    if result.unbilled:
        click.echo(_("warning: {n} night(s) closed UNBILLED:").format(n=result.unbilled), err=True)
        for line in result.unbilled_lines:
            click.echo(
                "  " + _("{code} in {unit}").format(code=line.guest_code, unit=line.ref), err=True
            )
    click.echo(
        _("night of {night} closed: {n} occupied night(s) posted, {total}").format(
            night=night, n=result.occupied, total=result.total_text
        )
    )


@cli.command("adjust")
@click.option("--guest", "guest_code", required=True, metavar="CODE")
@click.option("--night", type=NIGHT, required=True)
@click.option("--amount", required=True, help=_("Signed, like -450.00."))
@click.option("--reason", required=True)
@common_options
def adjust(guest_code: str, night: dt.date, amount: str, reason: str) -> None:
    """Correct a closed night with an adjustment."""
    minor = parse_amount(amount, allow_negative=True)
    store = open_from_context()
    row = act(close.adjust, store, **given(amount=minor, currency=store.settings.currency))
    click.echo(
        _("adjustment #{id}: {amount} on {code}'s {night}").format(
            id=row.id, amount=formats.money_text(minor, row.currency), code=guest_code, night=night
        )
    )


def _unbilled_line(u: payments.Unbilled) -> str:
    return _("{first}..{last}  {n} night(s)  {code}  {unit}  stay {stay}").format(
        first=u.first_night, last=u.last_night, n=u.nights, code=u.guest_code, unit=u.ref,
        stay=u.stay_id,
    )  # fmt: skip


@cli.command("who-pays")
@common_options
def who_pays() -> None:
    """Nights nobody pays (open and closed), and decisions that end soon while a stay goes on.

    Oldest first; a commitment ends soon when its last night is within 3 nights."""
    store = open_from_context()
    with store.read() as session:
        rows = payments.who_pays(session)
        closed_rows = payments.closed_unbilled(session)
        ending = commitments.ending_soon(session, store.tonight())
    if not rows:
        click.echo(_("every open night has a payer"))
    for u in rows:
        why = (
            "  " + _("beyond the cap of commitment #{id}").format(id=u.beyond_cap_of)
            if u.beyond_cap_of
            else ""
        )
        click.echo(_unbilled_line(u) + why)
    if closed_rows:
        click.echo(_("closed nights nobody pays (bedboard correct moves them to a payer):"))
    for u in closed_rows:
        click.echo("  " + _unbilled_line(u) + "  " + _("CLOSED UNBILLED"))
    if ending:
        click.echo(_("commitments that end within 3 days while the stay goes on:"))
    for e in ending:
        click.echo(
            "  "
            + _("#{id} {payer} for {guest} ends on {last}; booked again on {next}").format(
                id=e.commitment_id,
                payer=e.payer,
                guest=e.guest_code,
                last=e.last_night,
                next=e.next_night,
            )
        )


@export_group.command("billing")
@click.option("--from", "first", type=NIGHT, required=True)
@click.option("--to", "last", type=NIGHT, required=True)
@click.option("--payer", metavar="NAME", help=_("Only this payer's nights."))
@click.option("--summary", is_flag=True, help=_("One row per payer instead of per night."))
@out_options
@with_names_option
@common_options
def export_billing(
    first: dt.date,
    last: dt.date,
    payer: str | None,
    summary: bool,
    out: str,
    excel: bool,
    names: NamesWanted | None,
) -> None:
    """The billing basis: every occupied night in the period, and adjustments, credits and
    rebills (kind), each with its reason."""
    check_period(first, last)  # before the database is opened
    names_need_rows(names, summary)
    store = open_from_context()
    currency = store.settings.currency
    with store.read() as session:
        payer_id = payers.any_payer(session, payer).id if payer else None
        # counted first, so a long export on a terminal shows a progress bar
        export = billing_export(
            session, first, last, currency=currency, payer_id=payer_id, summary=summary
        )
        export = with_names(export, store, names, purpose=f"export billing {first}..{last}")
        write_out(export, out, excel)

"""Payers' decisions from the command line: `commitments add|list|end` and `correct` (move
closed nights to another payer: a credit and a rebill)."""

from __future__ import annotations

import datetime as dt
import json

import click

from bedboard import formats
from bedboard.cli import cli
from bedboard.cli.common import NIGHT, act, common_options, given, open_from_context, query
from bedboard.i18n import _
from bedboard.services.billing import commitments, corrections
from bedboard.services.money import parse_amount


@cli.group("commitments")
def commitments_group() -> None:
    """Payers' decisions: who pays a guest's nights from a date, with a reference and a cap."""


@commitments_group.command("add")
@click.option("--payer", required=True, metavar="NAME")
@click.option("--guest", "guest_code", metavar="CODE", help=_("The guest it pays for."))
@click.option(
    "--household",
    "household_code",
    metavar="CODE",
    help=_("Or the household: every member's nights, under one cap."),
)
@click.option("--from", "first", type=NIGHT, required=True, help=_("First night it pays for."))
@click.option("--to", "last", type=NIGHT, help=_("Last night it pays for. Default: open."))
@click.option("--reference", default="", metavar="TEXT", help=_("Decision or case number."))
@click.option("--max-nights", type=int, metavar="N", help=_("Pays at most N nights."))
@click.option("--max-amount", metavar="A", help=_("Pays at most this much, like 4500.00."))
@click.option("--signed-by", default="", metavar="TEXT", help=_("Who signed the decision."))
@common_options
def commitments_add(
    payer: str,
    guest_code: str | None,
    household_code: str | None,
    first: dt.date,
    last: dt.date | None,
    reference: str,
    max_nights: int | None,
    max_amount: str | None,
    signed_by: str,
) -> None:
    """Record a payer's decision; the guest's open nights it covers are routed to it."""
    if bool(guest_code) == bool(household_code):
        raise click.UsageError(
            _("name the guest (--guest CODE) or the household (--household CODE) it pays for")
        )
    cap = parse_amount(max_amount, what=_("--max-amount")) if max_amount is not None else None
    row = act(commitments.add_commitment, **given(max_amount=cap))
    click.echo(
        _("commitment #{id}: {payer} pays for {guest} from {first} to {last}").format(
            id=row.id,
            payer=payer,
            guest=guest_code or _("household {code}").format(code=household_code),
            first=first,
            last=last or _("open"),
        )
    )


@commitments_group.command("list")
@click.option("--payer", metavar="NAME")
@click.option("--guest", "guest_code", metavar="CODE")
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@common_options
def commitments_list(payer: str | None, guest_code: str | None, as_json: bool) -> None:
    """Every commitment, oldest first, with the nights billed to it and beyond its cap."""
    store = open_from_context()
    lines = query(commitments.list_commitments, store, payer=payer, guest_code=guest_code)
    if as_json:
        click.echo(json.dumps([c.as_json() for c in lines], ensure_ascii=False, indent=1))
        return
    if not lines:
        click.echo(_("no commitments"))
    still = _("open")  # a commitment without a last night
    for c in lines:
        caps = []
        if c.max_nights is not None:
            caps.append(_("at most {n} night(s)").format(n=c.max_nights))
        if c.max_amount is not None:
            amount = formats.money_text(c.max_amount, store.settings.currency)
            caps.append(_("at most {amount}").format(amount=amount))
        beyond = (
            "  " + _("{n} night(s) BEYOND THE CAP").format(n=c.beyond_cap) if c.beyond_cap else ""
        )
        click.echo(
            f"#{c.id}  {c.payer}  {c.party}  {c.first_night}..{c.last_night or still}"
            + (f"  {c.reference}" if c.reference else "")
            + "".join(f"  {cap}" for cap in caps)
            + ("  " + _("signed by {name}").format(name=c.signed_by) if c.signed_by else "")
            + "  "
            + _("{n} night(s) billed").format(n=c.routed_nights)
            + beyond
        )


@commitments_group.command("end")
@click.argument("commitment_id", type=int, metavar="ID")
@click.option("--on", "last", type=NIGHT, required=True, help=_("The last night it pays for."))
@common_options
def commitments_end(commitment_id: int, last: dt.date) -> None:
    """End a commitment: it pays up to and including the night --on, no later night."""
    act(commitments.end_commitment, commitment_id=commitment_id, last=last)
    click.echo(_("commitment #{id} ends on {last}").format(id=commitment_id, last=last))


@cli.command("correct")
@click.option("--guest", "guest_code", required=True, metavar="CODE")
@click.option("--night", "first", type=NIGHT, required=True, help=_("The (first) closed night."))
@click.option("--to", "last", type=NIGHT, help=_("Last night to correct. Default: only --night."))
@click.option("--payer", required=True, metavar="NAME", help=_("Who pays those nights now."))
@click.option("--reference", default="", metavar="TEXT", help=_("The new payer's reference."))
@click.option("--reason", required=True, help=_("Why (kept with the correction)."))
@common_options
def correct(
    guest_code: str,
    first: dt.date,
    last: dt.date | None,
    payer: str,
    reference: str,
    reason: str,
) -> None:
    """Move closed nights to another payer: a credit to the old, a rebill to the new."""
    done = act(corrections.correct, **given())
    for c in done:
        old = c.old_payer or _("nobody (unbilled)")
        click.echo(
            _("{night}: credit {credit} to {old}, rebill {rebill} to {payer}").format(
                night=c.night,
                credit=formats.money_text(c.credit, c.currency),
                rebill=formats.money_text(c.rebill, c.currency),
                old=old,
                payer=payer,
            )
        )

"""Billing from the command line: payers, rates, pay, close-night, adjust, who-pays,
`export billing` and `import payers|rates`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from bedboard.cli import cli
from bedboard.cli.common import NIGHT, common_options, open_from_context
from bedboard.cli.exports import export_group, write_out
from bedboard.cli.inventory import import_group
from bedboard.cli.safety import with_names_option
from bedboard.db.models import PAYER_KINDS, SITE_KINDS
from bedboard.services import billing, close, payers, rates
from bedboard.services.billing_import import (
    import_payers,
    import_rates,
    parse_payers,
    parse_rates,
)
from bedboard.services.clock import MAX_NIGHTS
from bedboard.services.csvio import money
from bedboard.services.export_kinds import billing_export
from bedboard.services.money_input import parse_amount
from bedboard.services.privacy import add_names

# Plain text checked by the services: click's Choice errors span several lines.
KIND_HELP = "One of " + ", ".join(PAYER_KINDS) + "."


@cli.group("payers")
def payers_group() -> None:
    """Who is billed: police, court, social services, Migration Agency, embassy, NGO, own."""


@payers_group.command("add")
@click.argument("name")
@click.option("--kind", required=True, help=KIND_HELP)
@click.option("--org-number", default="", help="Organisation number for invoices.")
@click.option("--address", default="", help="Invoice address.")
@click.option("--contact", default="", help="Contact person, phone or e-mail.")
@common_options
def payers_add(name: str, kind: str, org_number: str, address: str, contact: str) -> None:
    """Add a payer."""
    store = open_from_context()
    with store.write() as session:
        payer = payers.add_payer(
            session,
            name=name,
            kind=kind,
            org_number=org_number,
            address=address,
            contact=contact,
            actor=store.actor,
        )
    click.echo(f"payer {payer.name} ({payer.kind}) added")


@payers_group.command("list")
@common_options
def payers_list() -> None:
    """Every payer, deactivated ones marked."""
    store = open_from_context()
    with store.read() as session:
        lines = [
            f"{p.name}  ({p.kind})"
            + ("" if p.active else "  [deactivated]")
            + "".join(f"  {x}" for x in (p.org_number, p.address, p.contact) if x)
            for p in payers.list_payers(session)
        ]
    if not lines:
        click.echo("no payers yet (bedboard payers add NAME --kind KIND)")
    for line in lines:
        click.echo(line)


@payers_group.command("edit")
@click.argument("name")
@click.option("--name", "new_name", help="New name.")
@click.option("--kind", help=KIND_HELP)
@click.option("--org-number")
@click.option("--address")
@click.option("--contact")
@common_options
def payers_edit(
    name: str,
    new_name: str | None,
    kind: str | None,
    org_number: str | None,
    address: str | None,
    contact: str | None,
) -> None:
    """Change a payer's name, kind or invoice details."""
    store = open_from_context()
    with store.write() as session:
        payer = payers.edit_payer(
            session,
            name=name,
            new_name=new_name,
            kind=kind,
            org_number=org_number,
            address=address,
            contact=contact,
            actor=store.actor,
        )
    click.echo(f"payer {payer.name} ({payer.kind}) saved")


@payers_group.command("deactivate")
@click.argument("name")
@common_options
def payers_deactivate(name: str) -> None:
    """Stop using a payer for new nights (payers are never deleted)."""
    store = open_from_context()
    with store.write() as session:
        payers.set_active(session, name=name, active=False, actor=store.actor)
    click.echo(f"payer {name} deactivated; its nights and rates stay as they are")


@payers_group.command("activate")
@click.argument("name")
@common_options
def payers_activate(name: str) -> None:
    """Use a deactivated payer again."""
    store = open_from_context()
    with store.write() as session:
        payers.set_active(session, name=name, active=True, actor=store.actor)
    click.echo(f"payer {name} active again")


@cli.group("rates")
def rates_group() -> None:
    """Prices per night, by site kind or site, optionally per payer."""


@rates_group.command("set")
@click.option("--amount", required=True, help="Per night, like 450.00.")
@click.option("--from", "first", type=NIGHT, required=True, help="First night it applies to.")
@click.option("--to", "last", type=NIGHT, help="Last night it applies to. Default: open.")
@click.option("--site-kind", help=" or ".join(SITE_KINDS) + ".")
@click.option("--site", metavar="NAME")
@click.option("--payer", metavar="NAME", help="Only for this payer's nights.")
@common_options
def rates_set(
    amount: str,
    first: dt.date,
    last: dt.date | None,
    site_kind: str | None,
    site: str | None,
    payer: str | None,
) -> None:
    """Set a rate from a night on (it supersedes older rates of the same scope)."""
    minor = parse_amount(amount)
    store = open_from_context()
    with store.write() as session:
        rate = rates.set_rate(
            session,
            amount=minor,
            currency=store.settings.currency,
            valid_from=first,
            valid_to=last,
            site_kind=site_kind,
            site=site,
            payer=payer,
            actor=store.actor,
        )
    scope = f"site {site}" if site else f"site kind {site_kind}"
    for_payer = f" for {payer}" if payer else ""
    click.echo(
        f"rate #{rate.id}: {money(minor)} {rate.currency} per night, {scope}{for_payer}, "
        f"{first}..{last or 'open'}"
    )


@rates_group.command("list")
@common_options
def rates_list() -> None:
    """Every rate."""
    store = open_from_context()
    with store.read() as session:
        lines = rates.list_rates(session)
    if not lines:
        click.echo("no rates yet (bedboard rates set --amount 450.00 --from D --site-kind K)")
    for r in lines:
        payer = f" for {r.payer}" if r.payer else ""
        click.echo(
            f"#{r.id} {money(r.amount)} {r.currency}  {r.applies_to}{payer}  "
            f"{r.valid_from}..{r.valid_to or 'open'}"
        )


@cli.command("pay")
@click.option("--guest", "guest_code", required=True, metavar="CODE")
@click.option("--payer", required=True, metavar="NAME")
@click.option("--from", "first", type=NIGHT, required=True)
@click.option("--to", "last", type=NIGHT, help="Last night. Default: every night from --from on.")
@click.option("--reference", default="", metavar="TEXT", help="Decision or case number.")
@common_options
def pay(guest_code: str, payer: str, first: dt.date, last: dt.date | None, reference: str) -> None:
    """Say who pays a guest's nights (closed nights keep their payer)."""
    store = open_from_context()
    with store.write() as session:
        result = billing.assign_payer(
            session,
            guest_code=guest_code,
            payer=payer,
            first=first,
            last=last,
            reference=reference,
            actor=store.actor,
        )
    kept = f"; {result.kept_closed} closed night(s) kept their payer" if result.kept_closed else ""
    click.echo(f"{payer} pays {result.changed} night(s) of {guest_code}{kept}")


@cli.command("close-night")
@click.option("--night", type=NIGHT, help="Default: the current night.")
@click.option("--unbilled-ok", is_flag=True, help="Close even if some nights have no payer.")
@common_options
def close_night(night: dt.date | None, unbilled_ok: bool) -> None:
    """Post every bed-night of a night with its rate and lock them."""
    store = open_from_context()
    tonight = store.tonight()
    night = night or tonight
    with store.write() as session:
        result = close.close_night(
            session,
            night=night,
            currency=store.settings.currency,
            actor=store.actor,
            allow_unbilled=unbilled_ok,
            latest=tonight,
        )
    if result.unbilled:
        click.echo(f"warning: {result.unbilled} night(s) closed UNBILLED:", err=True)
        for line in result.unbilled_lines:
            click.echo(f"  {line.guest_code} in {line.ref}", err=True)
    click.echo(
        f"night of {night} closed: {result.occupied} occupied night(s) posted, "
        f"{money(result.amount)} {result.currency}"
    )


@cli.command("adjust")
@click.option("--guest", "guest_code", required=True, metavar="CODE")
@click.option("--night", type=NIGHT, required=True)
@click.option("--amount", required=True, help="Signed, like -450.00.")
@click.option("--reason", required=True)
@common_options
def adjust(guest_code: str, night: dt.date, amount: str, reason: str) -> None:
    """Correct a closed night with an adjustment."""
    minor = parse_amount(amount, allow_negative=True)
    store = open_from_context()
    with store.write() as session:
        row = close.adjust(
            session,
            guest_code=guest_code,
            night=night,
            amount=minor,
            reason=reason,
            currency=store.settings.currency,
            actor=store.actor,
        )
    click.echo(f"adjustment #{row.id}: {money(minor)} {row.currency} on {guest_code}'s {night}")


@cli.command("who-pays")
@common_options
def who_pays() -> None:
    """Stays with nights nobody pays yet, oldest first."""
    store = open_from_context()
    with store.read() as session:
        rows = billing.who_pays(session)
    if not rows:
        click.echo("every open night has a payer")
    for u in rows:
        click.echo(
            f"{u.first_night}..{u.last_night}  {u.nights} night(s)  {u.guest_code}  {u.ref}  "
            f"stay {u.stay_id}"
        )


@export_group.command("billing")
@click.option("--from", "first", type=NIGHT, required=True)
@click.option("--to", "last", type=NIGHT, required=True)
@click.option("--payer", metavar="NAME", help="Only this payer's nights.")
@click.option("--summary", is_flag=True, help="One row per payer instead of per night.")
@click.option("--out", default="-", show_default=True, help="File to write, - for stdout.")
@click.option("--excel", is_flag=True, help="Add a BOM so Excel shows å, ä, ö.")
@with_names_option
@common_options
def export_billing(
    first: dt.date,
    last: dt.date,
    payer: str | None,
    summary: bool,
    out: str,
    excel: bool,
    with_names: bool,
) -> None:
    """The billing basis: every occupied night in the period, and adjustments."""
    if last < first:
        raise click.BadParameter(f"--to {last} is before --from {first}")
    if (last - first).days >= MAX_NIGHTS * 5:
        raise click.BadParameter(f"a billing period can be at most {MAX_NIGHTS * 5} nights")
    store = open_from_context()
    currency = store.settings.currency
    with store.write() if with_names else store.read() as session:
        payer_id = payers.any_payer(session, payer).id if payer else None
        # counted first, so a long export on a terminal shows a progress bar
        export = billing_export(
            session, first, last, currency=currency, payer_id=payer_id, summary=summary
        )
        if with_names:
            export = add_names(
                session, export, actor=store.actor, purpose=f"export billing {first}..{last}"
            )
        write_out(export, out, excel)


@import_group.command("payers")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@common_options
def import_payers_command(file: Path) -> None:
    """Payers: name,kind[,org_number,address,contact]."""
    rows = parse_payers(file)
    store = open_from_context()
    with store.write() as session:
        added, updated = import_payers(session, rows, actor=store.actor)
    click.echo(f"{file}: {added} payer(s) added, {updated} updated")


@import_group.command("rates")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@common_options
def import_rates_command(file: Path) -> None:
    """Rates: amount,valid_from,site_kind,site,payer[,valid_to,currency]."""
    rows = parse_rates(file)
    store = open_from_context()
    with store.write() as session:
        added = import_rates(
            session, rows, currency=store.settings.currency, actor=store.actor, path=str(file)
        )
    click.echo(f"{file}: {added} rate(s) added, {len(rows) - added} already there")

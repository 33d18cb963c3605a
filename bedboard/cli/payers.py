"""Payers and rates from the command line: `payers add|list|edit|deactivate|activate`,
`rates set|list` and `import payers|rates`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path

import click

from bedboard import formats
from bedboard.cli import cli
from bedboard.cli.common import NIGHT, F, act, common_options, open_from_context
from bedboard.cli.inventory import import_group
from bedboard.errors import BadInput
from bedboard.i18n import N_, _
from bedboard.services.billing import compensation as compensation_service
from bedboard.services.billing import payers, rates
from bedboard.services.billing.imports import (
    import_payers,
    import_rates,
    parse_payers,
    parse_rates,
)
from bedboard.services.money import parse_amount
from bedboard.states import PayerKind, SiteKind
from bedboard.words import applies_to, codes_with_words, word

# Plain text checked by the services: click's Choice errors span several lines.
KIND_HELP = _("One of {kinds}.").format(kinds=codes_with_words(PayerKind))


@cli.group("payers")
def payers_group() -> None:
    """Who is billed: police, court, social services, Migration Agency, embassy, NGO, own."""


def invoice_details(default: str | None) -> Callable[[F], F]:
    """--org-number, --address and --contact: what `add` sets and `edit` changes."""

    def add(f: F) -> F:
        for option, text in reversed(INVOICE_DETAILS):
            f = click.option(option, default=default, help=_(text))(f)
        return f

    return add


INVOICE_DETAILS = (
    ("--org-number", N_("Organisation number for invoices.")),
    ("--address", N_("Invoice address.")),
    ("--contact", N_("Contact person, phone or e-mail.")),
)


@payers_group.command("add")
@click.argument("name")
@click.option("--kind", required=True, help=KIND_HELP)
@invoice_details(default="")
@common_options
def payers_add(name: str, kind: str, **details: str) -> None:
    """Add a payer."""
    payer = act(payers.add_payer, name=name, kind=kind, **details)
    click.echo(
        _("payer {name} ({kind}) added").format(name=payer.name, kind=word(PayerKind, payer.kind))
    )


@payers_group.command("list")
@common_options
def payers_list() -> None:
    """Every payer, deactivated ones marked."""
    store = open_from_context()
    with store.read() as session:
        lines = [
            f"{p.name}  ({word(PayerKind, p.kind)})"
            + ("" if p.active else "  " + _("[deactivated]"))
            + "".join(f"  {x}" for x in (p.org_number, p.address, p.contact) if x)
            for p in payers.list_payers(session)
        ]
    if not lines:
        click.echo(_("no payers yet (bedboard payers add NAME --kind KIND)"))
    for line in lines:
        click.echo(line)


@payers_group.command("edit")
@click.argument("name")
@click.option("--name", "new_name", help=_("New name."))
@click.option("--kind", help=KIND_HELP)
@invoice_details(default=None)
@common_options
def payers_edit(name: str, new_name: str | None, kind: str | None, **details: str | None) -> None:
    """Change a payer's name, kind or invoice details."""
    payer = act(payers.edit_payer, name=name, new_name=new_name, kind=kind, **details)
    click.echo(
        _("payer {name} ({kind}) saved").format(name=payer.name, kind=word(PayerKind, payer.kind))
    )


@payers_group.command("deactivate")
@click.argument("name")
@common_options
def payers_deactivate(name: str) -> None:
    """Stop using a payer for new nights (payers are never deleted)."""
    act(payers.set_active, name=name, active=False)
    click.echo(
        _("payer {name} deactivated; its nights and rates stay as they are").format(name=name)
    )


@payers_group.command("activate")
@click.argument("name")
@common_options
def payers_activate(name: str) -> None:
    """Use a deactivated payer again."""
    act(payers.set_active, name=name, active=True)
    click.echo(_("payer {name} active again").format(name=name))


@cli.group("rates")
def rates_group() -> None:
    """Prices per night, by site kind or site, optionally per payer."""


@rates_group.command("set")
@click.option("--amount", required=True, help=_("Per night, like 450.00."))
@click.option("--from", "first", type=NIGHT, required=True, help=_("First night it applies to."))
@click.option("--to", "last", type=NIGHT, help=_("Last night it applies to. Default: open."))
@click.option("--site-kind", help=_("One of {kinds}.").format(kinds=codes_with_words(SiteKind)))
@click.option("--site", metavar="NAME")
@click.option("--payer", metavar="NAME", help=_("Only for this payer's nights."))
@click.option(
    "--compensation",
    is_flag=True,
    help=_("What a host family is paid per night (not what payers are billed)."),
)
@common_options
def rates_set(
    amount: str,
    first: dt.date,
    last: dt.date | None,
    site_kind: str | None,
    site: str | None,
    payer: str | None,
    compensation: bool,
) -> None:
    """Set a rate from a night on (it supersedes older rates of the same scope)."""
    if bool(site_kind) == bool(site):
        raise BadInput(_("give either --site-kind or --site (exactly one)"))
    minor = parse_amount(amount)
    if compensation and payer:
        raise click.UsageError(_("a compensation rate is the family's, not a payer's: no --payer"))
    # What payers are billed, or what a host family is paid: the same scope and dates.
    setter: Callable[..., rates.Rate | compensation_service.CompensationRate] = (
        compensation_service.set_compensation_rate
        if compensation
        else partial(rates.set_rate, payer=payer)
    )
    store = open_from_context()
    rate = act(
        setter,
        store,
        amount=minor,
        currency=store.settings.currency,
        valid_from=first,
        valid_to=last,
        site_kind=site_kind,
        site=site,
    )
    scope = applies_to(site, site_kind)
    if compensation:
        click.echo(
            _("compensation rate #{id}: {amount} per night to {scope}, {first}..{last}")
            .format(id=rate.id, amount=formats.money_text(minor, rate.currency), scope=scope,
                    first=first, last=last or _("open"))
        )  # fmt: skip
        return
    for_payer = _(" for {payer}").format(payer=payer) if payer else ""
    click.echo(
        _("rate #{id}: {amount} per night, {scope}{for_payer}, {first}..{last}").format(
            id=rate.id, amount=formats.money_text(minor, rate.currency), scope=scope,
            for_payer=for_payer, first=first, last=last or _("open"),
        )
    )  # fmt: skip


@rates_group.command("list")
@common_options
def rates_list() -> None:
    """Every rate, and the host families' compensation rates."""
    store = open_from_context()
    with store.read() as session:
        lines = rates.list_rates(session)
        paid = compensation_service.list_compensation_rates(session)
    if not lines:
        click.echo(_("no rates yet (bedboard rates set --amount 450.00 --from D --site-kind K)"))
    still = _("open")  # a rate without an end
    for r in lines:
        payer = _(" for {payer}").format(payer=r.payer) if r.payer else ""
        click.echo(
            f"#{r.id} {formats.money_text(r.amount, r.currency)}  {r.applies_to}{payer}  "
            f"{r.valid_from}..{r.valid_to or still}"
        )
    word = _("compensation")
    for c in paid:
        click.echo(
            f"{word} #{c.id} {formats.money_text(c.amount, c.currency)}  {c.applies_to}  "
            f"{c.valid_from}..{c.valid_to or still}"
        )


@import_group.command("payers")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@common_options
def import_payers_command(file: Path) -> None:
    """Payers: name,kind[,org_number,address,contact]."""
    added, updated = act(import_payers, rows=parse_payers(file))
    click.echo(
        _("{file}: {added} payer(s) added, {updated} updated").format(
            file=file, added=added, updated=updated
        )
    )


@import_group.command("rates")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@common_options
def import_rates_command(file: Path) -> None:
    """Rates: amount,valid_from,site_kind,site,payer[,valid_to,currency]."""
    rows = parse_rates(file)
    store = open_from_context()
    added = act(import_rates, store, rows=rows, currency=store.settings.currency, path=str(file))
    click.echo(
        _("{file}: {added} rate(s) added, {there} already there").format(
            file=file, added=added, there=len(rows) - added
        )
    )

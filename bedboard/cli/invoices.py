"""`bedboard invoice-basis`: one payer's basis for invoicing a period, as PDF, xlsx or CSV
(chosen by --format, else by the --out file's ending; CSV on stdout without either); and
`bedboard compensation`: what each host family is owed per month and year."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from bedboard import formats
from bedboard.cli import cli
from bedboard.cli.common import NIGHT, common_options, open_from_context
from bedboard.cli.exports import chosen_format, format_option, output, write_sheets_out
from bedboard.errors import BadInput, RuleViolation
from bedboard.i18n import _
from bedboard.services.billing.compensation import (
    COMPENSATION_COLUMNS,
    compensation,
    compensation_rows,
)
from bedboard.services.billing.invoice import invoice_basis, organisation
from bedboard.services.clock import check_period
from bedboard.services.csvio import write_csv
from bedboard.services.exports.invoice_files import (
    compensation_sheet,
    invoice_sheet,
    save_invoice_csv,
    write_invoice_csv,
)
from bedboard.services.exports.outfile import write_bytes_atomically

FORMATS = (".pdf", ".xlsx", ".csv")


def out_format(out: str) -> str:
    """ ".csv", ".xlsx" (--format, else the --out file's ending) or ".pdf" (the ending)."""
    chosen = chosen_format()
    if chosen:
        return f".{chosen}"
    return Path(out).suffix.lower() if out != "-" else ".csv"


@cli.command("invoice-basis")
@click.option("--payer", required=True, metavar="NAME")
@click.option("--from", "first", type=NIGHT, required=True, help=_("First night."))
@click.option("--to", "last", type=NIGHT, required=True, help=_("Last night (inclusive)."))
@click.option("--reference", metavar="TEXT", help=_("Only nights with this payer reference."))
@click.option("--out", default="-", help=_("FILE.pdf, FILE.xlsx or FILE.csv; - is CSV on stdout."))
@format_option
@common_options
def invoice_basis_command(
    payer: str, first: dt.date, last: dt.date, reference: str | None, out: str
) -> None:
    """What a payer is billed for a period: closed nights, corrections, totals.

    One line per guest code, reference and rate; then credits, rebills and adjustments with
    their reasons; then the totals."""
    check_period(first, last)
    suffix = out_format(out)
    if suffix not in FORMATS:
        raise BadInput(_("--out must end in .pdf, .xlsx or .csv, not {name!r}").format(name=out))
    store = open_from_context()
    with store.read() as session:
        basis = invoice_basis(
            session,
            payer=payer,
            first=first,
            last=last,
            reference=reference,
            us=organisation(store.settings),
        )
    if suffix == ".pdf":
        missing = basis.missing_for_pdf()
        if missing:
            raise RuleViolation(
                _("the invoice basis PDF needs {missing}; nothing was written").format(
                    missing=", ".join(missing)
                )
            )
        from bedboard.services.exports.invoice_pdf import render_pdf  # fpdf2 only when needed

        write_bytes_atomically(out, render_pdf(basis, created=dt.date.today()))
    elif suffix == ".xlsx":
        write_sheets_out([invoice_sheet(basis)], out)
    elif out == "-":
        with output("-") as stream:
            write_invoice_csv(stream, basis)
    else:
        save_invoice_csv(out, basis)
    for currency, total in sorted(basis.totals.items()):
        click.echo(
            _("{payer}: {nights} night(s), {amount}").format(
                payer=basis.payer.name, nights=total.nights,
                amount=formats.money_text(total.amount, currency),
            ),
            err=out == "-",
        )  # fmt: skip
    if basis.open_nights:
        click.echo(
            _("note: {n} night(s) in the period are not closed yet and are not included").format(
                n=basis.open_nights
            ),
            err=True,
        )
    if out != "-":
        click.echo(_("wrote {path}").format(path=out), err=True)


@cli.command("compensation")
@click.option("--from", "first", type=NIGHT, required=True, help=_("First night."))
@click.option("--to", "last", type=NIGHT, required=True, help=_("Last night (inclusive)."))
@click.option("--site", metavar="NAME", help=_("Only this host family."))
@click.option("--out", default="-", help=_("FILE.csv or FILE.xlsx; - is CSV on stdout."))
@format_option
@common_options
def compensation_command(first: dt.date, last: dt.date, site: str | None, out: str) -> None:
    """What each host family is owed: per family and month, then each year's total.

    The period column is YYYY-MM for a month and YYYY for a year's total."""
    check_period(first, last)
    suffix = out_format(out)
    if suffix not in (".csv", ".xlsx"):
        raise BadInput(_("--out must end in .csv or .xlsx, not {name!r}").format(name=out))
    store = open_from_context()
    with store.read() as session:
        owed = compensation(session, first, last, currency=store.settings.currency, site=site)
    if suffix == ".xlsx":
        write_sheets_out([compensation_sheet(owed)], out)
    else:
        with output(out) as stream:
            write_csv(stream, COMPENSATION_COLUMNS, compensation_rows(owed))
    missing = sum(r.nights_without_rate for r in owed if not r.is_year)
    if missing:
        click.echo(
            _("warning: {n} night(s) have no compensation rate; set one with "
              "`bedboard rates set --compensation`").format(n=missing),
            err=True,
        )  # fmt: skip
    if out != "-":
        click.echo(_("wrote {path}").format(path=out), err=True)

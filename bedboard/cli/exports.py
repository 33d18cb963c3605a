"""`bedboard export occupancy|turnaways|inventory` (`availability` has its own module)."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import click

from bedboard.cli import cli
from bedboard.cli.common import NIGHT, F, common_options, open_from_context
from bedboard.cli.safety import NamesWanted, names_need_rows, with_names, with_names_option
from bedboard.errors import BadInput
from bedboard.i18n import _
from bedboard.services.exports.export import Export, Progress, write_export
from bedboard.services.exports.inventory import inventory_export
from bedboard.services.exports.occupancy import occupancy_export
from bedboard.services.exports.outfile import atomic_text_file
from bedboard.services.exports.turnaways import turnaway_export
from bedboard.services.exports.xlsx import Sheet, is_xlsx, write_xlsx

PROGRESS_FROM_ROWS = 5000  # shorter exports finish before a bar would be worth drawing


def shows_progress(out: str, export: Export) -> bool:
    """A bar on stderr only when someone is watching a terminal and it cannot get mixed into
    the data: with `--out -` the rows go to the same terminal, or to a pager drawing on it.
    The rows are counted only then (last)."""
    if out == "-" or not sys.stderr.isatty() or os.environ.get("TERM") == "dumb":
        return False
    total = export.expected()
    return total is not None and total >= PROGRESS_FROM_ROWS


@contextmanager
def output(out: str) -> Iterator[IO[str]]:
    """`-` is stdout, as UTF-8 with the rows' own `\\r\\n` whatever the locale; a file is written
    beside its final name and renamed into place, so a failed export never leaves half a file
    under the real name."""
    if out == "-" and not hasattr(sys.stdout, "buffer"):  # a text-only stand-in
        yield sys.stdout
        return
    if out == "-":
        sys.stdout.flush()
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            yield stream
            stream.flush()
        finally:
            stream.detach()
        return
    with atomic_text_file(out) as file:
        yield file


def _sheet_name(ctx: click.Context) -> str:
    """The export's name as its command says it: "billing", "occupancy summary"."""
    name = ctx.info_name or "export"
    return f"{name} summary" if ctx.params.get("summary") else name


def write_sheets_out(sheets: list[Sheet], out: str, progress: Progress | None = None) -> int:
    """A workbook to the file `out`, or to stdout when it is not a terminal."""
    if out != "-":
        return write_xlsx(out, sheets, progress=progress)
    if sys.stdout.isatty():
        raise BadInput(
            _("a spreadsheet cannot be shown in a terminal; name a file: --out FILE.xlsx")
        )
    # A workbook is a zip, written whole: build it in a private folder, then pass it on.
    with tempfile.TemporaryDirectory(prefix="bedboard-") as folder:
        path = os.path.join(folder, "export.xlsx")
        count = write_xlsx(path, sheets)
        sys.stdout.flush()
        with open(path, "rb") as f:
            shutil.copyfileobj(f, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    return count


@contextmanager
def progress_bar(out: str, export: Export) -> Iterator[Progress | None]:
    """A function to report rows written to a bar on stderr, or None when no bar is shown."""
    if not shows_progress(out, export):
        yield None
        return
    total = export.total
    # length-only bars are ProgressBar[int] at runtime; click's stubs cannot say so
    bar_cm: Any = click.progressbar(length=total, label=_("exporting"), file=sys.stderr)
    with bar_cm as bar:
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            bar.update(count - done)
            done = count

        yield advance


def write_out(export: Export, out: str, excel: bool) -> None:
    """Stream an export to --out, with a progress bar when it is long and someone watches.
    A spreadsheet (.xlsx) when --format xlsx or --out ends in .xlsx; CSV otherwise."""
    spreadsheet = is_xlsx(out, chosen_format())
    with progress_bar(out, export) as progress:
        if spreadsheet:
            sheet = Sheet(_sheet_name(click.get_current_context()), export)
            count = write_sheets_out([sheet], out, progress)
        else:
            with output(out) as stream:
                count = write_export(stream, export, excel=excel, progress=progress)
    if out != "-":
        click.echo(_("wrote {count} row(s) to {out}").format(count=count, out=out), err=True)


@cli.group("export")
def export_group() -> None:
    """Write CSV files (UTF-8; --excel adds a BOM) or spreadsheets (.xlsx)."""


FORMAT_KEY = "bedboard.export_format"


def _remember_format(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.meta[FORMAT_KEY] = value


def format_option(f: F) -> F:
    """--format csv|xlsx, kept in the context for `chosen_format()`."""
    return click.option(
        "--format",
        type=click.Choice(["csv", "xlsx"], case_sensitive=False),
        expose_value=False,
        callback=_remember_format,
        help=_("csv or xlsx (a spreadsheet). Default: from the --out file name, else csv."),
    )(f)


def chosen_format() -> str | None:
    """What --format asked for ("csv", "xlsx"), or None to go by the file name."""
    value = click.get_current_context().meta.get(FORMAT_KEY)
    return str(value).lower() if value else None


def out_options(f: F) -> F:
    f = format_option(f)
    f = click.option("--excel", is_flag=True, help=_("Add a BOM so Excel shows å, ä, ö."))(f)
    f = click.option(
        "--out", default="-", show_default=True, help=_("File to write, - for stdout.")
    )(f)
    return f


@export_group.command("occupancy")
@click.option("--night", type=NIGHT, help=_("Default: the current night."))
@click.option("--summary", is_flag=True, help=_("One row per site instead of per unit."))
@out_options
@with_names_option
@common_options
def export_occupancy(
    night: dt.date | None,
    summary: bool,
    out: str,
    excel: bool,
    names: NamesWanted | None,
) -> None:
    """One row per unit for the night (or per site with --summary)."""
    names_need_rows(names, summary)
    store = open_from_context()
    night = night or store.tonight()
    with store.read() as session:
        export = occupancy_export(session, night, summary=summary)
        export = with_names(export, store, names, purpose=f"export occupancy {night}")
        write_out(export, out, excel)


@export_group.command("turnaways")
@click.option("--from", "first", type=NIGHT, required=True, help=_("First night."))
@click.option("--to", "last", type=NIGHT, required=True, help=_("Last night (inclusive)."))
@click.option("--summary", is_flag=True, help=_("A count per reason and ISO week."))
@out_options
@common_options
def export_turnaways(first: dt.date, last: dt.date, summary: bool, out: str, excel: bool) -> None:
    """Requests for a place that could not be met: night,site,reason,people,referred_to."""
    store = open_from_context()
    with store.read() as session:
        write_out(turnaway_export(session, first, last, summary=summary), out, excel)


@export_group.command("inventory")
@out_options
@common_options
def export_inventory(out: str, excel: bool) -> None:
    """Sites and units in the format `import inventory` reads."""
    store = open_from_context()
    with store.read() as session:
        write_out(inventory_export(session), out, excel)

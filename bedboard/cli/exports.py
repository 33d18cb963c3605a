"""`bedboard availability` and `bedboard export occupancy`."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import click

from bedboard.cli import cli
from bedboard.cli.common import NIGHT, common_options, open_from_context
from bedboard.services.availability import availability, site_counts
from bedboard.services.csvio import write_csv
from bedboard.services.exports import (
    OCCUPANCY_COLUMNS,
    OCCUPANCY_SUMMARY_COLUMNS,
    occupancy_record,
    occupancy_rows,
    occupancy_summary_rows,
)


@contextmanager
def output(out: str) -> Iterator[IO[str]]:
    """`-` is stdout; a file is written beside its final name and renamed into place, so a
    failed export never leaves half a file under the real name."""
    if out == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(out)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as stream:
            yield stream
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


@cli.command("availability")
@click.option("--night", type=NIGHT, help="Default: the current night.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@common_options
def availability_command(night: dt.date | None, as_json: bool) -> None:
    """Every unit's state on a night."""
    store = open_from_context()
    night = night or store.tonight()
    with store.read() as session:
        units = availability(session, night)
    if as_json:
        payload = {"night": night.isoformat(), "units": [occupancy_record(u) for u in units]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    click.echo(f"night of {night}")
    for c in site_counts(units):
        unbilled = f", {c.unbilled} UNBILLED" if c.unbilled else ""
        click.echo(
            f"  {c.site} ({c.area}): {c.free} free of {c.capacity}, {c.occupied} occupied, "
            f"{c.held} held, {c.out_of_service} out of service{unbilled}"
        )


@cli.group("export")
def export_group() -> None:
    """Write CSV files (UTF-8; --excel adds a BOM)."""


@export_group.command("occupancy")
@click.option("--night", type=NIGHT, help="Default: the current night.")
@click.option("--summary", is_flag=True, help="One row per site instead of per unit.")
@click.option("--out", default="-", show_default=True, help="File to write, - for stdout.")
@click.option("--excel", is_flag=True, help="Add a BOM so Excel shows å, ä, ö.")
@common_options
def export_occupancy(night: dt.date | None, summary: bool, out: str, excel: bool) -> None:
    """One row per unit for the night (or per site with --summary)."""
    store = open_from_context()
    night = night or store.tonight()
    with store.read() as session:
        units = availability(session, night)
    header, rows = (
        (OCCUPANCY_SUMMARY_COLUMNS, occupancy_summary_rows(units))
        if summary
        else (OCCUPANCY_COLUMNS, occupancy_rows(units))
    )
    with output(out) as stream:
        count = write_csv(stream, header, rows, excel=excel)
    if out != "-":
        click.echo(f"wrote {count} row(s) to {out}", err=True)

"""`bedboard import inventory FILE`."""

from __future__ import annotations

from pathlib import Path

import click

from bedboard.cli import cli
from bedboard.cli.common import common_options, open_from_context, options
from bedboard.config import load_settings
from bedboard.services.beds.inventory import import_inventory, parse_inventory


@cli.group("import")
def import_group() -> None:
    """Read sites, units, payers or rates from CSV files (all rows or none)."""


@import_group.command("inventory")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@common_options
def import_inventory_command(file: Path) -> None:
    """Sites and units: site,site_kind,area,room,unit,tags."""
    opts = options(click.get_current_context())
    # a malformed file fails before the database is opened
    rows = parse_inventory(file, load_settings(opts.db, opts.user).unit_tags)
    store = open_from_context(create=True)
    with store.write() as session:
        result = import_inventory(session, rows, actor=store.actor)
    if not result.changed:
        click.echo(f"{file}: nothing to change ({len(rows)} units already as in the file)")
    else:
        click.echo(
            f"{file}: {result.sites_added} site(s) and {result.units_added} unit(s) added, "
            f"{result.units_updated} unit(s) and {result.sites_updated} site area(s) updated"
        )

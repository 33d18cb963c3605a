"""`bedboard import inventory FILE`."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from bedboard.cli import cli
from bedboard.cli.common import act, common_options, open_from_context, options
from bedboard.config import load_settings
from bedboard.i18n import _
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
    result = act(import_inventory, store, rows=rows)
    if not result.changed:
        click.echo(
            _("{file}: nothing to change ({n} units already as in the file)").format(
                file=file, n=len(rows)
            )
        )
    else:
        click.echo(
            _(
                "{file}: {sites_added} site(s) and {units_added} unit(s) added, "
                "{units_updated} unit(s) and {sites_updated} site area(s) updated"
            ).format(file=file, **asdict(result))  # the counts by their names
        )

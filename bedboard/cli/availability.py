"""`bedboard availability`: every unit's state on a night, as site counts or as JSON.

Its own module, so the command imports what it uses and nothing of the exports' writers (issue
16: the whole process against importing SQLAlchemy's ORM). The JSON's units come from one query
as plain values (`occupancy_records`: no object per unit, the rates that apply now looked up by
the database); the site counts read the units as the board does, without stays' spans or visits
(they show neither). It writes the JSON itself: `json.dumps` with `indent` runs its pure-Python
encoder over every value, most of the command's time at 5,000 units. The bytes are those of
`json.dumps(payload, ensure_ascii=False, indent=1)` (tests/test_cli_availability.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import click

from bedboard.cli import cli
from bedboard.cli.common import NIGHT, common_options, open_from_context
from bedboard.i18n import _
from bedboard.services.beds.availability import availability, site_counts
from bedboard.services.exports.occupancy import occupancy_records


@cli.command("availability")
@click.option("--night", type=NIGHT, help=_("Default: the current night."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@common_options
def availability_command(night: dt.date | None, as_json: bool) -> None:
    """Every unit's state on a night."""
    store = open_from_context()
    night = night or store.tonight()
    if as_json:
        with store.read() as session:
            click.echo(json_text(night.isoformat(), occupancy_records(session, night)))
        return
    with store.read() as session:  # the counts show no rates: none are looked up
        units = availability(session, night, with_visits=False)
    click.echo(_("night of {night}").format(night=night))
    for c in site_counts(units):
        unbilled = _(", {n} UNBILLED").format(n=c.unbilled) if c.unbilled else ""
        click.echo(
            f"  {c.site} ({c.area}): "
            + _(
                "{free} free of {capacity}, {occupied} occupied, {held} held, {out} out of service"
            ).format(
                free=c.free,
                capacity=c.capacity,
                occupied=c.occupied,
                held=c.held,
                out=c.out_of_service,
            )
            + unbilled
        )


# Between a record's fields: what indent=1 puts there. With `separators` and no `indent`,
# json.dumps runs its C encoder; a record's values are flat, so only the separators differ.
RECORD = json.JSONEncoder(ensure_ascii=False, separators=(",\n   ", ": "))
# Between two records of the list, as that encoder writes them and as indent=1 does. The first
# cannot occur inside a record: a line break in a value is written as \n.
BETWEEN, INDENTED = "},\n   {", "\n  },\n  {\n   "


def json_text(night: str, records: Sequence[dict[str, Any]]) -> str:
    """{"night": ..., "units": [records]} as json.dumps(..., ensure_ascii=False, indent=1)
    writes it, for records (not empty) whose values are text, numbers, booleans or nulls: the
    whole list in one call of the C encoder."""
    if records:
        units = RECORD.encode(records)[2:-2].replace(BETWEEN, INDENTED)
        body = f"[\n  {{\n   {units}\n  }}\n ]"
    else:
        body = "[]"
    return f'{{\n "night": {json.dumps(night, ensure_ascii=False)},\n "units": {body}\n}}'

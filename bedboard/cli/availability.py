"""`bedboard availability`: every unit's state on a night, as site counts or as JSON.

Its own module, so the command imports what it uses and nothing of the exports (issue 16:
the whole process against importing SQLAlchemy's ORM). It reads no stays' spans or visits
(neither output shows them), and writes the JSON itself: `json.dumps` with `indent` runs its
pure-Python encoder over every value, most of the command's time at 5,000 units. The bytes are
those of `json.dumps(payload, ensure_ascii=False, indent=1)` (tests/test_cli_availability.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

import click

from bedboard.cli import cli
from bedboard.cli.common import NIGHT, common_options, open_from_context
from bedboard.i18n import _
from bedboard.services.beds.availability import availability, site_counts
from bedboard.services.exports.occupancy import occupancy_record
from bedboard.services.exports.occupancy_rates import fill_rates


@cli.command("availability")
@click.option("--night", type=NIGHT, help=_("Default: the current night."))
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@common_options
def availability_command(night: dt.date | None, as_json: bool) -> None:
    """Every unit's state on a night."""
    store = open_from_context()
    night = night or store.tonight()
    with store.read() as session:
        units = fill_rates(session, availability(session, night, with_visits=False))
    if as_json:
        click.echo(json_text(night.isoformat(), (occupancy_record(u) for u in units)))
        return
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


def json_text(night: str, records: Iterable[Mapping[str, Any]]) -> str:
    """{"night": ..., "units": [records]} as json.dumps(..., ensure_ascii=False, indent=1)
    writes it, for records whose values are text, numbers, booleans or nulls."""
    units = ",\n".join("  {\n   " + RECORD.encode(r)[1:-1] + "\n  }" for r in records)
    body = f"[\n{units}\n ]" if units else "[]"
    return f'{{\n "night": {json.dumps(night, ensure_ascii=False)},\n "units": {body}\n}}'

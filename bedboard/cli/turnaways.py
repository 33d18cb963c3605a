"""`bedboard turnaway`: record a request for a place that could not be met."""

from __future__ import annotations

import datetime as dt

import click

from bedboard.cli import cli
from bedboard.cli.common import NIGHT, common_options, open_from_context
from bedboard.services.people.turnaways import MAX_PEOPLE, TURNAWAY_REASONS, record_turnaway


@cli.command("turnaway")
@click.option("--night", type=NIGHT, help="Default: the current night.")
@click.option("--reason", required=True, type=click.Choice(TURNAWAY_REASONS), help="Why.")
@click.option(
    "--people", type=click.IntRange(1, MAX_PEOPLE), default=1, show_default=True, help="How many."
)
@click.option("--site", metavar="NAME", help="The site that had to say no, if one did.")
@click.option("--referred-to", default="", metavar="TEXT", help="Where they were sent instead.")
@click.option(
    "--needs",
    default="",
    metavar="women_only,children,accessible,language_xx",
    help="The needs that could not be met.",
)
@common_options
def turnaway(
    night: dt.date | None,
    reason: str,
    people: int,
    site: str | None,
    referred_to: str,
    needs: str,
) -> None:
    """Record a turnaway: evidence of unmet need."""
    store = open_from_context()
    night = night or store.tonight()
    with store.write() as session:
        record_turnaway(
            session,
            night=night,
            reason=reason,
            people=people,
            site=site,
            referred_to=referred_to,
            needs=needs,
            actor=store.actor,
        )
    where = f" at {site}" if site else ""
    who = "1 person" if people == 1 else f"{people} people"
    click.echo(f"turnaway recorded: night of {night}{where}, {who}, {reason}")

"""`bedboard turnaway`: record a request for a place that could not be met."""

from __future__ import annotations

import datetime as dt

import click

from bedboard.cli import cli
from bedboard.cli.common import NIGHT, act, common_options, given, open_from_context
from bedboard.i18n import _, ngettext
from bedboard.services.people.turnaways import MAX_PEOPLE, TURNAWAY_REASONS, record_turnaway
from bedboard.states import TurnawayReason
from bedboard.words import codes_with_words


@cli.command("turnaway")
@click.option("--night", type=NIGHT, help=_("Default: the current night."))
@click.option(
    "--reason",
    required=True,
    type=click.Choice(TURNAWAY_REASONS),
    help=_("Why: {reasons}.").format(reasons=codes_with_words(TurnawayReason)),
)
@click.option(
    "--people",
    type=click.IntRange(1, MAX_PEOPLE),
    default=1,
    show_default=True,
    help=_("How many."),
)
@click.option("--site", metavar="NAME", help=_("The site that had to say no, if one did."))
@click.option("--referred-to", default="", metavar="TEXT", help=_("Where they were sent instead."))
@click.option(
    "--needs",
    default="",
    metavar="women_only,children,accessible,language_xx",
    help=_("The needs that could not be met."),
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
    act(record_turnaway, store, **given(night=night))
    where = _(" at {site}").format(site=site) if site else ""
    who = ngettext("{n} person", "{n} people", people).format(n=people)
    click.echo(
        _("turnaway recorded: night of {night}{where}, {who}, {reason}").format(
            night=night, where=where, who=who, reason=reason
        )
    )

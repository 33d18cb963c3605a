"""`bedboard find`: where is a free place tonight that fits this person or this household, and
`--hold` to keep the best one for every night asked for. Places left out are never explained."""

from __future__ import annotations

import datetime as dt
import json

import click

from bedboard.cli import cli
from bedboard.cli.common import NIGHT, common_options, open_from_context
from bedboard.cli.stays import hold_line, hold_minutes_option
from bedboard.errors import RuleViolation
from bedboard.i18n import _
from bedboard.services.beds.placement import (
    MAX_PLACES,
    Needs,
    find_places,
    hold_places,
    needs_for,
)
from bedboard.services.clock import MAX_NIGHTS


@cli.command("find")
@click.option("--night", type=NIGHT, help=_("First night. Default: the current night."))
@click.option("--nights", type=click.IntRange(1, MAX_NIGHTS), default=1, show_default=True)
@click.option("--people", type=click.IntRange(1, MAX_PLACES), default=1, show_default=True)
@click.option("--children", type=click.IntRange(0, MAX_PLACES), default=0, help=_("Of the people."))
@click.option("--women-only", is_flag=True)
@click.option("--accessible", is_flag=True)
@click.option("--language", default="", metavar="L", help=_("Preferred language, like ro."))
@click.option("--area", default="", metavar="A", help=_("Preferred area."))
@click.option(
    "--require-language", is_flag=True, help=_("Only places where the language is spoken.")
)
@click.option("--require-area", is_flag=True, help=_("Only places in the area."))
@click.option("--household", metavar="CODE", help=_("Size and needs from this household."))
@click.option("--guest", metavar="CODE", help=_("Needs and keep-away rules of this guest."))
@click.option("--json", "as_json", is_flag=True)
@click.option("--hold", "do_hold", is_flag=True, help=_("Hold the best place for every night."))
@click.option("--for", "held_for", default="", metavar="TEXT", help=_("With --hold: who for."))
@hold_minutes_option
@common_options
def find(
    night: dt.date | None,
    nights: int,
    people: int,
    children: int,
    women_only: bool,
    accessible: bool,
    language: str,
    area: str,
    require_language: bool,
    require_area: bool,
    household: str | None,
    guest: str | None,
    as_json: bool,
    do_hold: bool,
    held_for: str,
    minutes: int,
) -> None:
    """Places that fit, best first; with --hold, hold the best one."""
    if household and guest:
        raise click.UsageError(_("name a household or a guest, not both"))
    if (require_language and not language.strip() and not (household or guest)) or (
        require_area and not area.strip()
    ):
        raise click.UsageError(_("--require-language and --require-area need what to require"))
    store = open_from_context()
    first = night or store.tonight()
    asked = Needs(
        places=people,
        nights=nights,
        women_only=women_only,
        children=children > 0,
        accessible=accessible,
        language=language,
        area=area,
        children_count=children,
        language_required=require_language,
        area_required=require_area,
    )
    with store.write() if do_hold else store.read() as session:
        needs = needs_for(session, asked, night=first, guest=guest, household=household)
        options = find_places(session, first, needs)
        line = ""
        if do_hold:
            if not options:
                raise RuleViolation(_("nothing fits these needs; nothing was held"))
            best = options[0]
            row = hold_places(
                session,
                units=best.units,
                night=first,
                nights_count=nights,
                held_for=held_for or household or guest or "",
                minutes=minutes,
                actor=store.actor,
            )
            line = hold_line(row.id, list(best.units), first, nights, row.expires_at)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "night": first.isoformat(),
                    "nights": nights,
                    "placements": [
                        {
                            "site": o.site,
                            "site_kind": o.site_kind,
                            "area": o.area,
                            "units": list(o.units),
                            "why": o.reasons,
                        }
                        for o in options
                    ],
                    **({"hold": line} if line else {}),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if line:
        click.echo(line)
        return
    if not options:
        unmet = ",".join(needs.unmet())
        hint = f" --needs {unmet}" if unmet else ""
        click.echo(
            _(
                "nothing fits; record it with: bedboard turnaway --reason needs_not_met{hint}"
            ).format(hint=hint)
        )
        return
    for o in options:
        why = "  ({reasons})".format(reasons=", ".join(o.reasons)) if o.reasons else ""
        click.echo(f"{o.site}\t{o.area}\t{', '.join(o.units)}{why}")

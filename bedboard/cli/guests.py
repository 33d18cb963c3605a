"""`bedboard guests add|edit|show|list|avoid`: the guest record at intake. Names are written here
and never printed: the desk sees the code, and a name leaves only through an audited reveal."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from bedboard.cli import cli
from bedboard.cli.common import F, common_options, open_from_context
from bedboard.i18n import _
from bedboard.services.people import avoid, guests
from bedboard.services.people.guests import GuestFields, GuestView
from bedboard.services.people.intake_text import GENDERS
from bedboard.states import Gender
from bedboard.words import codes_with_words, needs_text, word


def _record_options(f: F) -> F:
    """The options `add` and `edit` share; each left out leaves its field as it is."""
    decorators: list[Callable[[F], F]] = [
        click.option(
            "--name", metavar="TEXT", help=_("Full name (shown only on an audited reveal).")
        ),
        click.option("--birth-year", type=int, metavar="YYYY"),
        click.option(
            "--gender",
            type=click.Choice(GENDERS),
            help=_("One of {kinds}.").format(kinds=codes_with_words(Gender)),
        ),
        click.option("--languages", metavar="sv,ro", help=_("Languages spoken, comma-separated.")),
        click.option(
            "--needs",
            metavar="women_only,children,accessible",
            help=_("Needs the place must meet, comma-separated ('' clears them)."),
        ),
        click.option(
            "--protected/--not-protected",
            default=None,
            help=_("Protected identity: searching by name is audited. New guests are protected."),
        ),
        click.option(
            "--household", metavar="CODE", help=_("Join this household (created on first use).")
        ),
        click.option("--notes", metavar="TEXT"),
    ]
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def _fields(**kw: Any) -> GuestFields:
    return GuestFields(
        name=kw["name"],
        birth_year=kw["birth_year"],
        gender=kw["gender"],
        languages=kw["languages"],
        needs=kw["needs"],
        protected=kw["protected"],
        household=kw["household"],
        notes=kw["notes"],
    )


@cli.group("guests")
def guests_group() -> None:
    """Guests and households: register, edit, show, list, keep-away rules."""


@guests_group.command("add")
@click.argument("code", required=False)
@_record_options
@common_options
def add(code: str | None, **kw: Any) -> None:
    """Register a guest; prints the code (made as G-<number> when not given)."""
    store = open_from_context()
    with store.write() as session:
        guest = guests.add_guest(
            session,
            code=code,
            fields=_fields(**kw),
            actor=store.actor,
            prefix=store.settings.guest_code_prefix,
        )
        printed = guest.code
    click.echo(printed)


@guests_group.command("edit")
@click.argument("code")
@_record_options
@click.option("--no-household", is_flag=True, help=_("Leave the household."))
@common_options
def edit(code: str, no_household: bool, **kw: Any) -> None:
    """Change a guest's record; fields not named stay as they are."""
    if no_household:
        if kw["household"]:
            raise click.UsageError(_("--household and --no-household contradict each other"))
        kw["household"] = ""
    store = open_from_context()
    with store.write() as session:
        guests.edit_guest(session, code=code, fields=_fields(**kw), actor=store.actor)
    click.echo(_("guest {code} updated").format(code=code.strip()))


def _describe(v: GuestView) -> list[str]:
    household = (
        _("{code} ({members})").format(code=v.household, members=", ".join(v.household_members))
        if v.household
        else "-"
    )
    name = _("recorded (shown only on an audited reveal)") if v.name_recorded else "-"
    rules = (
        _("{count} (listed only with `guests avoid {code} --list --reason TEXT`)").format(
            count=v.avoid_rules, code=v.code
        )
        if v.avoid_rules
        else "0"
    )
    fields = [
        (_("code"), v.code),
        (_("name"), name),
        (_("household"), household),
        (_("gender"), word(Gender, v.gender) or "-"),
        (_("birth year"), v.birth_year or "-"),
        (_("languages"), ", ".join(v.languages) or "-"),
        (_("needs"), needs_text(v.needs) or "-"),
        (_("protected"), _("yes") if v.protected else _("no")),
        (_("keep-away rules"), rules),
        (_("notes"), v.notes or "-"),
    ]
    return [f"{label}: {value}" for label, value in fields]


@guests_group.command("show")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True)
@common_options
def show(code: str, as_json: bool) -> None:
    """One guest's record (never the name)."""
    store = open_from_context()
    with store.read() as session:
        v = guests.show_guest(session, code)
    if as_json:
        click.echo(json.dumps(v.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(_describe(v)))


@guests_group.command("list")
@click.option("--household", metavar="CODE", help=_("Only this household's members."))
@click.option("--json", "as_json", is_flag=True)
@common_options
def list_command(household: str | None, as_json: bool) -> None:
    """Every guest by code, with household and needs."""
    store = open_from_context()
    with store.read() as session:
        views = guests.list_guests(session, household)
    if as_json:
        click.echo(json.dumps([v.as_json() for v in views], ensure_ascii=False, indent=2))
        return
    for v in views:
        click.echo(
            "\t".join(
                [
                    v.code,
                    v.household or "-",
                    word(Gender, v.gender) or "-",
                    needs_text(v.needs) or "-",
                ]
            )
        )


@guests_group.command("avoid")
@click.argument("code")
@click.option("--site", metavar="NAME", help=_("Never offer a place at this site."))
@click.option("--area", metavar="NAME", help=_("Never offer a place in this area."))
@click.option(
    "--guest", "other", metavar="CODE", help=_("Never place at the same site as this guest.")
)
@click.option("--list", "list_rules", is_flag=True, help=_("List the rules (needs --reason)."))
@click.option("--reason", metavar="TEXT", help=_("Why the rules are shown (audited)."))
@common_options
def avoid_command(
    code: str,
    site: str | None,
    area: str | None,
    other: str | None,
    list_rules: bool,
    reason: str | None,
) -> None:
    """Keep a guest away from a site, an area or another guest."""
    store = open_from_context()
    if list_rules:
        if site or area or other:
            raise click.UsageError(_("--list shows the rules; add one without --list"))
        if not reason:
            raise click.UsageError(_("--list needs --reason: showing the rules is audited"))
        with store.write() as session:
            rules = avoid.reveal_rules(session, guest_code=code, reason=reason, actor=store.actor)
        for rule in rules:
            click.echo(f"{rule.kind}\t{rule.target}")
        if not rules:
            click.echo(_("no keep-away rules for {code}").format(code=code.strip()))
        return
    if sum(1 for x in (site, area, other) if x) != 1:
        raise click.UsageError(_("name exactly one of --site, --area or --guest"))
    with store.write() as session:
        avoid.add_rule(
            session, guest_code=code, site=site, area=area, other_guest=other, actor=store.actor
        )
    click.echo(_("keep-away rule added for {code}").format(code=code.strip()))

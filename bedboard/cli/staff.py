"""`bedboard staff add|list|edit|disable|enable|pin`: who may act, in which role, at which sites.

A new PIN is read from the terminal (asked twice, not echoed), or as one line of standard
input when that is not a terminal (scripts, tests).
"""

from __future__ import annotations

import getpass
import sys

import click

from bedboard.cli import cli
from bedboard.cli.common import common_options, open_from_context, query, write
from bedboard.errors import BadInput
from bedboard.i18n import _
from bedboard.services.staff import members
from bedboard.states import StaffRole
from bedboard.words import word


def read_new_pin(login: str) -> str:
    return _read_new_secret(
        _("new PIN for {login}: ").format(login=login),
        again=_("the same PIN again: "),
        differ=_("the two PINs differ; nothing was changed"),
        missing=_("no PIN on standard input; nothing was changed"),
    )


def read_new_password(login: str) -> str:
    """The password of a new PostgreSQL login, read like a PIN. It goes no further than libpq,
    which sends the server a SCRAM verifier (db.pg_access.create_login)."""
    return _read_new_secret(
        _("password for the new database login {login}: ").format(login=login),
        again=_("the same password again: "),
        differ=_("the two passwords differ; nothing was changed"),
        missing=_("no password on standard input; nothing was changed"),
    )


def _read_new_secret(prompt: str, *, again: str, differ: str, missing: str) -> str:
    """Asked twice without echo on a terminal; else one line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if first != getpass.getpass(again):
            raise BadInput(differ)
        return first
    line = sys.stdin.readline()
    if not line.strip():
        raise BadInput(missing)
    return line.rstrip("\r\n")


@cli.group("staff")
def staff_group() -> None:
    """Staff members, their roles and sites."""


@staff_group.command("add")
@click.argument("login")
@click.option("--role", required=True, metavar="|".join(StaffRole), help=_("What they may do."))
@click.option("--site", "sites", multiple=True, metavar="NAME", help=_("A site they work at."))
@click.option("--name", default="", help=_("Their name, as colleagues know it."))
@click.option(
    "--database-login",
    is_flag=True,
    help=_(
        "PostgreSQL: also make their own database login (its password is asked for instead of "
        "a PIN). Always so when an administrator's own database login runs the command."
    ),
)
@common_options
def staff_add(
    login: str, role: str, sites: tuple[str, ...], name: str, database_login: bool
) -> None:
    """Add a staff member; their PIN (or database password) is asked for, or read from
    standard input."""
    store = open_from_context()
    login = members.check_login(login)
    members.check_role(role)
    if database_login or store.db_login is not None:
        secret: dict[str, str] = {"password": read_new_password(login)}
    else:
        secret = {"pin": read_new_pin(login)}
    member = write(
        members.add_staff, store, login=login, role=role, sites=sites, name=name, **secret
    )
    where = ", ".join(dict.fromkeys(s.strip() for s in sites)) or _("all sites")
    click.echo(
        _("added {login} as {role} ({where})").format(
            login=member.login, role=word(StaffRole, role), where=where
        )
    )
    if "password" in secret:
        click.echo(
            _(
                "{login} signs in by connecting as the PostgreSQL login {login} "
                "(see pg_hba.conf in the README)"
            ).format(login=member.login)
        )


@staff_group.command("list")
@common_options
def staff_list() -> None:
    """Every staff member: login, role, sites, whether active and whether a PIN is set."""
    rows = query(members.list_staff)
    for r in rows:
        state = _("active") if r.active else _("disabled")
        pin = "  " + _("(no PIN)") if r.has_pin is False else ""
        sites = ",".join(r.sites) or "-"
        click.echo(f"{r.login}\t{r.role}\t{sites}\t{state}\t{r.name}{pin}".rstrip())
    if not rows:
        click.echo(_("no staff yet: the local user may do everything"), err=True)


@staff_group.command("edit")
@click.argument("login")
@click.option("--role", metavar="|".join(StaffRole), help=_("A new role."))
@click.option(
    "--site", "sites", multiple=True, metavar="NAME", help=_("Their sites (replaces the old).")
)
@click.option("--name", default=None, help=_("A new name."))
@common_options
def staff_edit(login: str, role: str | None, sites: tuple[str, ...], name: str | None) -> None:
    """Change a staff member's role, sites or name."""
    store = open_from_context()
    with store.write() as session:
        member = members.edit_staff(session, login=login, role=role, sites=sites or None, name=name)
        sites_now = members.site_names_of(session, member)
    click.echo(
        _("{login} is {role} ({where})").format(
            login=member.login,
            role=word(StaffRole, member.role),
            where=", ".join(sites_now) or _("all sites"),
        )
    )


@staff_group.command("disable")
@click.argument("login")
@common_options
def staff_disable(login: str) -> None:
    """Disable a staff member: they can no longer sign in (their history stays)."""
    member = write(members.disable_staff, login=login)
    click.echo(_("{login} is disabled").format(login=member.login))


@staff_group.command("enable")
@click.argument("login")
@common_options
def staff_enable(login: str) -> None:
    """Enable a disabled staff member again: they sign in with the PIN or password they had."""
    member = write(members.enable_staff, login=login)
    click.echo(_("{login} is enabled again").format(login=member.login))


@staff_group.command("pin")
@click.argument("login")
@common_options
def staff_pin(login: str) -> None:
    """Set a new PIN (an administrator for anyone, a staff member for themselves)."""
    store = open_from_context()
    query(members.find_staff, store, login=login)  # before asking for a PIN
    member = write(members.set_pin, store, login=login, pin=read_new_pin(login.strip()))
    click.echo(_("new PIN set for {login}").format(login=member.login))

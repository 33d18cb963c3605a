"""`bedboard reveal --guest CODE --reason TEXT` and `bedboard guests extract CODE --out FILE`:
the two ways a person's identity leaves the program on purpose, each with a reason, each in the
audit log (and so in `bedboard audit disclosures --guest CODE`)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bedboard.cli import cli
from bedboard.cli.common import F, common_options, open_from_context
from bedboard.cli.guests import guests_group
from bedboard.cli.help_texts import TranslatedCommand
from bedboard.cli.safety import confirmer
from bedboard.i18n import _
from bedboard.services.exports.outfile import atomic_text_file
from bedboard.services.people.search import reveal_name
from bedboard.services.safety.extract import extract


def _confirm_option(f: F) -> F:
    return click.option(
        "--confirm-by",
        metavar="LOGIN",
        help=_(
            "A second staff member who confirms (needed for a protected guest); their PIN from "
            "$BEDBOARD_CONFIRM_PIN or a prompt."
        ),
    )(f)


@cli.command("reveal")
@click.option("--guest", "guest_code", required=True, metavar="CODE")
@click.option("--reason", required=True, metavar="TEXT", help=_("Why the name is needed."))
@_confirm_option
@common_options
def reveal_command(guest_code: str, reason: str, confirm_by: str | None) -> None:
    """Print a guest's name (written to the audit log with the reason)."""
    store = open_from_context()
    second = confirmer(store, confirm_by, (guest_code.strip(),))
    with store.write() as session:
        name = reveal_name(
            session, guest_code=guest_code, actor=store.actor, reason=reason, confirmed_by=second
        )
    click.echo(name)


@click.command("extract", cls=TranslatedCommand)
@click.argument("code")
@click.option("--out", required=True, type=click.Path(path_type=Path), help=_("The JSON file."))
@click.option(
    "--reason", required=True, metavar="TEXT", help=_("Why (e.g. the access request's number).")
)
@_confirm_option
@common_options
def extract_command(code: str, out: Path, reason: str, confirm_by: str | None) -> None:
    """Write everything held on a person to a JSON file (for an access request; audited)."""
    store = open_from_context()
    second = confirmer(store, confirm_by, (code.strip(),))
    target = str(out.expanduser().absolute())
    with atomic_text_file(out) as handle, store.write() as session:
        data = extract(session, guest_code=code, reason=reason, out=target, confirmed_by=second)
        json.dump(data, handle, ensure_ascii=False, indent=2, sort_keys=True)
        handle.write("\n")
    click.echo(
        _(
            "wrote everything held on {code} to {out} ({nights} night(s), {entries} audit entries)"
        ).format(code=code.strip(), out=out, nights=len(data["nights"]), entries=len(data["audit"]))
    )


guests_group.add_command(extract_command)

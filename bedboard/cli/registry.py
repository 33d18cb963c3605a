"""Which module defines each top-level command, and its one-line summary for `bedboard --help`.

Commands are imported only when run, so `bedboard --version` and `--help` load neither
SQLAlchemy nor the services. A command group may be extended by several modules (`export`
by exports.py and billing.py): all of them are imported before the group runs.
tests/test_cli_registry.py fails, with the line to add, when this table and the modules differ.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import NamedTuple

import click

from bedboard.cli.help_texts import TranslatedGroup
from bedboard.i18n import N_, _


class Entry(NamedTuple):
    modules: tuple[str, ...]  # under bedboard.cli
    summary: str


COMMANDS: dict[str, Entry] = {
    "adjust": Entry(("billing",), N_("Correct a closed night with an adjustment.")),
    "audit": Entry(("safety",), N_("The append-only audit log.")),
    "availability": Entry(("availability",), N_("Every unit's state on a night.")),
    "backup": Entry(
        ("safety",),
        N_("Copy the database to FILE (consistent even while others write; created 0600)."),
    ),
    "cancel-hold": Entry(("stays",), N_("Cancel a hold; the unit is free again.")),
    "checkin": Entry(
        ("stays",),
        N_("Check guests in, each to a unit (--unit A --guest G --unit B --guest H): all or none."),
    ),
    "checkout": Entry(("stays",), N_("Check a guest out: removes their nights from --night on.")),
    "commitments": Entry(
        ("commitments",),
        N_("Payers' decisions: who pays a guest's nights from a date, with a reference and a cap."),
    ),
    "compensation": Entry(
        ("invoices",),
        N_("What each host family is owed: per family and month, then each year's total."),
    ),
    "correct": Entry(
        ("commitments",),
        N_("Move closed nights to another payer: a credit to the old, a rebill to the new."),
    ),
    "close-night": Entry(
        ("billing",), N_("Post every bed-night of a night with its rate and lock them.")
    ),
    "confirm-hold": Entry(
        ("stays",),
        N_("Turn a hold into stays: every held night, each unit for the guest paired with it."),
    ),
    "db": Entry(("db_commands",), N_("The database schema.")),
    "demo": Entry(
        ("db_commands",),
        N_("Load example sites, units, payers, guests and stays into an empty database."),
    ),
    "export": Entry(
        ("exports", "billing"),
        N_("Write CSV files (UTF-8; --excel adds a BOM) or spreadsheets (.xlsx)."),
    ),
    "extend": Entry(
        ("stays",), N_("Add nights after the last night of a guest's stay, same unit and payer.")
    ),
    "forget": Entry(
        ("safety",),
        N_(
            "Erase a guest's name, birth year, languages and notes;"
            " nights and billing stay under the code."
        ),
    ),
    "guests": Entry(
        ("disclosure", "guests"),
        N_("Guests and households: register, edit, show, list, keep-away rules."),
    ),
    "find": Entry(("find",), N_("Places that fit, best first; with --hold, hold the best one.")),
    "hold": Entry(
        ("stays",),
        N_("Hold units for people on their way: every unit, every night, under one hold."),
    ),
    "import": Entry(
        ("inventory", "payers"),
        N_("Read sites, units, payers or rates from CSV files (all rows or none)."),
    ),
    "invoice-basis": Entry(
        ("invoices",),
        N_("What a payer is billed for a period: closed nights, corrections, totals."),
    ),
    "move": Entry(("stays",), N_("Move a guest to another unit from a night on.")),
    "out-of-service": Entry(("stays",), N_("Mark a unit out of service for a range of nights.")),
    "pay": Entry(
        ("billing",), N_("Say who pays a guest's nights (closed nights keep their payer).")
    ),
    "payers": Entry(
        ("payers",),
        N_("Who is billed: police, court, social services, Migration Agency, embassy, NGO, own."),
    ),
    "reveal": Entry(
        ("disclosure",), N_("Print a guest's name (written to the audit log with the reason).")
    ),
    "rates": Entry(
        ("payers",), N_("Prices per night, by site kind or site, optionally per payer.")
    ),
    "restore": Entry(
        ("safety",),
        N_(
            "Replace the database with the backup FILE, after checking it;"
            " the replaced database is kept beside it as <db>.before-restore-<time>."
        ),
    ),
    "staff": Entry(("staff",), N_("Staff members, their roles and sites.")),
    "turnaway": Entry(("turnaways",), N_("Record a turnaway: evidence of unmet need.")),
    "who-pays": Entry(
        ("billing",),
        N_(
            "Nights nobody pays (open and closed), and decisions that end soon"
            " while a stay goes on."
        ),
    ),
}


@contextmanager
def imports_kept() -> Iterator[None]:
    """Import a command's modules (SQLAlchemy, the models, the services: some 90,000 objects
    the collector tracks, which live as long as the process) without the cycle collector, then
    move them out of its reach (`gc.freeze`): otherwise every full collection that the command's
    own work sets off walks them all again (issue 16: a fifth of `availability --json`'s CPU
    time). Whatever else is alive then is kept too: only for a process that runs one command."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class LazyGroup(TranslatedGroup):
    """A group whose subcommands are imported from their modules on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    # Set by the program's own start (not by a test calling in): the modules a command imports
    # then live until the process ends, and may be kept from the cycle collector.
    keep_imports = False

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        modules = COMMANDS[cmd_name].modules if cmd_name in COMMANDS else ()
        with imports_kept() if modules and self.keep_imports else nullcontext():
            for module in modules:
                importlib.import_module(f"bedboard.cli.{module}")
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The summaries come from the table, so listing the commands imports none of them.
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, click.Command(name, help=_(COMMANDS[name].summary)).get_short_help_str(limit))
            for name in sorted(COMMANDS)
        ]
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)

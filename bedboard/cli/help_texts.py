"""Command and group help in the user's language.

click takes a command's help from its function's docstring. The docstrings stay the English
source (tools/catalogs.py extracts them from bedboard/cli into the catalog, as it does the
texts marked with _()), and these classes look each one up in the catalog when click shows
it, so `bedboard --help`, `bedboard export --help` and every command's help read in Swedish
when the language is Swedish. The usage line's placeholders ([OPTIONS], COMMAND) too, and the
placeholders of values (`--night DATE`, `NAME`), which click takes from the option or its type
when it writes the page: a help formatter puts them in the reader's words (`--night DATUM`).

Option help texts are translated where they are declared (`help=_("...")`): a command's
module is imported only when that command runs, after the language is chosen.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from typing import Any

import click

from bedboard.i18n import N_, _

# What stands for a value on a help page. Codes that are typed as they are (`[csv|xlsx]`,
# `women_only,children`) and one-letter names stay.
METAVARS = {
    "DATE": N_("DATE"),
    "NAME": N_("NAME"),
    "TEXT": N_("TEXT"),
    "CODE": N_("CODE"),
    "PATH_OR_URL": N_("PATH_OR_URL"),
    "INTEGER RANGE": N_("INTEGER RANGE"),
    "INTEGER": N_("INTEGER"),
    "LOGIN": N_("LOGIN"),
    "SITE": N_("SITE"),
    "UNIT": N_("UNIT"),
    "FILE": N_("FILE"),
    "PATH": N_("PATH"),
    "REASON": N_("REASON"),
    "HOLD_ID": N_("HOLD_ID"),
    "YYYY": N_("YYYY"),
    "HASH": N_("HASH"),
}
_METAVAR = re.compile(r"\b(?:INTEGER RANGE|[A-Z][A-Z_]*)\b")


def metavars_translated(text: str) -> str:
    """`--night DATE` as `--night DATUM` in Swedish; option names and codes as they are."""
    return _METAVAR.sub(lambda m: _(METAVARS[m[0]]) if m[0] in METAVARS else m[0], text)


class TranslatedFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, metavars_translated(args), prefix)

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        super().write_dl([(metavars_translated(t), h) for t, h in rows], col_max, col_spacing)


class TranslatedContext(click.Context):
    formatter_class = TranslatedFormatter


def translated(text: str | None) -> str | None:
    """A help text from the catalog, looked up as the catalog holds it (cleaned as click does)."""
    return _(inspect.cleandoc(text)) if text else text


class TranslatedHelp:
    """Help text and options metavar in the reader's language, for commands and groups alike:
    click stores `help` at definition time, before the language is known, so it is looked up
    when shown."""

    _help: str | None
    context_class: type[click.Context] = TranslatedContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", _("[OPTIONS]"))
        super().__init__(*args, **kwargs)

    @property
    def help(self) -> str | None:
        return translated(self._help)

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value


class TranslatedCommand(TranslatedHelp, click.Command):
    pass


class TranslatedGroup(TranslatedHelp, click.Group):
    command_class = TranslatedCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("invoke_without_command"):
            kwargs.setdefault("subcommand_metavar", _("[COMMAND] [ARGS]..."))
        else:
            kwargs.setdefault("subcommand_metavar", _("COMMAND [ARGS]..."))
        super().__init__(*args, **kwargs)


TranslatedGroup.group_class = TranslatedGroup

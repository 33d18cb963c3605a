"""Command and group help in the user's language.

click takes a command's help from its function's docstring. The docstrings stay the English
source (tools/catalogs.py extracts them from bedboard/cli into the catalog, as it does the
texts marked with _()), and these classes look each one up in the catalog when click shows
it, so `bedboard --help`, `bedboard export --help` and every command's help read in Swedish
when the language is Swedish. The usage line's placeholders ([OPTIONS], COMMAND) too.

Option help texts are translated where they are declared (`help=_("...")`): a command's
module is imported only when that command runs, after the language is chosen.
"""

from __future__ import annotations

import inspect
from typing import Any

import click

from bedboard.i18n import _


def translated(text: str | None) -> str | None:
    """A help text from the catalog, looked up as the catalog holds it (cleaned as click does)."""
    return _(inspect.cleandoc(text)) if text else text


class TranslatedHelp:
    """Help text and options metavar in the reader's language, for commands and groups alike:
    click stores `help` at definition time, before the language is known, so it is looked up
    when shown."""

    _help: str | None

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

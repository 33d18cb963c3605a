"""Every command the program has is in the README, in a `bedboard ...` line: a new command
without a line there fails here. The commands are read from the click group itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click

from bedboard.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[str]:
    """Every runnable command, asking the group as `bedboard` does (the top group loads each
    command's module only when asked for it)."""
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            yield from command_paths(command, (*prefix, name))
        else:
            yield " ".join((*prefix, name))


def usage_lines() -> list[str]:
    """The README's lines that show a command: `bedboard a ... | b ...` (alternatives after |)."""
    return [line for line in README.read_text(encoding="utf-8").splitlines() if "bedboard " in line]


def test_every_command_is_in_the_readme() -> None:
    lines = usage_lines()
    missing = [
        path
        for path in command_paths(cli)
        if not any(re.search(rf"(bedboard|\|) {re.escape(path)}(\s|$|`)", line) for line in lines)
    ]
    assert missing == []


def test_the_walk_finds_nested_commands() -> None:
    """The check above is only as good as the walk: groups are entered, not listed."""
    paths = set(command_paths(cli))
    assert {"checkin", "payers add", "export billing", "db upgrade", "audit verify"} <= paths
    assert "payers" not in paths and len(paths) >= 30

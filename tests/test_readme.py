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


def settings_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("### Settings")
    return text[start : text.index("\n## ", start)]


def test_every_environment_variable_is_in_the_settings_table() -> None:
    """Each `BEDBOARD_*` name the program reads is listed under Settings (BEDBOARD_FAR was read
    and documented nowhere). The names are read from the package's source."""
    package = README.parent / "bedboard"
    read = {
        name
        for path in package.rglob("*.py")
        for name in re.findall(r"BEDBOARD_[A-Z_]*[A-Z]", path.read_text(encoding="utf-8"))
    }
    assert {"BEDBOARD_DB", "BEDBOARD_FAR"} <= read
    section = settings_section()
    assert sorted(name for name in read if f"`{name}`" not in section) == []


def test_every_global_flag_is_in_the_settings_table() -> None:
    """The options every subcommand takes (`--db`, `--user`, `--far`) have a row there too."""
    section = settings_section()
    assert [flag for flag in ("--db", "--user", "--far") if f"`{flag}`" not in section] == []

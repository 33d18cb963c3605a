"""The table of commands (bedboard/cli/registry.py) names every command's modules and summary,
and what `--version`, `--help` and `availability --json` import stays small (by sys.modules,
not by time)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import click

import bedboard.cli
from bedboard.cli import cli
from bedboard.cli.registry import COMMANDS


def test_the_table_lists_every_command_with_its_modules_and_summary() -> None:
    for module in pkgutil.iter_modules(bedboard.cli.__path__):
        importlib.import_module(f"bedboard.cli.{module.name}")
    ctx = click.Context(cli)
    registered = {name: cli.commands[name] for name in click.Group.list_commands(cli, ctx)}
    expected = {}
    for name, command in registered.items():
        modules = {command.callback.__module__} if command.callback else set()
        if isinstance(command, click.Group):
            modules |= {
                sub.callback.__module__ for sub in command.commands.values() if sub.callback
            }
        expected[name] = (
            tuple(sorted(m.removeprefix("bedboard.cli.") for m in modules)),
            command.get_short_help_str(limit=1000),
        )
    table = {name: (tuple(sorted(e.modules)), e.summary) for name, e in COMMANDS.items()}
    missing = {n: v for n, v in expected.items() if table.get(n) != v}
    assert missing == {}, f"add or fix these lines in bedboard/cli/registry.py: {missing}"
    assert set(table) == set(expected), "the table names commands that no module defines"


def loaded_after(*args: str) -> set[str]:
    probe = (
        "import sys\n"
        f"sys.argv = ['bedboard', *{list(args)!r}]\n"
        "from bedboard.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "import json; print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def packages(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules} | {
        ".".join(m.split(".")[:2]) for m in modules if m.startswith("bedboard.")
    }


def test_version_and_help_load_neither_sqlalchemy_nor_the_services() -> None:
    for args in (["--version"], ["--help"]):
        loaded = packages(loaded_after(*args))
        heavy = loaded & {"sqlalchemy", "alembic", "textual", "bedboard.services", "bedboard.db"}
        assert heavy == set(), f"bedboard {' '.join(args)} imports {sorted(heavy)}"


def test_availability_loads_its_own_module_only(tmp_path) -> None:
    db = tmp_path / "b.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "bedboard", "db", "upgrade", "--db", str(db)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    loaded = loaded_after("availability", "--json", "--db", str(db))
    commands = {m for m in loaded if m.startswith("bedboard.cli.")} - {
        "bedboard.cli.common",
        "bedboard.cli.registry",
        "bedboard.cli.click_texts",  # click's own texts in the user's language, for every command
        "bedboard.cli.help_texts",  # and the commands' help
    }
    assert commands == {"bedboard.cli.availability"}, sorted(commands)
    assert not {m for m in loaded if m.split(".")[0] in {"alembic", "textual", "xlsxwriter"}}
    # the occupancy record it writes, not the writers of files (the xlsx writer took 10 ms)
    assert "bedboard.services.exports.xlsx" not in loaded


def frozen_after(args: list[str], *, as_program: bool) -> int:
    """How many objects a `bedboard` process keeps from the cycle collector after running
    `args`: as the program itself, or called in as a test calls it (main(argv))."""
    call = "main()" if as_program else f"main({args!r})"
    probe = (
        "import gc, sys\n"
        f"sys.argv = ['bedboard', *{args!r}]\n"
        "from bedboard.cli import main\n"
        f"try:\n    {call}\nexcept SystemExit:\n    pass\n"
        "print(gc.get_freeze_count(), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    return int(done.stderr.strip().splitlines()[-1])


def test_a_command_keeps_its_imports_from_the_collector_only_as_the_program(tmp_path) -> None:
    """The program moves what a command imported out of the cycle collector's reach (gc.freeze),
    so that the collections the command's rows set off do not walk SQLAlchemy again; a test
    that calls main() in its own process keeps its garbage collectable."""
    db = str(tmp_path / "b.sqlite3")
    subprocess.run(
        [sys.executable, "-m", "bedboard", "db", "upgrade", "--db", db],
        check=True,
        capture_output=True,
        timeout=120,
    )
    command = ["availability", "--json", "--db", db]
    assert frozen_after(command, as_program=True) > 50_000  # SQLAlchemy and the models
    assert frozen_after(command, as_program=False) == 0
    assert frozen_after(["--version"], as_program=True) == 0  # nothing heavy was imported


def test_version_is_the_installed_packages() -> None:
    """`--version` prints the version written in the package (no metadata lookup at start):
    the same as the installed distribution's, which pyproject.toml sets."""
    import importlib.metadata

    import bedboard

    done = subprocess.run(
        [sys.executable, "-m", "bedboard", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == f"bedboard, version {bedboard.__version__}"
    assert bedboard.__version__ == importlib.metadata.version("bedboard")
    assert "importlib.metadata" not in loaded_after("--version")

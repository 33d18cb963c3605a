"""The rules speak the domain: no command names or options in the services' messages. The CLI
adds its hints (bedboard/cli/hints.py), and the board would add its keys."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click

from bedboard.cli import cli
from bedboard.config import Settings
from bedboard.errors import NightsPosted, NoRate, UnbilledNights, UnknownPayer
from bedboard.services.beds import stays
from bedboard.store import open_store
from tests.support.cli import CliRunner
from tests.support.rules_world import NIGHT, NOW, build_world

SERVICES = Path(__file__).resolve().parent.parent / "bedboard" / "services"
COMMANDS = "|".join(re.escape(name) for name in cli.list_commands(click.Context(cli)))
# An option, or a command quoted as something to type (`bedboard pay`, `rates set`).
CLI_WORDS = re.compile(rf"--[a-z]|`bedboard|`(?:{COMMANDS})\b")


def message_strings(path: Path) -> list[tuple[int, str]]:
    """Every string literal in a module except docstrings (those may speak of the CLI)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings
    ]


def test_no_service_message_names_a_command_or_an_option() -> None:
    found = [
        f"{path.relative_to(SERVICES.parent.parent)}:{line}: {text!r}"
        for path in sorted(SERVICES.rglob("*.py"))
        for line, text in message_strings(path)
        if CLI_WORDS.search(text)
    ]
    assert found == []


def test_the_cli_adds_the_command_that_helps(sqlite_url: str, cli_here: CliRunner) -> None:
    db_url = sqlite_url  # the words are the same on both backends
    world = build_world(open_store(Settings(db=db_url, user="t")))
    with world.write() as s:
        stays.check_in(s, unit="Hvilan/1", guest_code="G-1", night=NIGHT, actor="t", now=NOW)
    world.close()
    unbilled = cli_here("close-night", "--night", str(NIGHT), db=db_url)
    assert unbilled.returncode == 1
    assert unbilled.stderr.strip().endswith(
        "assign a payer or close the night anyway "
        "(`bedboard pay`, or `bedboard close-night --unbilled-ok`)"
    ), unbilled.stderr
    unknown = cli_here(
        "pay", "--guest", "G-1", "--payer", "Kyrkan", "--from", str(NIGHT), db=db_url
    )
    assert unknown.stderr.strip() == (
        "bedboard: no payer named 'Kyrkan' (see `bedboard payers list`)"
    ), unknown.stderr
    pay = cli_here("pay", "--guest", "G-1", "--payer", "Polisen", "--from", str(NIGHT), db=db_url)
    assert pay.returncode == 0, pay.stderr
    no_rate = cli_here("close-night", "--night", str(NIGHT), db=db_url)
    assert no_rate.stderr.strip().endswith("set one first (`bedboard rates set`)"), no_rate.stderr


def test_every_hinted_error_is_a_rule_refusal() -> None:
    """A hint is advice after a refusal (exit 1), never a different exit code."""
    assert {e.exit_code for e in (NightsPosted, NoRate, UnbilledNights, UnknownPayer)} == {1}

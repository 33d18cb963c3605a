"""Run `bedboard`'s own entry point in the test process: the same code path as the program
(argument parsing, error lines, exit codes) without a Python start-up per command."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from bedboard.cli import main


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


CliRunner = Callable[..., CliResult]


def runner(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """`run(*args, db=URL)` like tests.conftest.run_cli, as user `cli-tester`. Wrap it in a
    `cli_here` fixture in the test module."""

    def run(*args: str, db: str) -> CliResult:
        capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            main(["--db", db, "--user", "cli-tester", *args])
        out = capsys.readouterr()
        code = exited.value.code
        return CliResult(code if isinstance(code, int) else 1, out.out, out.err)

    return run

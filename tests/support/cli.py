"""Running `bedboard` from a test: in this process (the same entry point, argument parsing,
error lines and exit codes as the program, without a Python start-up per command), or as a real
process where the test is about one (stdout, terminals, exit codes seen by a shell)."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

from bedboard.cli import main
from bedboard.config import Settings
from bedboard.services.demo import load_demo
from bedboard.store import open_store

REPO = Path(__file__).resolve().parent.parent.parent
USER = "cli-tester"


class CliResult(NamedTuple):
    """What a user sees: `code, out, err = cli_here(...)` or `.returncode`, `.stderr`."""

    returncode: int
    stdout: str
    stderr: str


CliRunner = Callable[..., CliResult]


def in_process(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """`run(*args, db=URL, user=USER)`: `bedboard --db URL --user USER ARGS` in this process.
    Tests get it as the `cli_here` fixture."""

    def run(*args: str, db: str | Path, user: str = USER) -> CliResult:
        capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            main(["--db", str(db), "--user", user, *args])
        out = capsys.readouterr()
        code = exited.value.code
        return CliResult(code if isinstance(code, int) else int(code is not None), out.out, out.err)

    return run


def run_cli(
    *args: str, db: str, env: dict[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `bedboard` as a user would: a separate process, this checkout's code."""
    full_env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "BEDBOARD_USER": USER,
        "BEDBOARD_DB": db,
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "bedboard", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        timeout=120,
        cwd=REPO,
    )


def run_on_terminal(*args: str, db: str, env: dict[str, str] | None = None) -> str:
    """Run `bedboard` with its stderr on a pseudo-terminal (stdout to /dev/null), as a person
    at a terminal would see it; returns what reached the terminal. The command must succeed."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), "BEDBOARD_DB": db, "TERM": "xterm",
                **(env or {})}  # fmt: skip
    primary, secondary = pty.openpty()
    with open(os.devnull, "w") as devnull:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bedboard", *args],
            stdout=devnull,
            stderr=secondary,
            env=full_env,
            cwd=REPO,
        )
    os.close(secondary)
    seen = io.BytesIO()
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen.write(chunk)
    proc.wait(timeout=60)
    os.close(primary)
    assert proc.returncode == 0
    return seen.getvalue().decode("utf-8", "replace")


def load_demo_into(db: str) -> None:
    """The demo around today's night, as `bedboard demo` loads it."""
    store = open_store(Settings(db=db, user="tester"))
    try:
        with store.write() as session:
            load_demo(session, tonight=store.tonight(), actor="tester")
    finally:
        store.close()

"""Running `bedboard` inside the test process, and loading the demo there: a subprocess start
costs a second or two on a loaded 2-core machine. Tests that are about a real process (stdout,
terminals, exit codes seen by a shell) still use `run_cli`."""

from __future__ import annotations

import pytest

from bedboard.cli import main
from bedboard.config import Settings
from bedboard.services.demo import load_demo
from bedboard.store import open_store


def run_main(*args: str, db: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`bedboard ARGS`: the exit code, stdout and stderr as a user would see them."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as ended:
        main([*args, "--db", db, "--user", "tester"])
    out, err = capsys.readouterr()
    code = ended.value.code
    return (code if isinstance(code, int) else 1), out, err


def load_demo_into(db: str) -> None:
    """The demo around today's night, as `bedboard demo` loads it."""
    store = open_store(Settings(db=db, user="tester"))
    try:
        with store.write() as session:
            load_demo(session, tonight=store.tonight(), actor="tester")
    finally:
        store.close()

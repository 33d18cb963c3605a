"""The layers themselves (ui/cli -> store -> services -> db, no click or textual below the edge)
are import-linter contracts in pyproject.toml, run by `make check`. What a contract cannot say is
*when* a module is imported: the CLI must not load Textual until the board opens."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_cli_loads_textual_only_when_the_board_opens() -> None:
    probe = "import sys, bedboard.cli; print(sorted({'textual', 'bedboard.ui'} & set(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert loaded.stdout.strip() == "[]"


def test_the_import_contracts_hold() -> None:
    """`make check` runs lint-imports too; here it also guards a plain `pytest` run."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-3000:]

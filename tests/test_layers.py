"""Layers point one way: ui -> services -> db. Checked by reading the imports, not by promise."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "bedboard"
UI_MODULES = ("textual", "rich", "bedboard.ui")


def imported_names(path: Path, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def touches_ui(name: str) -> bool:
    return any(name == ui or name.startswith(ui + ".") for ui in UI_MODULES)


def test_services_and_db_never_import_the_ui() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)} imports {name}"
        for folder in ("services", "db")
        for path in sorted((PACKAGE / folder).rglob("*.py"))
        for name in imported_names(path)
        if touches_ui(name)
    ]
    assert offenders == []


def test_the_cli_imports_the_ui_only_when_the_board_opens() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)} imports {name} at module level"
        for path in sorted((PACKAGE / "cli").rglob("*.py"))
        for name in imported_names(path, top_level_only=True)
        if touches_ui(name)
    ]
    assert offenders == []
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, bedboard.cli; print('textual' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    )
    assert loaded.stdout.strip() == "False"

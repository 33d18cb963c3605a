"""Build hook: compile the message catalogs (.po -> .mo) into the package before the wheel
(or the editable install) is made, so the compiled files are never edited or committed by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogBuildHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "catalogs"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        sys.path.insert(0, str(Path(self.root)))
        try:
            from tools.catalogs import compile_catalogs
        finally:
            sys.path.pop(0)
        for path in compile_catalogs():
            self.app.display_info(f"compiled {path.relative_to(self.root)}")

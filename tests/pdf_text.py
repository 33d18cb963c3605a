"""Reading a PDF back as a person would see its words: `pdftotext -layout` (poppler-utils),
with the no-break spaces of Swedish amounts made plain. Without poppler the test is skipped,
and under CI=true it fails (.ci/run installs it)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def pdf_text(path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("CI=true but pdftotext is missing: .ci/run must install poppler-utils")
        pytest.skip("pdftotext not installed (apt-get install poppler-utils)")
    done = subprocess.run(
        [tool, "-layout", str(path), "-"], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.replace("\u00a0", " ").replace("\u202f", " ")

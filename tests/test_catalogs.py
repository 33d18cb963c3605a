"""The Swedish catalog is complete and current: every text the code marks for translation has
a Swedish translation that is not fuzzy and keeps the text's {placeholders}; nothing is left
in the catalog that the code no longer says. The build compiles the catalogs into the wheel."""

from __future__ import annotations

import gettext
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bedboard import i18n
from tests.support.cli import REPO, run_cli
from tools import catalogs


def test_every_text_in_the_code_has_a_current_swedish_translation() -> None:
    problems = catalogs.problems("sv")
    assert problems == [], "\n".join(["run `make messages` and translate:", *problems])


def test_the_check_fails_on_a_missing_a_fuzzy_and_a_stale_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check above can fail: a catalog with one text missing, one fuzzy and one that the
    code no longer has is reported three times."""
    with catalogs.po_path("sv").open("rb") as f:
        catalog = read_po(f, locale="sv")
    usage = catalog["Usage:"]
    assert usage is not None
    usage.flags.add("fuzzy")
    catalog.delete("Options")
    catalog.add("A text nobody says any more", "En text som ingen säger längre")
    broken = tmp_path / "sv" / "LC_MESSAGES" / "bedboard.po"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(catalogs._po_bytes(catalog))
    monkeypatch.setattr(catalogs, "LOCALE_DIR", tmp_path)
    found = "\n".join(catalogs.problems("sv"))
    assert "not in the sv catalog (run make messages): 'Options'" in found
    assert "fuzzy" in found and "'Usage:'" in found
    assert "no longer in the code: 'A text nobody says any more'" in found


def test_swedish_is_read_from_the_compiled_catalog() -> None:
    try:
        assert i18n.use_language("sv") == "sv"
        assert i18n._("Usage:") == "Användning:"
        assert i18n.current_language() == "sv"
        assert i18n.use_language("en") == "en"
        assert i18n._("Usage:") == "Usage:"
    finally:
        i18n.use_language("en")


def test_click_speaks_swedish(tmp_path: Path) -> None:
    db = str(tmp_path / "b.sqlite3")
    helped = run_cli("--help", db=db, env={"BEDBOARD_LANG": "sv"})
    assert helped.returncode == 0
    assert "Användning:" in helped.stdout
    assert "Visa den här hjälpen och avsluta." in helped.stdout
    wrong = run_cli("--no-such-flag", db=db, env={"BEDBOARD_LANG": "sv"})
    assert wrong.returncode == 2
    assert "Flaggan '--no-such-flag' finns inte." in wrong.stderr


def test_the_language_comes_from_the_config_file(tmp_path: Path) -> None:
    config_home = tmp_path / "config"
    (config_home / "bedboard").mkdir(parents=True)
    (config_home / "bedboard" / "config.toml").write_text('language = "sv"\n')
    env = {"BEDBOARD_LANG": "", "XDG_CONFIG_HOME": str(config_home), "LANG": "C.UTF-8"}
    helped = run_cli("--help", db=str(tmp_path / "b.sqlite3"), env=env)
    assert "Användning:" in helped.stdout
    # BEDBOARD_LANG wins over the file
    english = run_cli("--help", db=str(tmp_path / "b.sqlite3"), env={**env, "BEDBOARD_LANG": "en"})
    assert "Usage:" in english.stdout


def test_the_locale_chooses_swedish_when_nothing_else_does(tmp_path: Path) -> None:
    env = {"BEDBOARD_LANG": "", "XDG_CONFIG_HOME": str(tmp_path), "LC_ALL": "sv_SE.UTF-8"}
    helped = run_cli("--help", db=str(tmp_path / "b.sqlite3"), env=env)
    assert "Användning:" in helped.stdout


def test_the_wheel_build_compiles_the_catalogs(tmp_path: Path) -> None:
    """The .mo files are not in git; the build hook makes them and the wheel carries them."""
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("bedboard-*.whl")
    with zipfile.ZipFile(wheel) as z:
        mo = z.read("bedboard/locale/sv/LC_MESSAGES/bedboard.mo")
    unpacked = tmp_path / "bedboard.mo"
    unpacked.write_bytes(mo)
    with unpacked.open("rb") as f:
        translation = gettext.GNUTranslations(f)
    assert translation.gettext("Usage:") == "Användning:"


def test_no_text_is_marked_inside_an_f_string() -> None:
    """Babel on Python 3.11 does not look inside f-strings: `f"{_('open')}"` would never reach
    the catalog and stay English in every language, and the check above could not see it.
    (The board's screens, bedboard/ui, are checked by their own tests.)"""
    import ast

    marked_in_f_strings = []
    for path in sorted((REPO / "bedboard").rglob("*.py")):
        if "ui" in path.relative_to(REPO / "bedboard").parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Name)
                    and call.func.id in ("_", "N_", "ngettext")
                    and call.args
                    and isinstance(call.args[0], ast.Constant)
                ):
                    marked_in_f_strings.append(f"{path.relative_to(REPO)}:{call.lineno}")
    assert marked_in_f_strings == [], "take these _() out of the f-string: " + ", ".join(
        marked_in_f_strings
    )

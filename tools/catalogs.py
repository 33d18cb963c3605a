"""Message catalogs: extract the texts marked in the code, merge them into each language's
.po file, compile the .mo files the program reads, and say what is missing.

One module for `make messages`, the wheel's build hook (hatch_build.py) and the catalog test
(tests/test_catalogs.py), so all three agree. What to extract comes from pyproject.toml's
`[tool.babel.extract_messages]`, the table `pybabel extract` reads too.

The .po files are written without source locations, sorted by message and unwrapped, and
their dates change only when their messages do: several people add texts at once, and each
new text should touch only its own lines.
"""

from __future__ import annotations

import ast
import io
import os
import re
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "bedboard"
LOCALE_DIR = ROOT / "bedboard" / "locale"
LANGUAGES = ("sv",)  # English is the text in the code
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# click shows a command's docstring as its help (bedboard/cli/help_texts.py translates it).
COMMAND_MODULES = ROOT / "bedboard" / "cli"


def _config() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["babel"]["extract_messages"]


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def extract() -> Catalog:
    """Every marked text in the code, as a template catalog."""
    config = _config()
    keywords = parse_keywords(config["keywords"])
    template = Catalog(project=DOMAIN, fuzzy=False)
    for path in config["input_paths"]:
        for _file, _lineno, message, comments, context in extract_from_dir(
            ROOT / path,
            method_map=[("**.py", "python")],
            keywords=keywords,
            comment_tags=["Translators:"],
            strip_comment_tags=True,
        ):
            template.add(message, None, [], auto_comments=comments, context=context)
    for help_text in command_help_texts():
        template.add(help_text, None, [], auto_comments=["the help of a command (--help)"])
    return template


def _makes_a_command(decorator: ast.expr) -> bool:
    func = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(func, ast.Attribute) and func.attr in ("command", "group")


def command_help_texts() -> Iterator[str]:
    """The docstrings of the functions that are commands (`@cli.command(...)`, `@x.group()`),
    cleaned as click cleans them: the English help the catalog translates."""
    for path in sorted(COMMAND_MODULES.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                _makes_a_command(d) for d in node.decorator_list
            ):
                text = ast.get_docstring(node, clean=True)
                if text:
                    yield text


def _read(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, project=DOMAIN, fuzzy=False)
    with path.open("rb") as f:
        return read_po(f, locale=language)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_bytes() == data:
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(
        out,
        catalog,
        width=0,
        no_location=True,
        sort_output=True,
        ignore_obsolete=True,
        include_previous=False,
    )
    return out.getvalue()


def update() -> None:
    """Merge the code's texts into every .po: new ones empty, changed ones marked fuzzy (with
    the old translation to start from), removed ones dropped."""
    template = extract()
    for language in LANGUAGES:
        catalog = _read(language)
        # No creation date from the template: a date change alone must not touch the file.
        catalog.update(template, no_fuzzy_matching=False, update_creation_date=False)
        catalog.fuzzy = False
        _write_atomically(po_path(language), _po_bytes(catalog))


def compile_catalogs(target_dir: Path | None = None) -> list[Path]:
    """Write each language's .mo (translated, non-fuzzy entries only); returns the files."""
    written = []
    for language in LANGUAGES:
        catalog = _read(language)
        out = io.BytesIO()
        write_mo(out, catalog, use_fuzzy=False)
        target = (
            mo_path(language)
            if target_dir is None
            else target_dir / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
        )
        _write_atomically(target, out.getvalue())
        written.append(target)
    return written


def compiled_up_to_date() -> bool:
    return all(
        mo_path(lang).exists() and mo_path(lang).stat().st_mtime >= po_path(lang).stat().st_mtime
        for lang in LANGUAGES
        if po_path(lang).exists()
    )


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def problems(language: str) -> list[str]:
    """Why `language`'s catalog is not complete and current, one line each (empty: it is)."""
    template = extract()
    catalog = _read(language)
    wanted = {_key(m.id): m for m in template if m.id}
    have = {_key(m.id): m for m in catalog if m.id}
    found = []
    for key in sorted(wanted.keys() - have.keys()):
        found.append(f"not in the {language} catalog (run make messages): {key!r}")
    for key in sorted(have.keys() - wanted.keys()):
        found.append(f"in the {language} catalog but no longer in the code: {key!r}")
    for key in sorted(wanted.keys() & have.keys()):
        entry = have[key]
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        if isinstance(wanted[key].id, tuple) != isinstance(entry.id, tuple):
            found.append(f"singular/plural differs from the code (run make messages): {key!r}")
        elif entry.fuzzy:
            found.append(f"fuzzy (check the translation, then remove the fuzzy flag): {key!r}")
        elif not all(strings):
            found.append(f"no {language} translation: {key!r}")
        else:
            expected = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
            for text in strings:
                if set(PLACEHOLDER.findall(text)) - expected:
                    found.append(f"the translation names a placeholder the text lacks: {key!r}")
                    break
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "all"
    if command in ("update", "all"):
        update()
    if command in ("compile", "all"):
        compile_catalogs()
    if command in ("check", "all"):
        lines = [line for lang in LANGUAGES for line in problems(lang)]
        for line in lines:
            print(line)
        if command == "check" and lines:
            return 1
        if lines:
            print(f"{len(lines)} message(s) to translate in {po_path(LANGUAGES[0])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

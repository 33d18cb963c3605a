"""Every refusal the services give reaches the reader in their language: a message is a text
of the catalog (`_("... {x}").format(x=...)`), never English glued together in code. The
catalog test sees what is marked; this one reads the services' source (their syntax tree) for
what is not: a `raise SomeError("text")` with a plain string, and any f-string with words in
it (`f"{path}, line {line}"`, `f" and {n} more"`), which would reach a refusal untranslated.

Machine text is allowed where it is machine text: audit targets (`guest:G-1`), SQL, file
names, the demo's made-up names; those places are listed below, each with why."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SERVICES = Path(__file__).resolve().parent.parent / "bedboard" / "services"
WORD = re.compile(r"[A-Za-z]{2,}")
AUDIT_TARGET = re.compile(r"^[a-z_]+:$")  # f"guest:{code}": the audit log's machine key
MACHINE_FILES = {  # whole modules that write SQL, pragmas, file names or hashes
    "exports/sql_cells.py",  # SQL expressions
    "safety/backup.py",  # PRAGMAs, file names, a file: URI
    "changes.py",  # LISTEN on a channel
    "staff/pins.py",  # the stored hash's format
}
MACHINE_TEXTS = {
    "language_",  # a unit's tag, language_ro
    "Demo person ",  # the demo's made-up names: data, not a message
}


def literal(node: ast.JoinedStr) -> str:
    return "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))


def english_in_services(root: Path = SERVICES) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        if name in MACHINE_FILES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                text = literal(node)
                if WORD.search(text) and not AUDIT_TARGET.match(text) and text not in MACHINE_TEXTS:
                    found.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
            elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                first = node.exc.args[0]
                if isinstance(first, ast.Constant) and WORD.search(str(first.value)):
                    found.append(f"{name}:{node.lineno}: {ast.unparse(node.exc)}")
    return found


def test_no_service_message_is_english_outside_the_catalog() -> None:
    found = english_in_services()
    assert found == [], "texts a refusal may show, not in the catalog:\n" + "\n".join(found)


def test_the_scan_sees_what_it_should(tmp_path: Path) -> None:
    """The scan itself: glued English and a plain string are caught, an audit target and a
    catalog text are not."""
    (tmp_path / "refusals.py").write_text(
        'raise BadInput(f"{path}, line {line}")\n'
        'raise BadInput("no such night")\n'
        'target = f"guest:{code}"\n'
        'raise BadInput(_("{where}: no site named {site!r}").format(where=w, site=s))\n',
        encoding="utf-8",
    )
    found = english_in_services(tmp_path)
    assert sorted(line.split(": ", 1)[0] for line in found) == ["refusals.py:1", "refusals.py:2"]

"""The command line in Swedish: every command's --help (its description, every option's help,
click's own words), a refusal and an export's progress read in Swedish when the language is
Swedish; CSV stays the machine format in every language.

The help walk runs `bedboard` in a process started with BEDBOARD_LANG=sv, as a person's would
be, and checks each text click would show against the Swedish catalog: a text that is not a
Swedish translation (an option whose help is not marked with _(), a docstring the catalog
lacks) fails the test, naming the command and the text.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bedboard.cli.help_texts import METAVARS
from bedboard.services.beds.inventory import import_inventory, parse_inventory
from bedboard.words import WORDS
from tests.support.cli import REPO, load_demo_into, run_cli, run_on_terminal
from tests.support.stores import store_at
from tools import catalogs

SWEDISH = {"BEDBOARD_LANG": "sv"}

# Run in a Swedish process: every command (walked as bedboard walks them) with the texts its
# --help shows, the page itself, and each command's line in `bedboard --help`.
WALK = """
import json, click
from bedboard.cli import cli
from bedboard.cli.registry import COMMANDS
from bedboard.i18n import _

def walk(group, ctx, path):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield path + [name], command, ctx
        if isinstance(command, click.Group):
            yield from walk(command, click.Context(command, info_name=name, parent=ctx),
                            path + [name])

root = click.Context(cli, info_name="bedboard")
found = []
for path, command, parent in [(["bedboard"], cli, None), *walk(cli, root, ["bedboard"])]:
    ctx = command.context_class(command, info_name=path[-1], parent=parent)  # as click does
    texts = [["description", command.help or ""]]
    texts += [[p.name, p.help] for p in command.get_params(ctx) if getattr(p, "help", None)]
    listed = COMMANDS.get(path[1]) if len(path) == 2 else None
    found.append({
        "command": " ".join(path),
        "texts": texts,
        "page": command.get_help(ctx),
        "listed": [listed.summary, _(listed.summary), command.get_short_help_str(1000)]
        if listed else None,
    })
print(json.dumps(found))
"""


def swedish_catalog() -> tuple[dict[str, str], list[re.Pattern[str]]]:
    """English -> Swedish, and each Swedish text as a pattern (a {placeholder} matches any text)."""
    with catalogs.po_path("sv").open("rb") as f:
        catalog = read_po(f, locale="sv")
    pairs: dict[str, str] = {}
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english, swedish in zip(ids, strings, strict=False):
            pairs[str(english)] = str(swedish)
    # A translation that is mostly placeholders ("{first}..{last}") would match any text.
    patterns = [
        re.compile(".+".join(re.escape(part) for part in parts), re.S)
        for parts in (catalogs.PLACEHOLDER.split(sv) for sv in set(pairs.values()))
        if len(parts) == 1 or sum(c.isalpha() for c in "".join(parts)) >= 4
    ]
    return pairs, patterns


@pytest.fixture(scope="module")
def swedish_help() -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-c", WALK],
        capture_output=True,
        text=True,
        env={**os.environ, **SWEDISH, "PYTHONPATH": str(REPO), "COLUMNS": "100"},
        cwd=REPO,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


def test_every_commands_help_is_in_swedish(swedish_help: list[dict]) -> None:
    _pairs, patterns = swedish_catalog()
    untranslated = [
        f"{entry['command']} {what}: {text!r}"
        for entry in swedish_help
        for what, text in entry["texts"]
        if not any(p.fullmatch(text) for p in patterns)
    ]
    assert untranslated == [], "texts --help shows in English:\n" + "\n".join(untranslated)
    commands = {entry["command"] for entry in swedish_help}
    assert {"bedboard", "bedboard checkin", "bedboard export billing", "bedboard rates set"} <= (
        commands
    )
    assert len(commands) > 50
    for entry in swedish_help:
        page = entry["page"]
        assert page.startswith("Användning: "), entry["command"]
        assert "[FLAGGOR]" in page and "Flaggor:" in page, entry["command"]
        assert "Visa den här hjälpen och avsluta." in page, entry["command"]
        for english in ("Usage:", "Options:", "[OPTIONS]", "Show this message", "[required]"):
            assert english not in page, (entry["command"], english)
        if entry["listed"] is not None:
            english, summary, short_help = entry["listed"]
            # the line in `bedboard --help` is the command's own first sentence, in Swedish too
            assert summary == short_help != english, entry["command"]


def test_help_of_the_program_in_swedish(tmp_path: Path) -> None:
    pairs, _patterns = swedish_catalog()
    helped = run_cli("--help", db=str(tmp_path / "b.sqlite3"), env=SWEDISH)
    assert helped.returncode == 0
    page = helped.stdout
    assert page.startswith("Användning: bedboard [FLAGGOR] [KOMMANDO] [ARGUMENT]...")
    assert "Kommandon:" in page and "Flaggor:" in page
    assert pairs["Every unit's state on a night."] in page
    assert "Every unit's state on a night." not in page
    english = run_cli("--help", db=str(tmp_path / "b.sqlite3"), env={"BEDBOARD_LANG": "en"})
    assert "Every unit's state on a night." in english.stdout


def test_a_refusal_and_a_success_in_swedish(tmp_path: Path) -> None:
    db = str(tmp_path / "b.sqlite3")
    load_demo_into(db)
    refused = run_cli("checkin", "--unit", "Ingenstans/1", "--guest", "G-900", db=db, env=SWEDISH)
    assert refused.returncode == 1
    assert refused.stderr == (
        "bedboard: ingen plats 'Ingenstans/1': inget boende 'Ingenstans' med platsen '1'\n"
    )
    bad = run_cli("checkin", "--unit", "Hvilan", "--guest", "G-900", db=db, env=SWEDISH)
    assert bad.returncode == 2
    assert "ska skrivas BOENDE/PLATS" in bad.stderr and len(bad.stderr.splitlines()) == 1
    nowhere = run_cli("availability", db="postgresql+nodriver://x/y", env=SWEDISH)
    assert nowhere.returncode == 2
    assert "är varken en filsökväg eller en databas-URL" in nowhere.stderr
    typo = run_cli("checkin", "--unit", "Hvilan/1", db=db, env=SWEDISH)
    assert typo.returncode == 2 and "Flagga saknas '--guest'." in typo.stderr
    done = run_cli("turnaway", "--reason", "no_free_unit", "--people", "3", db=db, env=SWEDISH)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("avvisning registrerad: natten ") and "3 personer" in done.stdout


def test_an_exports_progress_in_swedish_and_its_csv_unchanged(
    sqlite_url: str, tmp_path: Path
) -> None:
    inventory = tmp_path / "big.csv"
    lines = ["site,site_kind,area,room,unit,tags"]
    lines += [f"Stort {i // 100},shelter,Stockholm,,{i}," for i in range(5200)]
    inventory.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with store_at(sqlite_url, "tester") as big, big.write() as session:
        import_inventory(session, parse_inventory(inventory), actor="tester")
    english = tmp_path / "english.csv"
    run_on_terminal("export", "inventory", "--out", str(english), db=sqlite_url,
                    env={"BEDBOARD_LANG": "en"})  # fmt: skip
    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"out.{suffix}"
        seen = run_on_terminal("export", "inventory", "--out", str(out), db=sqlite_url,
                               env=SWEDISH)  # fmt: skip
        assert "exporterar" in seen and "100%" in seen, seen
        assert f"skrev 5200 rad(er) till {out}" in seen, seen
        assert "exporting" not in seen and "wrote" not in seen
    # CSV is the machine format of DESIGN.md in every language: the same bytes as in English
    assert (tmp_path / "out.csv").read_bytes() == english.read_bytes()
    assert english.read_text(encoding="utf-8").startswith("site,site_kind,area,room,unit,tags")


def test_amounts_in_messages_read_as_in_swedish(tmp_path: Path) -> None:
    """`450,00 kr` (Babel's Swedish) in a Swedish process, `450.00 SEK` in English; the CSV
    an export writes keeps `450.00` in both."""
    db = str(tmp_path / "b.sqlite3")
    load_demo_into(db)
    night = (dt.date.today() - dt.timedelta(days=2)).isoformat()

    def swedish(*args: str) -> str:
        done = run_cli(*args, db=db, env=SWEDISH)
        assert done.returncode == 0, done.stderr
        text = (done.stdout + done.stderr).replace("\xa0", " ")
        assert "SEK" not in text and not re.search(r"\d\.\d\d\b", text), text
        return text

    rate = re.match(r"dygnspris #(\d+): 450,00 kr per natt, ", swedish(
        "rates", "set", "--amount", "450,00", "--from", "2040-01-01", "--site-kind", "shelter"
    ))  # fmt: skip
    assert rate, "the rate's line"
    assert re.search(rf"^#{rate[1]} 450,00 kr ", swedish("rates", "list"), re.M)
    closed = swedish("close-night", "--night", night, "--unbilled-ok", "--out-of-order")
    assert re.search(rf"^natten {night} stängd: .*, \d[\d ]*,\d\d kr$", closed, re.M), closed
    adjusted = swedish("adjust", "--guest", "G-101", "--night", night, "--amount", "-1 050,5",
                       "--reason", "fel pris")  # fmt: skip
    assert adjusted.startswith(f"justering #1: -1 050,50 kr på G-101, natten {night}"), adjusted
    basis = swedish("invoice-basis", "--payer", "Polisen", "--from", night, "--to", night,
                    "--out", str(tmp_path / "basis.csv"))  # fmt: skip
    assert re.search(r"^Polisen: \d+ natt/nätter, -?\d[\d ]*,\d\d kr$", basis, re.M), basis

    english = run_cli("rates", "list", db=db, env={"BEDBOARD_LANG": "en"})
    assert re.search(rf"^#{rate[1]} 450\.00 SEK ", english.stdout, re.M), english.stdout
    csv = run_cli("export", "billing", "--from", night, "--to", night, db=db, env=SWEDISH)
    assert ",450.00," in csv.stdout or ",650.00," in csv.stdout, csv.stdout
    assert ",-1050.50," in csv.stdout and " kr" not in csv.stdout, csv.stdout


@cache
def english_codes() -> frozenset[str]:
    """The stored codes that are not Swedish words too ('man', 'region' are)."""
    pairs, _patterns = swedish_catalog()
    codes = {member.value for kind in WORDS for member in kind}
    return frozenset(c for c in codes if pairs.get(c.replace("_", " "), "") != c)


def codes_left(text: str, *, typed_ok: bool) -> list[str]:
    """English code words in `text`. On a help page (`typed_ok`) a code may stand where it is
    typed - a choice `[csv|xlsx]`, a list to type `women_only,children`, an example's
    `--site-kind shelter`, a choice's metavar `night|outreach|admin`, an option's or a
    command's own name `--night`, `close-night` - or with its word after it: `police (Polisen)`."""
    if typed_ok:
        text = re.sub(
            r"\[[\w|]+\]|\b\w+(?:[,|]\w+)+\b|--[a-z-]+[ =]\w+|--[a-z-]+|\b[a-z]+(?:-[a-z]+)+\b",
            " ",
            text,
        )
        text = re.sub(r"\b\w+\s+\([^()]+\)", " ", text)
    codes = english_codes()
    return sorted({w for w in re.findall(r"\b[a-z_]+\b", text) if w in codes})


def test_help_pages_show_no_english_placeholder_or_bare_code(swedish_help: list[dict]) -> None:
    pairs, _patterns = swedish_catalog()
    placeholders = [m for m in METAVARS if pairs[m] != m]
    assert {"DATE", "NAME", "CODE", "SITE", "UNIT"} <= set(placeholders)
    left = []
    for entry in swedish_help:
        page = entry["page"]
        left += [f"{entry['command']}: {m}" for m in placeholders if re.search(rf"\b{m}\b", page)]
        left += [f"{entry['command']}: {c}" for c in codes_left(page, typed_ok=True)]
    assert left == [], "\n".join(left)


def test_messages_show_codes_in_swedish_words(tmp_path: Path) -> None:
    """A payer's kind, a rate's site kind, a guest's gender and needs read in Swedish; the
    codes stay in the CSV."""
    db = str(tmp_path / "b.sqlite3")
    load_demo_into(db)
    script = """
import sys
from bedboard.cli import main
for args in [a.split("|") for a in sys.argv[1:]]:
    print("$", *args, flush=True)
    try:
        main(["--db", DB, *args])
    except SystemExit as done:
        print("exit", done.code, flush=True)
""".replace("DB", repr(db))
    commands = [
        "payers|add|Stadsmissionen|--kind|ngo",
        "payers|edit|Stadsmissionen|--kind|municipality",
        "payers|list",
        "rates|list",
        "guests|edit|G-101|--gender|woman|--needs|women_only,children",
        "guests|show|G-101",
        "guests|list",
        "export|inventory",
    ]
    done = subprocess.run(
        [sys.executable, "-c", script, *commands],
        capture_output=True, text=True, timeout=120, cwd=REPO,
        env={**os.environ, **SWEDISH, "PYTHONPATH": str(REPO), "BEDBOARD_USER": "tester"},
    )  # fmt: skip
    out = done.stdout
    assert "exit 1" not in out and "exit 2" not in out, out + done.stderr
    messages, csv = out.split("$ export inventory")
    said = "\n".join(line for line in messages.splitlines() if not line.startswith("$ "))
    assert codes_left(said, typed_ok=False) == [], said
    for swedish in ("Stadsmissionen (ideell organisation) tillagd",
                    "Stadsmissionen (kommun) sparad", "Polisen  (Polisen)",
                    "boendetyp akutboende", "boendetyp jourhem", "kön: kvinna",
                    "behov: barn, bara kvinnor"):  # fmt: skip
        assert swedish in messages, swedish
    assert ",shelter,Stockholm," in csv  # the stored code, as DESIGN.md's CSV has it

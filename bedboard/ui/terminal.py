"""What the terminal can show, from the environment: colour (not on TERM=vt100 or dumb) and
Unicode drawing (not when the locale is not UTF-8, LANG=C). The board then draws with plain
ASCII and no colour, through Textual line filters that every widget's output passes, so
Textual's own widgets (borders, scroll bars, checkboxes) follow as well as ours.

Without colour, the cursor and the states are still told apart: the CSS marks the cursor with
reverse video (`App.-mono`), and every state has a word (free, held, occupied, out)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

# Terminals that show no colour (or whose colour escapes would print as garbage).
MONOCHROME_TERMS = frozenset({"dumb", "unknown", "vt52", "vt100", "vt102", "vt220", "vt320"})


def shows_colour(environ: Mapping[str, str]) -> bool:
    return environ.get("TERM", "").strip().lower() not in MONOCHROME_TERMS


def shows_unicode(environ: Mapping[str, str]) -> bool:
    """The locale's character set, as C programs read it: LC_ALL, then LC_CTYPE, then LANG.
    No locale at all is the POSIX locale, which is ASCII."""
    if _coerced(environ):
        return False
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = environ.get(name, "")
        if value:
            lowered = value.lower()
            return "utf-8" in lowered or "utf8" in lowered
    return False


def _coerced(environ: Mapping[str, str]) -> bool:
    """Python itself sets LC_CTYPE=C.UTF-8 when started in the C locale (PEP 538), for its own
    sake: the terminal is still a C-locale one."""
    return (
        not environ.get("LC_ALL")
        and environ.get("LC_CTYPE") == "C.UTF-8"
        and environ.get("LANG", "C") in ("C", "POSIX")
    )


SIMPLE = {
    "·": ".",
    "•": "*",
    "●": "*",
    "○": "o",
    "…": "~",  # one cell, like the ellipsis it stands for
    "–": "-",
    "—": "-",
    "→": ">",
    "⏎": "<",  # the Enter key in the key bar
    "←": "<",
    "↑": "^",
    "↓": "v",
    "✓": "v",
    "✔": "v",
    "✗": "x",
    "✘": "x",
    "×": "x",
    "▁": "_",
    "▔": "-",
    "▏": "|",
    "▕": "|",
    "▌": "|",
    "▐": "|",
}


@lru_cache(maxsize=4096)
def ascii_for(char: str) -> str:
    """One ASCII character of the same width for a drawing character; others as they are
    (letters like å, ä, ö are text, not drawing, and stay)."""
    if char.isascii():
        return char
    if char in SIMPLE:
        return SIMPLE[char]
    name = unicodedata.name(char, "")
    if name.startswith("BOX DRAWINGS"):
        horizontal = "HORIZONTAL" in name
        vertical = "VERTICAL" in name
        if horizontal and not vertical:
            return "-"
        if vertical and not horizontal:
            return "|"
        return "+"
    if "BLOCK" in name or "SHADE" in name:
        return "#"
    if "TRIANGLE" in name or "POINTER" in name:
        for word, arrow in (("UP", "^"), ("DOWN", "v"), ("LEFT", "<"), ("RIGHT", ">")):
            if word in name:
                return arrow
    if name.startswith("BRAILLE"):
        return "." if char != "\u2800" else " "
    return char


class AsciiDrawing(LineFilter):
    """Drawing characters as ASCII, cell for cell."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            Segment(text if text.isascii() else "".join(map(ascii_for, text)), style, control)
            for text, style, control in segments
        ]

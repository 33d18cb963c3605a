"""Shortening text for a narrow column without making two rows look the same.

Codes and unit names differ at their end (`KV-2026-1011`, `KV-2026-1012`; `Jourboendet
Huddinge/3`, `.../4`), so a cut drops the least informative part - the start of a code, the
middle of a site name - and always keeps the end.

Widths are terminal cells, not characters: a code in Chinese or with an emoji takes two cells
a character, and cut by characters it overflowed its column, where the table cropped it at its
end, without an ellipsis (two such codes then read the same)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len

ELLIPSIS = "…"


def _head(text: str, cells: int) -> str:
    """The longest start of `text` that takes at most `cells` cells."""
    taken, used = 0, 0
    for ch in text:
        used += cell_len(ch)
        if used > cells:
            break
        taken += 1
    return text[:taken]


def _tail(text: str, cells: int) -> str:
    """The longest end of `text` that takes at most `cells` cells."""
    return _head(text[::-1], cells)[::-1]


def keep_end(text: str, width: int) -> str:
    """`KV-2026-1011` in 8 columns reads `…26-1011`."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    return ELLIPSIS + _tail(text, width - 1)


def unit_ref(ref: str, width: int) -> str:
    """`Jourboendet Huddinge/3` in 16 columns reads `Jourboendet H…/3`: the site name is cut,
    the unit after the last `/` is kept whole (or, if even that cannot fit, its end)."""
    if cell_len(ref) <= width:
        return ref
    site, slash, unit = ref.rpartition("/")
    room = width - cell_len(slash + unit) - 1  # what is left of the site name beside the ellipsis
    if not slash or room < 1:
        return keep_end(ref, width)
    return _head(site, room) + ELLIPSIS + slash + unit


def cut_middle(text: str, width: int) -> str:
    """A name cut in its middle: `Jourboendet Huddinge` in 13 columns reads `Jour…Huddinge`.
    Its last word is what tells `Jourboendet Huddinge` from `Jourboendet Nacka` and `Familjen
    Berg` from `Familjen Ek`, so it is kept whole when it fits beside a letter of the start;
    else as much of the end as of the start is kept."""
    if cell_len(text) <= width:
        return text
    if width <= 2:
        return keep_end(text, width)
    last = text.rsplit(" ", 1)[-1]
    tail = cell_len(last) if cell_len(last) <= width - 2 else (width - 1) // 2
    end = _tail(text, tail)
    return _head(text, width - 1 - cell_len(end)).rstrip() + ELLIPSIS + end


def widest(values: Iterable[str]) -> int:
    """The widest of these texts in terminal cells. Each distinct text is measured once, and
    plain printable ASCII (nearly always) by its length: 5,000 units' cells measured one by one
    took a tenth of the board's start-up."""
    texts = set(values)
    joined = "".join(texts)
    if joined.isascii() and joined.isprintable():
        return max(map(len, texts), default=0)
    odd = {t for t in texts if not (t.isascii() and t.isprintable())}  # Södertälje, 北京
    return max(max(map(len, texts - odd), default=0), max(map(cell_len, odd), default=0))


def content_width(values: Iterable[str], least: int, most: int) -> int:
    """A column as wide as its longest value, between `least` (its header) and `most`."""
    return max(least, min(most, widest(values)))

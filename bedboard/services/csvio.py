"""CSV in and out, as DESIGN.md fixes it: UTF-8, a header row, `\\r\\n` rows, an optional BOM for
Excel, and text cells that a spreadsheet would run as a formula neutralised with a `'`."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from bedboard.errors import BadInput
from bedboard.i18n import _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain signed number ("-450.00") is an amount, not a formula: it stays as it is. ASCII digits
# only, as amounts are written, and as the database's guard (exports/sql_cells.py) reads them.
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _runs_as_formula(text: str) -> bool:
    bare = text.lstrip("'")
    return bare.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(bare)


# The first characters a cell `_runs_as_formula` can start with: a cheap test that clears
# almost every cell of a long export before the full one.
_RISKY_FIRST = frozenset("'" + "".join(FORMULA_STARTS))


def neutralise(value: Any) -> Any:
    """Prefix `'` to a text cell a spreadsheet would run as a formula. Quotes already in front
    of such a character count as part of the cell, so `restore` always undoes exactly one."""
    if isinstance(value, str) and value[:1] in _RISKY_FIRST and _runs_as_formula(value):
        return "'" + value
    return value


def restore(value: str) -> str:
    """The inverse of `neutralise`, so a file bedboard wrote imports back unchanged."""
    if value.startswith("'") and _runs_as_formula(value[1:]):
        return value[1:]
    return value


def write_csv(
    stream: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]], excel: bool = False
) -> int:
    """Stream rows out one at a time; returns how many were written."""
    if excel:
        stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(header)
    count = 0
    risky, runs_as_formula = _RISKY_FIRST, _runs_as_formula
    for row in rows:
        # neutralise() inlined: this loop runs for every cell of exports of millions of rows
        writer.writerow(
            [
                "'" + v if isinstance(v, str) and v[:1] in risky and runs_as_formula(v) else v
                for v in row
            ]
        )
        count += 1
    return count


def line_of(path: Path | str | None, line: int) -> str:
    """Where a refused row is, for the refusal: 'rates.csv, line 3' ('rad 3' in Swedish)."""
    if path is None or str(path) == "":
        return _("line {line}").format(line=line)
    return _("{path}, line {line}").format(path=path, line=line)


def read_csv(path: Path | str, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) pairs; any problem is a BadInput naming the file and line."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise BadInput(
            _("cannot read {name}: {strerror}").format(name=name, strerror=exc.strerror)
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(
            _("{name}: not UTF-8 text (byte {start}); save it as UTF-8").format(
                name=name, start=exc.start
            )
        ) from exc
    if not text.strip():
        raise BadInput(_("{name}: the file is empty").format(name=name))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise BadInput(_("{name}, line 1: {exc}").format(name=name, exc=exc)) from exc
    missing = [c for c in required if c not in header]
    if missing:
        hint = (
            " (cells are separated by ';': save it comma-separated)" if _semicolons(header) else ""
        )
        raise BadInput(
            _("{name}, line 1: missing column(s) {value}{hint}").format(
                name=name, value=", ".join(missing), hint=hint
            )
        )
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise BadInput(
                    _("{name}, line {line}: {len} cells where the header has {len2}").format(
                        name=name, line=line, len=len(values), len2=len(header)
                    )
                )
            yield line, {h: restore(v.strip()) for h, v in zip(header, values, strict=True)}
    except csv.Error as exc:
        raise BadInput(
            _("{name}, line {line_num}: {exc}").format(name=name, line_num=reader.line_num, exc=exc)
        ) from exc


def _semicolons(header: list[str]) -> bool:
    """A Swedish Excel saves "CSV" with ';' between cells."""
    return len(header) == 1 and ";" in header[0]

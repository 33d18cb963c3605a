"""What every export is (a header, rows streamed from an open session, how many rows to
expect), and writing one to a file whole or not at all."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bedboard.services.csvio import write_csv
from bedboard.services.exports.outfile import atomic_text_file

Progress = Callable[[int], None]


@dataclass
class Export:
    """Rows are produced lazily while the session they came from is still open."""

    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    total: int | None = None  # rows to expect, for a progress bar; None when unknown


def reporting(rows: Iterable[Sequence[Any]], progress: Progress, every: int) -> Iterator[Any]:
    """Pass rows through, telling `progress` how many have gone by every `every` rows."""
    count = 0
    for row in rows:
        yield row
        count += 1
        if count % every == 0:
            progress(count)
    progress(count)


def write_export(
    stream: IO[str],
    export: Export,
    *,
    excel: bool = False,
    progress: Progress | None = None,
    every: int = 500,
) -> int:
    rows = export.rows if progress is None else reporting(export.rows, progress, every)
    return write_csv(stream, export.header, rows, excel=excel)


def write_export_file(
    path: Path | str,
    export: Export,
    *,
    excel: bool = False,
    progress: Progress | None = None,
    every: int = 500,
    format: str | None = None,
    name: str = "export",
) -> int:
    """The whole file or nothing under `path`; returns the rows written. A workbook (one sheet
    called `name`) when `format` is "xlsx" or, without a format, the path ends in .xlsx;
    else CSV (`excel` adds a BOM)."""
    # imported here: the xlsx writer builds on Export, defined in this module
    from bedboard.services.exports.xlsx import Sheet, is_xlsx, write_xlsx

    if is_xlsx(path, format):
        return write_xlsx(path, [Sheet(name, export)], progress=progress, every=every)
    with atomic_text_file(path) as stream:
        return write_export(stream, export, excel=excel, progress=progress, every=every)

"""What every export is (a header, rows streamed from an open session, how many rows to
expect), and writing one to a file whole or not at all."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

from bedboard.services.csvio import write_csv
from bedboard.services.exports.outfile import atomic_text_file

Progress = Callable[[int], None]
CELL_BATCH = 5000  # rows per writerows() call when nobody watches


@dataclass
class Export:
    """Rows are produced lazily while the session they came from is still open.

    `rows` are values (dates, integers, text as stored) for every reader: a spreadsheet types
    them, `--with-names` adds a column. An export of millions of rows can also offer `cells`:
    the same rows as the CSV text the database already formatted and guarded, which a CSV
    file takes as they come (issue 16: no Python per cell)."""

    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    total: int | None = None  # rows to expect, for a progress bar; None when unknown
    count: Callable[[], int] | None = None  # or how to count them, only when a bar is shown
    cells: Callable[[], Iterable[Sequence[Any]]] | None = None
    # Each of the `cells` rows is one cell, the row's whole CSV line with its line end (the
    # database quoted the cells as csv.writer would): written as they come.
    lines: bool = False

    def expected(self) -> int | None:
        """The rows to expect: counted now if the export counts only when asked."""
        if self.total is None and self.count is not None:
            self.total = self.count()
        return self.total


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
    if export.cells is not None:
        cells = export.cells()
        return write_cells(stream, export.header, cells, excel, progress, every, export.lines)
    rows = export.rows if progress is None else reporting(export.rows, progress, every)
    return write_csv(stream, export.header, rows, excel=excel)


def write_cells(
    stream: IO[str],
    header: Sequence[str],
    cells: Iterable[Sequence[Any]],
    excel: bool,
    progress: Progress | None,
    every: int,
    lines: bool = False,
) -> int:
    """Rows the database formatted, written as they are, a batch at a time (the batches are
    counted, not the rows: no Python per row); `lines`: each row is its whole CSV line."""
    if excel:
        stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(header)
    count = 0
    rows = iter(cells)
    size = every if progress is not None else CELL_BATCH
    while batch := list(islice(rows, size)):
        if lines:
            stream.write("".join([row[0] for row in batch]))
        else:
            writer.writerows(batch)
        count += len(batch)
        if progress is not None:
            progress(count)
    if progress is not None and count == 0:
        progress(0)
    return count


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

"""CSV cells made by the database, so a long export writes rows straight from the cursor
(issue 16): an amount as text with two decimals, a date as ISO text, and the formula guard of
`csvio.neutralise` as a CASE on a text column. Each is one SQL expression per dialect (SQLite
and PostgreSQL), giving exactly the text the Python functions give for the same value; and
`cursor_rows`, which hands such rows on as the driver returns them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, String, cast, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

if TYPE_CHECKING:
    from sqlalchemy.sql._typing import _ColumnExpressionArgument


class _TextCell(FunctionElement[str]):
    """One column in, one text cell out; rendered by the dialect's function below."""

    type = String()
    inherit_cache = True


class money_text(_TextCell):
    """`services.money.money`: integer minor units as '-1234.50'; NULL as ''."""

    name = "money_text"
    inherit_cache = True


class date_text(_TextCell):
    """A date as 'YYYY-MM-DD' (what `date.isoformat()` gives)."""

    name = "date_text"
    inherit_cache = True


class guarded(_TextCell):
    """`csvio.neutralise` on a text column: a `'` before a cell a spreadsheet would run as a
    formula (after any quotes: =, +, @, tab, CR, or - unless a plain number follows)."""

    name = "guarded"
    inherit_cache = True


def _arg(element: FunctionElement[Any], compiler: SQLCompiler, kw: Any) -> str:
    (inner,) = element.clauses.clauses
    return f"({compiler.process(inner, **kw)})"


# The first characters `csvio._RISKY_FIRST` lists: a cheap test that clears almost every cell.
_RISKY = "('=', '+', '-', '@', '''', {tab}, {cr})"
_RUNS = "('=', '+', '@', {tab}, {cr})"  # after the quotes: a formula whatever follows


@compiles(money_text, "sqlite")
def _money_sqlite(element: money_text, compiler: SQLCompiler, **kw: Any) -> str:
    x = _arg(element, compiler, kw)
    return (
        f"CASE WHEN {x} IS NULL THEN '' ELSE printf('%s%d.%02d', "
        f"CASE WHEN {x} < 0 THEN '-' ELSE '' END, abs({x}) / 100, abs({x}) % 100) END"
    )


@compiles(money_text, "postgresql")
def _money_pg(element: money_text, compiler: SQLCompiler, **kw: Any) -> str:
    x = _arg(element, compiler, kw)  # no '%': psycopg reads it as a parameter
    return (
        f"CASE WHEN {x} IS NULL THEN '' ELSE CASE WHEN {x} < 0 THEN '-' ELSE '' END "
        f"|| (abs({x}) / 100)::text || '.' || lpad(mod(abs({x}), 100)::text, 2, '0') END"
    )


@compiles(date_text, "sqlite")
def _date_sqlite(element: date_text, compiler: SQLCompiler, **kw: Any) -> str:
    return _arg(element, compiler, kw)  # SQLAlchemy stores a date as its ISO text already


@compiles(date_text, "postgresql")
def _date_pg(element: date_text, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({_arg(element, compiler, kw)}, 'YYYY-MM-DD')"  # whatever the DateStyle


@compiles(guarded, "sqlite")
def _guarded_sqlite(element: guarded, compiler: SQLCompiler, **kw: Any) -> str:
    x = _arg(element, compiler, kw)
    tab, cr = "char(9)", "char(13)"
    bare = f"ltrim({x}, '''')"
    rest = f"substr({bare}, 2)"
    # -?[0-9]+(\.[0-9]+)? after the '-': digits and at most one point, not at either end
    number = (
        f"({rest} <> '' AND {rest} NOT GLOB '*[^0-9.]*' AND {rest} NOT GLOB '.*' "
        f"AND {rest} NOT GLOB '*.' AND {rest} NOT GLOB '*.*.*')"
    )
    # Byte order first: every risky first character is below 'A', and below '0' or from '='
    # on. Most cells start with a letter ('G-104', 'Hvilan', 'R-17'): one comparison clears
    # them; a number ('12') takes three.
    return (
        f"CASE WHEN {x} < 'A' AND ({x} < '0' OR {x} >= '=') "
        f"AND substr({x}, 1, 1) IN {_RISKY.format(tab=tab, cr=cr)} "
        f"AND (substr({bare}, 1, 1) IN {_RUNS.format(tab=tab, cr=cr)} "
        f"OR (substr({bare}, 1, 1) = '-' AND NOT {number})) "
        f"THEN '''' || {x} ELSE {x} END"
    )


@compiles(guarded, "postgresql")
def _guarded_pg(element: guarded, compiler: SQLCompiler, **kw: Any) -> str:
    x = _arg(element, compiler, kw)
    tab, cr = "chr(9)", "chr(13)"
    bare = f"ltrim({x}, '''')"
    return (
        f"CASE WHEN left({x}, 1) IN {_RISKY.format(tab=tab, cr=cr)} "
        f"AND (left({bare}, 1) IN {_RUNS.format(tab=tab, cr=cr)} "
        f"OR (left({bare}, 1) = '-' AND substr({bare}, 2) !~ '^[0-9]+(\\.[0-9]+)?$')) "
        f"THEN '''' || {x} ELSE {x} END"
    )


class csv_quoted(_TextCell):
    """A text cell as `csv.writer` writes it (QUOTE_MINIMAL): in quotes, its own quotes
    doubled, when it holds a comma, a quote or a line break; NULL as ''."""

    name = "csv_quoted"
    inherit_cache = True


@compiles(csv_quoted, "sqlite")
def _csv_quoted_sqlite(element: csv_quoted, compiler: SQLCompiler, **kw: Any) -> str:
    x = _arg(element, compiler, kw)
    return (
        f"""CASE WHEN {x} GLOB '*[",' || char(10) || char(13) || ']*' """
        f"""THEN '"' || replace({x}, '"', '""') || '"' ELSE coalesce({x}, '') END"""
    )


@compiles(csv_quoted, "postgresql")
def _csv_quoted_pg(element: csv_quoted, compiler: SQLCompiler, **kw: Any) -> str:
    x = _arg(element, compiler, kw)
    return (
        f"""CASE WHEN strpos({x}, ',') > 0 OR strpos({x}, '"') > 0 OR strpos({x}, chr(10)) > 0 """
        f"""OR strpos({x}, chr(13)) > 0 THEN '"' || replace({x}, '"', '""') || '"' """
        f"ELSE coalesce({x}, '') END"
    )


def csv_line(cells: Sequence[Any], text: Sequence[bool]) -> ColumnElement[str]:
    """The cells as one line of `csv.writer` (commas between, `\r\n` at the end): the cells
    `text` marks are quoted as it would; the others (numbers, dates, words the database checks)
    never need quotes. One column instead of a dozen: the driver makes one string a row, and
    the CSV writer's scan of every character of every cell is not needed."""
    parts: list[Any] = []
    for cell, is_text in zip(cells, text, strict=True):
        if parts:
            parts.append(literal(","))
        parts.append(csv_quoted(cell) if is_text else func.coalesce(cast(cell, String), ""))
    parts.append(literal("\r\n"))
    line = parts[0]
    for part in parts[1:]:
        line = line.op("||")(part)
    return line


class unindexed(FunctionElement[Any]):
    """A column its index must not drive: SQLite's unary `+` tells its planner to start from
    the other table (the few adjustments, not every night of the period); PostgreSQL's
    planner weighs both with its statistics."""

    name = "unindexed"
    inherit_cache = True

    def __init__(self, column: _ColumnExpressionArgument[Any]) -> None:
        super().__init__(column)
        (inner,) = self.clauses.clauses
        self.type = inner.type  # so that comparisons bind a date as a date


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return f"+{_arg(element, compiler, kw)}"


@compiles(unindexed)
def _unindexed(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return _arg(element, compiler, kw)


CURSOR_BATCH = 2000


def cursor_rows(session: Session, statement: Select[Any]) -> Iterable[Sequence[Any]]:
    """The rows of `statement` as the driver returns them, fetched in batches when first
    iterated (no Python per cell): a server-side cursor on PostgreSQL; SQLite's cursor steps
    through the rows as they are fetched and is read directly (SQLAlchemy's rows would cost a
    fifth of a long export, with nothing left for them to convert)."""
    connection = session.connection()

    def batches() -> Iterator[Sequence[Sequence[Any]]]:
        if connection.dialect.name != "sqlite":
            options = {"yield_per": CURSOR_BATCH}
            yield from connection.execute(statement, execution_options=options).partitions()
            return
        result = connection.execute(statement)
        try:
            while batch := result.cursor.fetchmany(CURSOR_BATCH):
                yield batch
        finally:
            result.close()

    return chain.from_iterable(batches())

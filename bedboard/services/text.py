"""One check for every piece of free text a person types (a reason, a note, who a hold is for, a
payer reference, a name): trimmed, on one line with no control or invisible formatting
characters, and no longer than the column it is stored in.

The limit is read from the column itself, so a schema change cannot leave a stale copy behind.
PostgreSQL refuses a longer value and SQLite keeps it: checking before the database says it the
same way on both. Every refusal has the same wording, naming only what was wrong with which
field, never the text itself (it may be personal).
"""

from __future__ import annotations

from typing import Any

from bedboard.errors import BadInput
from bedboard.i18n import _


def column_length(column: Any) -> int | None:
    """The declared length of a mapped string column (`Model.field`); None for unbounded text.
    A number is taken as the limit itself: for text with no column of its own (a reason that
    goes into the audit log's detail)."""
    if isinstance(column, int):
        return column
    length = column.property.columns[0].type.length
    return int(length) if length is not None else None


def clean_text(value: str, column: Any, what: str, *, required: bool = False) -> str:
    """`value` trimmed, or BadInput naming `what`. `required` refuses an empty value too."""
    text = value.strip()
    limit = column_length(column)
    too_long = limit is not None and len(text) > limit
    if too_long or not text.isprintable() or (required and not text):
        raise BadInput(refusal(what, limit, required))
    return text


def refusal(what: str, limit: int | None, required: bool = False) -> str:
    """The one wording of a refused text (also used by the board's forms before they submit)."""
    if limit is None:
        return _("{what} must be printable characters on one line").format(what=what)
    if required:
        return _("{what} must be 1 to {limit} printable characters on one line").format(
            what=what, limit=limit
        )
    return _("{what} must be at most {limit} printable characters on one line").format(
        what=what, limit=limit
    )

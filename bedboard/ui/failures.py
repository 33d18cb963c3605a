"""How any failure in a board worker reads: one line, never a traceback, never a credential.

Every worker on the board ends up here (the screens' one handler for failed workers, the
guest-code completion), so a failed read, a refusal and a bug all read alike. A BedboardError
already speaks the domain in one line. Anything else is a bug or a driver error: its class says
what kind, and its first line is cut short; both pass `redact.error_line`, which masks any
password (a driver may echo the connection string)."""

from __future__ import annotations

from bedboard.errors import BedboardError
from bedboard.i18n import _
from bedboard.redact import error_line

MAX_TEXT = 160  # an unexpected error's text; a BedboardError is written for people: whole


def failure_text(error: BaseException | None) -> str:
    if error is None:
        return _("unknown error")
    if isinstance(error, BedboardError):
        return error_line(error)
    text = error_line(error)
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1] + "…"
    return _("unexpected error ({kind}: {text})").format(kind=type(error).__name__, text=text)

"""What to type next, added by the CLI to a refusal the rules word in the domain.

The services never name a command or an option (the board has keys, not commands); the class of
the error says what the person can do, and this table says it in the CLI's words.
"""

from __future__ import annotations

from bedboard.errors import BedboardError, NightsPosted, NoRate, UnbilledNights, UnknownPayer
from bedboard.i18n import N_, _

HINTS: dict[type[BedboardError], str] = {
    UnknownPayer: N_("see `bedboard payers list`"),
    UnbilledNights: N_("`bedboard pay`, or `bedboard close-night --unbilled-ok`"),
    NoRate: "`bedboard rates set`",
    NightsPosted: "`bedboard correct`",
}


def with_hint(error: BedboardError) -> str:
    """The error's one line, with the command that helps in parentheses where there is one."""
    hint = next((text for kind, text in HINTS.items() if isinstance(error, kind)), None)
    return f"{error} ({_(hint)})" if hint else str(error)  # hint: a table entry, marked N_()

"""What to type next, added by the CLI to a refusal the rules word in the domain.

The services never name a command or an option (the board has keys, not commands); the class of
the error says what the person can do, and this table says it in the CLI's words.
"""

from __future__ import annotations

from bedboard.errors import BedboardError, NightsPosted, NoRate, UnbilledNights, UnknownPayer

HINTS: dict[type[BedboardError], str] = {
    UnknownPayer: "see `bedboard payers list`",
    UnbilledNights: "`bedboard pay`, or `bedboard close-night --unbilled-ok`",
    NoRate: "`bedboard rates set`",
    NightsPosted: "`bedboard correct`",
}


def with_hint(error: BedboardError) -> str:
    """The error's one line, with the command that helps in parentheses where there is one."""
    hint = next((text for kind, text in HINTS.items() if isinstance(error, kind)), None)
    return f"{error} ({hint})" if hint else str(error)

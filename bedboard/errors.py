"""Errors a user sees as one line. The exit code says whose fault it was.

The rules word their refusals in the domain (a night, a payer, a rate). Where the person can do
something about it, the error's class says what, and each edge adds its own words: the CLI
names the command or option (bedboard/cli/hints.py), the board its key.
"""


class BedboardError(Exception):
    """Base of every expected failure; never shown with a traceback."""

    exit_code = 1


class RuleViolation(BedboardError):
    """A rule refused the change (unit taken, night closed, unknown guest): exit code 1."""

    exit_code = 1


class UnitTaken(RuleViolation):
    pass


class NightClosed(RuleViolation):
    pass


class NotFound(RuleViolation):
    pass


class UnknownPayer(NotFound):
    """No payer by that name (the list of payers says which there are)."""


class UnbilledNights(RuleViolation):
    """A night cannot close while occupied units on it have no payer."""


class NoRate(RuleViolation):
    """A night cannot close while an occupied unit on it has no rate."""


class NightsPosted(NightClosed):
    """The nights asked for are posted: only an adjustment can correct them."""


class BadInput(BedboardError):
    """Bad usage or input (bad date, malformed file): exit code 2."""

    exit_code = 2


class DatabaseError(BedboardError):
    """The database cannot be used (newer schema, busy too long, unreachable): exit code 1."""

    exit_code = 1


class NoAnswer(DatabaseError):
    """A change the database did not answer in time: not confirmed, so not "nothing changed"
    either (the answer to a commit may be what was lost)."""


class ReadOnlyDatabase(RuleViolation):
    """The database can be read but not written (a backup on a read-only disk): exit code 1."""


class MissingDatabase(BadInput):
    """No database where one was named; only the commands that create one make it: exit 2."""

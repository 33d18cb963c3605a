"""Errors a user sees as one line. The exit code says whose fault it was."""


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


class BadInput(BedboardError):
    """Bad usage or input (bad date, malformed file): exit code 2."""

    exit_code = 2


class DatabaseError(BedboardError):
    """The database cannot be used (newer schema, busy too long, unreachable): exit code 1."""

    exit_code = 1


class ReadOnlyDatabase(RuleViolation):
    """The database can be read but not written (a backup on a read-only disk): exit code 1."""


class MissingDatabase(BadInput):
    """No database where one was named; only the commands that create one make it: exit 2."""

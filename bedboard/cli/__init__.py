"""`bedboard`: the board with no subcommand, and the scriptable subcommands.

Errors are one line on stderr: exit code 1 when a rule refuses, 2 for bad usage or input.
Each command's module is imported only when that command runs (cli/registry.py), and the
Textual UI only when the board opens, so `--version`, `--help` and every command start fast.
"""

from __future__ import annotations

import os
import sys
import traceback
from contextlib import nullcontext
from typing import TYPE_CHECKING

import click

from bedboard import __version__
from bedboard.cli import click_texts
from bedboard.cli.common import common_options, open_from_context, options
from bedboard.cli.registry import LazyGroup, imports_kept
from bedboard.config import default_db_path, load_settings
from bedboard.errors import BedboardError, MissingDatabase
from bedboard.i18n import _
from bedboard.redact import install_log_scrubber, scrub

if TYPE_CHECKING:
    from bedboard.store import Store

click_texts.install()


class OutputClosed(Exception):
    """Standard output went into a pipe whose reader stopped early (`bedboard export | head`)."""


class BedboardGroup(LazyGroup):
    def invoke(self, ctx: click.Context) -> object:
        # Click turns a broken pipe into exit code 1 by itself; it is a normal end here.
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            raise OutputClosed() from exc


@click.group(
    cls=BedboardGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@common_options
# The version as written in the package, not looked up in its installed metadata: importing
# importlib.metadata and scanning the installed distributions took a fifth of `--version`.
@click.version_option(__version__, package_name="bedboard")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Live availability of emergency beds, and who pays for each night.

    With no command, opens the board.
    """
    if ctx.invoked_subcommand is None:
        with imports_kept() if cli.keep_imports else nullcontext():
            store = open_board_store()
            from bedboard.services.staff.signin import needs_sign_in
            from bedboard.ui.app import BedboardApp

        with store.read() as session:
            ask = needs_sign_in(session)  # staff are set up: the board asks who is on duty
        app = BedboardApp(
            store,
            debug=options(ctx).debug,
            sign_in=ask,
            lock_seconds=store.settings.lock_minutes * 60.0,
            own_process=cli.keep_imports,
        )
        app.run()
        if app.return_code:
            sys.exit(app.return_code)


def open_board_store() -> Store:
    """The board's store. On a first run there is no database yet: the board asks before it
    makes one (a new file at a mistyped --db would otherwise look like an empty shelter)."""
    from bedboard.store import missing_file  # SQLAlchemy loads only when the board opens

    settings = load_settings(options(click.get_current_context()).db)
    missing = missing_file(settings)
    if missing is None:
        return open_from_context(sign_in=False)
    if not sys.stdin.isatty():
        return open_from_context(sign_in=False)  # refuses in one line: nobody to ask
    default = missing == default_db_path()
    question = _("There is no database at {path} yet. Make a new, empty one there?").format(
        path=missing
    )
    if not click.confirm(question, default=default):
        raise MissingDatabase(
            _("nothing was made: there is no database at {path}").format(path=missing)
        )
    return open_from_context(create=True, sign_in=False)


def _fail(message: str, code: int) -> None:
    click.echo(f"bedboard: {scrub(message)}", err=True)
    sys.exit(code)


def _debug_traceback(exc: BaseException, code: int) -> None:
    """--debug: the traceback, without the values of local variables (a URL with its password
    sits in several of them) and with passwords masked in every line."""
    text = "".join(traceback.format_exception(exc))
    click.echo(scrub(text).rstrip("\n"), err=True)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    cli.keep_imports = argv is None  # the program itself: one command, then the process ends
    install_log_scrubber()
    try:
        result = cli.main(args=args, prog_name="bedboard", standalone_mode=False)
    except click.exceptions.Abort:
        _fail(_("aborted"), 1)
    except click.ClickException as exc:
        _fail(_("error: {message}").format(message=exc.format_message()), exc.exit_code)
    except BedboardError as exc:
        if debug:
            _debug_traceback(exc, exc.exit_code)
        from bedboard.cli.hints import with_hint  # only when there is something to say

        _fail(with_hint(exc), exc.exit_code)
    except KeyboardInterrupt:
        _fail(_("interrupted; nothing was changed by the interrupted command"), 1)
    except (BrokenPipeError, OutputClosed):
        _reader_went_away()
    except OSError as exc:
        if debug:
            _debug_traceback(exc, 1)
        where = f" {exc.filename}" if exc.filename else ""
        _fail(_("cannot use{where}: {reason}").format(where=where, reason=exc.strerror or exc), 1)
    except Exception as exc:
        if debug:
            _debug_traceback(exc, 1)
        database_error = _database_error(exc)
        if database_error is not None:
            _fail(database_error, 1)
        first_line = (str(exc).strip().splitlines() or [""])[0]
        _fail(
            _("unexpected error: {kind}: {line} (--debug shows details)").format(
                kind=type(exc).__name__, line=first_line
            ),
            1,
        )
    try:
        sys.stdout.flush()
    except (BrokenPipeError, OutputClosed):
        _reader_went_away()
    sys.exit(result if isinstance(result, int) else 0)


def _reader_went_away() -> None:
    """The output went into a pipe whose reader stopped early (`bedboard export ... | head`):
    that is a normal end, exit 0 and say nothing. Python would otherwise complain again when it
    flushes stdout at exit, so stdout is pointed at /dev/null first."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(0)


def _database_error(exc: Exception) -> str | None:
    """A driver's error as one line, if it is one (SQLAlchemy is loaded only if a command did)."""
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy.exc import DBAPIError

    from bedboard.store import translate

    return str(translate(exc)) if isinstance(exc, DBAPIError) else None


__all__ = ["cli", "common_options", "main", "open_from_context", "options"]

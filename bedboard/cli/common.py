"""What every subcommand shares: --db, --user and --debug (accepted before or after the
subcommand's name), opening the store, and typed options for nights and units."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

import click

from bedboard.config import Settings, load_settings
from bedboard.errors import BadInput, MissingDatabase
from bedboard.i18n import _

if TYPE_CHECKING:
    from bedboard.services.staff.access import Actor
    from bedboard.store import Store

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


@dataclass
class Options:
    db: str | None = None
    user: str | None = None
    debug: bool = False
    far: bool = False


def options(ctx: click.Context) -> Options:
    root = ctx.find_root()
    if root.obj is None:
        root.obj = Options()
    assert isinstance(root.obj, Options)
    return root.obj


def _remember(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        if value:
            setattr(options(ctx), name, value)
        return value

    return callback


# The options every subcommand takes after its own name, each remembered on the context so any
# command (and its subcommands) can read them. Listed in the order --help shows them.
_DB_HELP = _("Database file or URL. Default: $BEDBOARD_DB or the user data folder.")
_USER_HELP = _(
    "Who is acting (recorded in the audit log); once staff are set up, a staff login "
    "whose PIN is read from $BEDBOARD_PIN or asked for. Default: $BEDBOARD_USER or login."
)
_FAR_HELP = _("Accept nights more than a year from today (a typed year is usually a typo).")
_COMMON: tuple[tuple[str, dict[str, Any]], ...] = (
    ("--db", {"metavar": "PATH_OR_URL", "help": _DB_HELP}),
    ("--user", {"metavar": "NAME", "help": _USER_HELP}),
    ("--debug", {"is_flag": True, "help": _("Show a traceback on errors.")}),
    # --far is read before any night, whatever the order on the line
    ("--far", {"is_flag": True, "is_eager": True, "help": _FAR_HELP}),
)


def common_options(f: F) -> F:
    for name, extra in reversed(_COMMON):
        f = click.option(name, expose_value=False, callback=_remember(name[2:]), **extra)(f)
    return f


def open_from_context(*, create: bool = False, sign_in: bool = True) -> Store:
    """The store for this command, with the person acting signed in (`sign_in=False`: the
    board asks itself). Only the commands that make a database pass `create`."""
    from bedboard.store import open_store  # SQLAlchemy loads only for commands that use it

    ctx = click.get_current_context()
    opts = options(ctx)
    try:
        store = open_store(with_passphrase(load_settings(opts.db, opts.user)), create=create)
    except MissingDatabase as exc:
        raise MissingDatabase(f"{exc} ({create_hint()})") from exc
    ctx.call_on_close(store.close)
    if sign_in:
        store.who = who_acts(store)
    return store


def write(change: Callable[..., T], store: Store | None = None, /, **params: Any) -> T:
    """What most commands do between reading their options and saying what was done: one
    service call in one write transaction. `store`: the command's own, when it needed it before
    (tonight, settings)."""
    store = store or open_from_context()
    with store.write() as session:
        return change(session, **params)


def act(action: Callable[..., T], store: Store | None = None, /, **params: Any) -> T:
    """`write` for the services that record who acted in the audit log: the person acting."""
    store = store or open_from_context()
    return write(action, store, **params, actor=store.actor)


def given(**changed: Any) -> dict[str, Any]:
    """The command's options as keyword arguments, for a command whose options are named as the
    keywords of the service it calls; `changed`: those it parsed or defaulted itself."""
    return {**click.get_current_context().params, **changed}


def query(read: Callable[..., T], store: Store | None = None, /, **params: Any) -> T:
    """One service read in one read transaction, for commands that only list or show."""
    store = store or open_from_context()
    with store.read() as session:
        return read(session, **params)


def create_hint() -> str:
    """Said after "there is no database at PATH": a typo in --db is the usual cause."""
    return _(
        "check --db; `bedboard db upgrade`, `bedboard demo` or `bedboard import inventory` "
        "make a new one"
    )


def with_passphrase(settings: Settings) -> Settings:
    """An encrypted SQLite file without BEDBOARD_DB_KEY: ask for its passphrase on a terminal
    (the board asks here too, before it starts). Without a terminal the store refuses in one
    line when it opens."""
    from bedboard.store import encrypted_file

    if settings.db_key:
        return settings
    path = encrypted_file(settings)
    if path is None or not sys.stdin.isatty():
        return settings
    key = getpass.getpass(_("passphrase of the encrypted database {path}: ").format(path=path))
    return replace(settings, db_key=key)


# A night further from today than this is almost always a typo (2062 for 2026, 2020 for 2026):
# refused unless --far (or BEDBOARD_FAR=1, for scripts that plan far ahead) says it is meant.
FAR_DAYS = 366


def read_pin(prompt: str) -> str:
    """A PIN from $BEDBOARD_PIN, else asked for without echo on a terminal."""
    pin = os.environ.get("BEDBOARD_PIN")
    if pin:
        return pin
    if not sys.stdin.isatty():
        raise BadInput(_("a PIN is needed: set BEDBOARD_PIN or run the command in a terminal"))
    return getpass.getpass(prompt)


def who_acts(store: Store) -> Actor:
    """The local user until an administrator exists; after that the staff member named by
    --user, signed in with their PIN (refused in one line, the try counted)."""
    from bedboard.services.staff import signin
    from bedboard.services.staff.access import Actor

    if store.db_login is not None:
        return store.who  # PostgreSQL: the login the server accepted, whatever --user says
    with store.read() as session:
        needed = signin.needs_sign_in(session)
    if not needed:
        return Actor(store.settings.user)
    login = store.settings.user
    pin = read_pin(_("PIN for {login}: ").format(login=login))
    return signin.sign_in(store.read, store.write, login, pin)


class NightType(click.ParamType):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            night = value
        else:
            try:
                night = dt.date.fromisoformat(str(value).strip())
            except ValueError:
                self.fail(
                    _("{value!r} is not a date like 2026-11-27").format(value=value), param, ctx
                )
        far = (ctx is not None and options(ctx).far) or os.environ.get("BEDBOARD_FAR") == "1"
        if not far and abs((night - dt.date.today()).days) > FAR_DAYS:
            self.fail(
                _("{night} is more than a year from today; if that is meant, add --far").format(
                    night=night
                ),
                param,
                ctx,
            )
        return night


NIGHT = NightType()

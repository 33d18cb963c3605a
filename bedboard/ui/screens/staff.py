"""Staff (S, administrators only): who may act, in which role, at which sites. The board's face
of `bedboard staff ...`: it calls the same services, so the rights check, the audit entry, the
last administrator kept and, on PostgreSQL, the staff member's own database login all hold here
as they do in the CLI. The screen only asks and shows.

A new PIN (or database password) is typed twice, masked, and checked in the form before it
closes; what only the database knows (a login already taken, a site that does not exist) comes
back from the service as one refusal, and nothing is changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Label

from bedboard.errors import BadInput
from bedboard.i18n import N_, _, ngettext
from bedboard.services.choices import choices
from bedboard.services.staff import members
from bedboard.services.staff.pins import check_new_pin
from bedboard.services.staff.rights import Right
from bedboard.states import StaffRole
from bedboard.store import Store
from bedboard.ui.clock import Clock
from bedboard.ui.screens.base import LiveScreen, changes
from bedboard.ui.screens.confirm import ConfirmScreen
from bedboard.ui.screens.form import Field, FormScreen
from bedboard.ui.widgets.key_bar import KeyBar
from bedboard.ui.widgets.keyed_table import KeyedTable
from bedboard.ui.widgets.notice import Notice
from bedboard.words import word

HELP = N_(
    """\
# Staff

Who may use bedboard, in which role and at which sites. **Night** staff book, hold, check out
and reveal names at their own sites; **outreach** workers hold beds anywhere and register
guests; **coordinators** do all of that everywhere plus billing, commitments, corrections and
exports; **administrators** may do everything, including this screen.

`a` adds a staff member (their PIN is typed twice), `e` changes the selected member's role,
sites or name, `p` gives them a new PIN, `d` disables them (they can no longer sign in; their
history stays) and `u` lets a disabled member sign in again. The last administrator can be
neither disabled nor given another role. Every change is in the audit log.
"""
)


def role_text(role: str) -> str:
    return word(StaffRole, role)


def site_list(text: str) -> list[str]:
    """Site names typed as one line, separated by commas."""
    return [name.strip() for name in text.split(",") if name.strip()]


@dataclass
class StaffLoaded(Message):
    rows: list[members.StaffRow]
    sites: list[str]


class StaffTable(KeyedTable):
    # Widths follow the content (nothing is cut); a narrow terminal scrolls sideways, so what
    # tells members apart for the desk (disabled or not, role, sites) comes before the name.
    COLUMNS = (
        ("login", N_("Login"), None),
        ("state", N_("State"), None),
        ("role", N_("Role"), None),
        ("sites", N_("Sites"), None),
        ("name", N_("Name"), None),
        ("pin", N_("PIN"), None),
    )


class StaffScreen(LiveScreen):
    HELP = HELP
    DEFAULT_CSS = """
    StaffScreen #staff { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Board"), id="staff-back"),
        Binding("a", "add", N_("Add"), id="staff-add"),
        Binding("e", "edit", N_("Change"), id="staff-edit"),
        Binding("p", "new_pin", N_("New PIN"), id="staff-pin"),
        Binding("d", "disable", N_("Disable"), id="staff-disable"),
        Binding("u", "enable", N_("Enable"), id="staff-enable"),
    ]

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        super().__init__(store, clock)
        self.rows: list[members.StaffRow] | None = None
        self.sites: list[str] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Label(_("[b]Staff[/b]"), id="title")
        yield StaffTable(id="staff")
        yield Notice()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(StaffTable).focus()

    def read(self, session: Session) -> StaffLoaded:
        return StaffLoaded(members.list_staff(session), list(choices(session).sites))

    @on(StaffLoaded)
    def _loaded(self, message: StaffLoaded) -> None:
        self.rows, self.sites = message.rows, message.sites
        self.query_one(StaffTable).sync(
            [
                (
                    r.login,
                    (r.login, _("active") if r.active else _("DISABLED"), role_text(r.role),
                     ", ".join(r.sites) or _("all"), r.name or "–",
                     {True: _("set"), False: _("none"), None: "–"}[r.has_pin]),
                )
                for r in message.rows
            ]
        )  # fmt: skip
        count = ngettext("{n} member", "{n} members", len(message.rows)).format(n=len(message.rows))
        self.query_one("#title", Label).update(_("[b]Staff[/b] · {count}").format(count=count))
        self.say("" if message.rows else _("no staff yet: the local user may do everything"))
        self.refresh_bindings()

    @property
    def selected(self) -> members.StaffRow | None:
        key = self.query_one(StaffTable).current_key
        return next((r for r in self.rows or () if r.login == key), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        changing = action in ("add", "edit", "new_pin", "disable", "enable")
        if changing and (self.rows is None or not self.store.who.may(Right.STAFF)):
            return False  # not read (yet, or refused): nothing to act on
        chosen = self.selected
        if action in ("edit", "new_pin"):
            return chosen is not None
        if action == "disable":
            return chosen is not None and chosen.active
        if action == "enable":
            return chosen is not None and not chosen.active
        return True

    # The forms ---------------------------------------------------------------------------

    @property
    def database_logins(self) -> bool:
        """Connected as a PostgreSQL staff login: a new member gets their own database login
        and a password, as `staff add` does then."""
        return self.store.db_login is not None

    def _secret_fields(self) -> list[Field]:
        return _password_fields() if self.database_logins else _pin_fields()

    def _check_secret(self, values: dict[str, Any]) -> None:
        if self.database_logins:
            _two_alike(values, members.check_new_password, _("the two passwords differ"))
        else:
            _same_pins(values)

    def _role_field(self, default: str = "") -> Field:
        options = [(role_text(role), role.value) for role in StaffRole]
        return Field("role", _("Role"), "select", default=default, options=options, required=True)

    def _sites_intro(self) -> str:
        return _(
            "Sites are separated by commas: {sites}. Night staff need at least one site; "
            "other roles act at every site."
        ).format(sites=", ".join(self.sites) or "–")

    @changes
    def action_add(self) -> None:
        form = FormScreen(
            _("A new staff member"),
            [
                Field("login", _("Login"), required=True),
                Field("name", _("Name")),
                self._role_field(),
                Field("sites", _("Sites")),
                *self._secret_fields(),
            ],
            _("Add"),
            intro=_(
                "A login is lower-case letters, digits, '.', '_' or '-', starting with a letter."
            )
            + " "
            + self._sites_intro(),
            check=self._check_secret,
        )
        secret = "password" if self.database_logins else "pin"

        def change(session: Session, values: dict[str, Any]) -> str:
            member = members.add_staff(
                session,
                login=values["login"],
                role=values["role"],
                sites=site_list(values["sites"]),
                name=values["name"],
                **{secret: values["secret"]},
            )
            return _("Added {login} as {role}").format(
                login=member.login, role=role_text(member.role)
            )

        self._ask(form, change)

    @changes
    def action_edit(self) -> None:
        chosen = self.selected
        if chosen is None:
            return
        form = FormScreen(
            _("Change {login}").format(login=chosen.login),
            [
                Field("name", _("Name"), default=chosen.name),
                self._role_field(chosen.role),
                Field("sites", _("Sites"), default=", ".join(chosen.sites)),
            ],
            _("Save"),
            intro=self._sites_intro(),
        )

        def change(session: Session, values: dict[str, Any]) -> str:
            member = members.edit_staff(
                session,
                login=chosen.login,
                role=values["role"],
                sites=site_list(values["sites"]),
                name=values["name"],
            )
            where = ", ".join(members.site_names_of(session, member)) or _("all sites")
            return _("{login} is {role} ({where})").format(
                login=member.login, role=role_text(member.role), where=where
            )

        self._ask(form, change)

    @changes
    def action_new_pin(self) -> None:
        chosen = self.selected
        if chosen is None:
            return
        form = FormScreen(
            _("A new PIN for {login}").format(login=chosen.login),
            _pin_fields(),
            _("Save"),
            check=_same_pins,
        )

        def change(session: Session, values: dict[str, Any]) -> str:
            member = members.set_pin(session, login=chosen.login, pin=values["secret"])
            return _("new PIN set for {login}").format(login=member.login)

        self._ask(form, change)

    def _ask(self, form: FormScreen, change: Callable[[Session, dict[str, Any]], str]) -> None:
        """The form, then its values to the service in one write (Esc: nothing)."""

        def done(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.run_change(lambda session: change(session, values))

        self.app.push_screen(form, done)

    @changes
    def action_disable(self) -> None:
        chosen = self.selected
        if chosen is None:
            return
        question = _("Disable {login}? They can no longer sign in; their history stays.").format(
            login=chosen.login
        )

        def done(yes: bool | None) -> None:
            if yes:
                self.run_change(
                    lambda session: members.disable_staff(session, login=chosen.login),
                    _("{login} is disabled").format(login=chosen.login),
                )

        self.app.push_screen(ConfirmScreen(question, yes=_("Disable")), done)

    @changes
    def action_enable(self) -> None:
        chosen = self.selected
        if chosen is None:
            return
        self.run_change(
            lambda session: members.enable_staff(session, login=chosen.login),
            _("{login} may sign in again").format(login=chosen.login),
        )


def _pin_fields() -> list[Field]:
    return [
        Field("secret", _("PIN"), "secret", required=True),
        Field("again", _("PIN again"), "secret", required=True),
    ]


def _password_fields() -> list[Field]:
    return [
        Field("secret", _("Password"), "secret", required=True),
        Field("again", _("Password again"), "secret", required=True),
    ]


def _two_alike(values: dict[str, Any], check: Callable[[str], str], differ: str) -> None:
    """A new PIN (password) typed twice: valid, and the same both times. Said in the form,
    which stays open with what was typed."""
    try:
        check(values["secret"])
    except BadInput as exc:
        raise ValueError(str(exc)) from None
    if values["secret"] != values["again"]:
        raise ValueError(differ)


def _same_pins(values: dict[str, Any]) -> None:
    _two_alike(values, check_new_pin, _("the two PINs differ"))

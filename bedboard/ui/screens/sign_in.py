"""Who is on duty: the screen that asks for a staff login and PIN when the board opens (once
staff are set up) and again after the board has been idle. It covers the board completely, so
a locked board shows nothing; Esc does not close it (only q quits)."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from bedboard.errors import BedboardError
from bedboard.i18n import _
from bedboard.services.staff.access import Actor
from bedboard.services.staff.signin import sign_in
from bedboard.store import Store
from bedboard.ui.messages import SignedIn, SignInFailed


class SignInScreen(Screen[Actor]):
    BINDINGS = [Binding("ctrl+q", "app.quit", _("Quit"), id="quit")]

    def __init__(self, store: Store, *, locked: bool = False) -> None:
        super().__init__()
        self.store = store
        self.locked = locked

    def compose(self) -> ComposeResult:
        with Center(), Vertical(classes="dialog sign-in"):
            yield Label(_("bedboard: who is on duty?"), classes="form-title")
            if self.locked:
                yield Static(_("The board was locked after being idle."), classes="intro")
            yield Label(_("Login"))
            yield Input(id="login", placeholder=_("your staff login"), compact=True)
            yield Label(_("PIN"))
            yield Input(id="pin", password=True, compact=True)
            yield Label("", id="sign-in-error")
            yield Button(_("Sign in (Enter)"), id="sign-in", variant="primary", compact=True)
            yield Static(_("Ctrl+Q quits."), classes="intro")

    def on_mount(self) -> None:
        self.query_one("#login", Input).focus()

    @on(Input.Submitted, "#login")
    def _to_pin(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    @on(Button.Pressed, "#sign-in")
    def _submit(self) -> None:
        login = self.query_one("#login", Input).value.strip()
        pin = self.query_one("#pin", Input).value
        if not login or not pin:
            self._error(_("give your login and PIN"))
            return
        self.query_one("#sign-in", Button).disabled = True
        self._check(login, pin)

    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False)
    def _check(self, login: str, pin: str) -> None:
        try:
            actor = sign_in(self.store.read, self.store.write, login, pin)
        except BedboardError as exc:
            self.post_message(SignInFailed(str(exc)))
        else:
            self.post_message(SignedIn(actor))

    @on(SignInFailed)
    def _failed(self, message: SignInFailed) -> None:
        self.query_one("#sign-in", Button).disabled = False
        pin = self.query_one("#pin", Input)
        pin.value = ""
        pin.focus()
        self._error(message.text)

    @on(SignedIn)
    def _signed_in(self, message: SignedIn) -> None:
        self.dismiss(message.actor)

    def _error(self, text: str) -> None:
        self.query_one("#sign-in-error", Label).update(Text(text))

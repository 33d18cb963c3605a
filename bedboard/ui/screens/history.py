"""History: what happened to a unit or to a guest, newest first, from the audit log.

Opens on the unit selected on the board; `g` switches to the guest staying there, `u` back to
the unit, and any unit (SITE/UNIT) or guest code can be typed. Guests appear by code only: the
audit log never holds a name."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.markup import escape
from textual.message import Message
from textual.widgets import DataTable, Input, Label

from bedboard import formats
from bedboard.i18n import N_, _, ngettext
from bedboard.services.safety.history import HistoryLine, guest_history, unit_history
from bedboard.store import Store
from bedboard.ui.audit_words import action_word
from bedboard.ui.clock import Clock
from bedboard.ui.screens.base import LiveScreen
from bedboard.ui.widgets.key_bar import KeyBar
from bedboard.ui.widgets.notice import Notice

HELP = N_(
    """\
# History

Every change to a unit or a guest, newest first: when, who, what, and the details, read from
the audit log (which cannot be changed; `bedboard audit verify` checks it).
Type a unit as `SITE/UNIT` (like `Hvilan/12`) or a guest code and press Enter.
"""
)


@dataclass
class HistoryLoaded(Message):
    query: str
    lines: list[HistoryLine]


class HistoryScreen(LiveScreen):
    HELP = HELP
    DEFAULT_CSS = """
    HistoryScreen #history { height: 1fr; }
    HistoryScreen #history-query { width: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Board"), id="history-back"),
        Binding("u", "show_unit", N_("Unit"), id="history-unit"),
        Binding("g", "show_guest", N_("Guest"), id="history-guest"),
    ]

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        super().__init__(store, clock)
        self.unit_ref = ""
        self.guest_code = ""
        self.query_text = ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Label("[b]" + escape(_("History")) + "[/b]", id="title")
        yield Input(placeholder=_("SITE/UNIT or guest code, then Enter"), id="history-query")
        yield Notice(id="history-note")
        yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("When"), _("Who"), _("What"), _("Where"), _("Details"))
        self._remember_board_selection()
        start = self.unit_ref or self.guest_code
        if start:
            self.show(start)  # the first read (started after this) reads it
            table.focus()
        else:
            self.query_one(Input).focus()

    def _remember_board_selection(self) -> None:
        """The unit selected on the nearest screen underneath (rack or board), and its guest."""
        for screen in reversed(self.app.screen_stack):
            if screen is self:
                continue
            unit = getattr(screen, "selected_unit", None)
            if unit is not None and hasattr(unit, "ref"):
                self.unit_ref = unit.ref
                self.guest_code = getattr(unit, "guest_code", "") or ""
                return

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_unit":
            return bool(self.unit_ref)
        if action == "show_guest":
            return bool(self.guest_code)
        return True

    def action_show_unit(self) -> None:
        self.show(self.unit_ref)

    def action_show_guest(self) -> None:
        self.show(self.guest_code)

    @on(Input.Submitted, "#history-query")
    def _typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.show(event.value.strip())
            self.query_one(DataTable).focus()

    def show(self, query: str) -> None:
        self.query_text = query
        self.query_one(Input).value = query
        self.load()

    def read(self, session: Session) -> HistoryLoaded | None:
        """A unit if it has a '/', else a guest code."""
        query = self.query_text
        if not query:
            return None
        lines = unit_history(session, query) if "/" in query else guest_history(session, query)
        return HistoryLoaded(query, lines)

    @on(HistoryLoaded)
    def _loaded(self, message: HistoryLoaded) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for line in message.lines:
            table.add_row(
                # the board's clock (fixed in tests): every time on screen is one wall clock
                formats.stamp(self.clock.local_time_of(line.at_utc))
                if line.at_utc is not None
                else line.at,
                Text(line.actor),
                Text(action_word(line.action)),
                Text(line.target.split(":", 1)[-1]),
                Text(line.detail),
                key=str(line.entry_id),
            )
        what = _("unit") if "/" in message.query else _("guest")
        count = len(message.lines)
        entries = ngettext("{n} entry", "{n} entries", count).format(n=count)
        title = escape(_("History"))
        self.query_one("#title", Label).update(
            f"[b]{title}[/b] · {escape(what)} {escape(message.query)} · {escape(entries)}"
        )
        self.say("" if count else _("nothing recorded yet"))
        self.refresh_bindings()

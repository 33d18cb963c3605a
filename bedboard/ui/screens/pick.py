"""Choose one of a few things from a list: arrows and Enter, or the key shown beside an entry
(the same key that does it on the screen underneath), Esc to cancel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from bedboard.i18n import N_


class PickScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="pick-cancel")]

    def __init__(
        self,
        title: str,
        options: Sequence[tuple[str, str]],
        keys: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.options = list(options)  # (label, id)
        self.keys = dict(keys or {})  # key -> id: pressing it chooses that entry

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text, style="bold"))
            yield OptionList(*(Option(Text(label), id=key) for label, key in self.options))

    def on_key(self, event: events.Key) -> None:
        chosen = self.keys.get(event.key)
        if chosen is not None:
            event.stop()
            self.dismiss(chosen)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)

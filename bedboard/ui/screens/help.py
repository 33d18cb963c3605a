"""F1: what this screen is for and the keys that work on it right now."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

from bedboard.i18n import N_, _


def keys_table(screen: Screen) -> str:
    rows = ["| " + _("key") + " | " + _("does") + " |", "| --- | --- |"]
    seen = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.show or not binding.description or binding.description in seen:
            continue
        seen.add(binding.description)
        shown = screen.app.get_key_display(binding).replace("|", "\\|")
        rows.append(f"| `{shown}` | {_(binding.description)} |")
    return "\n".join(rows)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "app.pop_screen", N_("Close help"), id="help-close")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    @classmethod
    def for_screen(cls, screen: Screen) -> HelpScreen:
        about = getattr(screen, "HELP", "") or ""  # N_() marked; translated here
        return cls(
            (_(about).strip() if about else "")  # _("") would be the catalog's header
            + "\n\n## "
            + _("Keys that work here now")
            + f"\n\n{keys_table(screen)}\n\n"
            + _("Ctrl+P lists every action by name. Esc, F1 or q closes this help.")
        )

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Markdown(self.text)

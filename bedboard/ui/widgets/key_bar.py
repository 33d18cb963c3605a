"""The keys that work right now, wrapped over as many lines as they need. Textual's Footer is
one line and cuts keys off in an 80-column terminal; at 3 a.m. every working key must show."""

from __future__ import annotations

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from bedboard.i18n import _

KEY_STYLE = "bold $footer-key-foreground"


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
        max-height: 4;
        background: $footer-background;
        color: $footer-foreground;
        padding: 0 1;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.show_keys)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self.show_keys)

    def show_keys(self) -> None:
        if not self.is_attached or not self.is_mounted:
            return  # called after a refresh, but the screen was closed meanwhile
        # Keys of one Binding.Group show once, together: "[ ] Night".
        entries: dict[object, tuple[list[str], str]] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not binding.description or not active.enabled:
                continue
            name = binding.group if binding.group is not None else binding.action
            # descriptions are N_() marked at class level; translated now, in today's language
            description = _(binding.group.description if binding.group else binding.description)
            keys, _description = entries.setdefault(name, ([], description))
            key = self.app.get_key_display(binding)
            if key not in keys:
                keys.append(key)
        parts: list[str | tuple[str, str]] = []
        for keys, description in entries.values():
            parts.append((" ".join(keys), KEY_STYLE))
            parts.append(f" {description}  ")
        parts.extend([("^p", KEY_STYLE), " " + _("All actions")])
        self.update(Content.assemble(*parts))

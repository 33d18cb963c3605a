"""The keys that work right now, wrapped over as many lines as the bar may take. Textual's
Footer is one line and cuts keys off in an 80-column terminal; at 3 a.m. every working key must
show, or the bar must say how many more are under ctrl+p (the palette lists every action with
its key). A small laptop terminal (60x20) cannot give the bar six lines without hiding the
places, so the bar takes at most a fifth of the terminal's height (4 lines at 20 rows, 5 at
24, where every Swedish key then shows), keeps each key next to its word (never "a" at the end
of one line and "Free only" on the next), and when the keys do not fit it drops the last ones
(the other screens' keys come last; the selected place's actions come first) and its last
entry says "^p All actions (+5 more)". Nothing is cut silently."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from bedboard.i18n import _

KEY_STYLE = "bold $footer-key-foreground"
SHARE_OF_HEIGHT = 5  # the bar takes at most 1/5 of the terminal's lines (rounded up)
MIN_LINES = 2
GAP = "  "  # between two entries on one line

Entry = tuple[str, str]  # the key(s) as shown, and what they do


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
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

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.show_keys)

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self.show_keys)

    def entries(self) -> list[Entry]:
        """Every key that works on this screen now, in the order the screen gave them."""
        # Keys of one Binding.Group show once, together: "[ ] Night".
        found: dict[object, tuple[list[str], str]] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not binding.description or not active.enabled:
                continue
            name = binding.group if binding.group is not None else binding.action
            # descriptions are N_() marked at class level; translated now, in today's language
            description = _(binding.group.description if binding.group else binding.description)
            keys, _description = found.setdefault(name, ([], description))
            key = self.app.get_key_display(binding)
            if key not in keys:
                keys.append(key)
        return [(" ".join(keys), description) for keys, description in found.values()]

    def show_keys(self) -> None:
        if not self.is_attached or not self.is_mounted:
            return  # called after a refresh, but the screen was closed meanwhile
        lines = fit(self.entries(), self.size.width, max_lines(self.app.size.height))
        parts: list[str | tuple[str, str]] = []
        for number, line in enumerate(lines):
            if number:
                parts.append("\n")
            for index, (key, description) in enumerate(line):
                parts.extend([GAP if index else "", (key, KEY_STYLE), " " + description])
        self.update(Content.assemble(*parts))


def max_lines(height: int) -> int:
    return max(MIN_LINES, -(-height // SHARE_OF_HEIGHT))


def all_actions(hidden: int) -> Entry:
    if not hidden:
        return ("^p", _("All actions"))
    return ("^p", _("All actions (+{n} more)").format(n=hidden))


def lines_of(entries: list[Entry], width: int) -> list[list[Entry]]:
    """Entries filled into lines of `width` cells, an entry never split over two lines."""
    lines: list[list[Entry]] = [[]]
    used = 0
    for key, description in entries:
        size = cell_len(f"{key} {description}")
        if lines[-1] and used + cell_len(GAP) + size > width:
            lines.append([])
            used = 0
        used += (cell_len(GAP) if lines[-1] else 0) + size
        lines[-1].append((key, description))
    return lines


def fit(entries: list[Entry], width: int, max_lines: int) -> list[list[Entry]]:
    """As many entries as fit in `max_lines`, from the first, and then ctrl+p: plain when every
    key shows, with the number of keys left out when some do not."""
    if width <= 0:  # not laid out yet: everything, on one line
        return [[*entries, all_actions(0)]]
    for shown in range(len(entries), -1, -1):
        lines = lines_of([*entries[:shown], all_actions(len(entries) - shown)], width)
        if len(lines) <= max_lines:
            return lines
    return lines

"""A checkbox whose state is a mark, not a colour: `X` when on, empty when off. Textual's own
checkbox draws an `X` either way and tells on from off by colour alone, which a monochrome
terminal or NO_COLOR cannot show."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class MarkCheckbox(Checkbox):
    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "X" if self.value else " "
        return super()._button

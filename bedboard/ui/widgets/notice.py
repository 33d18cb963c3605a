"""One line under a screen's content: why the last read failed, or a short note about what is
shown. It takes no room while it has nothing to say, and says a failure in words (the red is
only a second cue)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class Notice(Static):
    DEFAULT_CSS = """
    Notice {
        height: auto;
        padding: 0 1;
        display: none;
    }
    Notice.-shown { display: block; }
    Notice.-error { color: $error; text-style: bold; }
    """

    def __init__(self, *, id: str = "notice") -> None:
        super().__init__("", id=id)
        self.text = ""
        self.error = False

    def say(self, text: str, *, error: bool = False) -> None:
        self.text, self.error = text, error
        self.set_class(bool(text), "-shown")
        self.set_class(error, "-error")
        self.update(Text(text))

    def clear_error(self) -> None:
        """A read went through: a failure said before is no longer true."""
        if self.error:
            self.say("")

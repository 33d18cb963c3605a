"""A small form as a modal: the fields an action needs, checked for shape (numbers, dates)
before it closes. It hands back plain values; the screen that opened it calls the service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from bedboard.i18n import N_, _
from bedboard.ui.widgets.mark_checkbox import MarkCheckbox

FieldKind = Literal["text", "int", "date", "select", "check", "secret"]


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: FieldKind = "text"
    default: Any = ""
    options: Sequence[tuple[str, Any]] = ()  # (label, value) for select
    required: bool = False
    suggester: Suggester | None = None
    low: int = 1  # for int
    high: int = 366
    prompt: str = N_("(none)")  # what an empty select says; translated where shown
    placeholder: str = ""


MIN_LABEL_WIDTH = 18  # the tcss width; the widest label widens every label of its form


def label_text(f: Field) -> str:
    return f.label + (" *" if f.required else "")


def payer_field(payers: Sequence[str], *, unbilled: str = "") -> Field:
    """Who pays, one of `payers`: required, unless `unbilled` says what choosing none means."""
    options = [(p, p) for p in payers]
    if unbilled:
        return Field("payer", _("Payer"), "select", options=options, prompt=unbilled)
    return Field("payer", _("Payer"), "select", options=options, required=True)


class FormScreen(ModalScreen[dict[str, Any] | None]):
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="form-cancel"),
        Binding("ctrl+s", "submit", N_("Save"), id="form-save"),
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[Field],
        submit: str,
        intro: str = "",
        check: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        """`check`: a rule across fields (two PINs that must agree), run on the values before
        the form closes; a ValueError is shown under the fields and the form stays open."""
        super().__init__()
        self.title_text = title
        self.fields = list(fields)
        self.submit_label = submit
        self.intro = intro
        self.check = check
        widest = max((cell_len(label_text(f)) for f in self.fields if f.kind != "check"), default=0)
        self.label_width = max(MIN_LABEL_WIDTH, widest + 1)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form"):
            yield Label(Text(self.title_text, style="bold"), classes="form-title")
            if self.intro:
                yield Static(Text(self.intro), classes="intro")
            for f in self.fields:
                yield from self._field(f)
            yield Label("", id="form-error")
            with Horizontal(classes="buttons"):
                yield Button(
                    _("{submit_label} (Enter, ^s)").format(submit_label=self.submit_label),
                    variant="primary",
                    id="submit",
                    compact=True,
                )
                yield Button(_("Cancel (Esc)"), id="cancel", compact=True)

    def _field(self, f: Field) -> ComposeResult:
        """One line per field, label on the left: the whole form fits in 80x24."""
        widget_id = f"field-{f.name}"
        with Horizontal(classes="field"):
            if f.kind == "check":
                yield self._label("")
                yield MarkCheckbox(f.label, value=bool(f.default), id=widget_id, compact=True)
                return
            yield self._label(label_text(f))
            if f.kind == "select":
                yield Select(
                    [(Text(label), value) for label, value in f.options],
                    value=f.default if f.default != "" else Select.NULL,
                    allow_blank=True,
                    prompt=_(f.prompt),
                    id=widget_id,
                    compact=True,
                )
                return
            yield Input(
                value=str(f.default) if f.default != "" else "",
                placeholder="YYYY-MM-DD" if f.kind == "date" else f.placeholder,
                type="integer" if f.kind == "int" else "text",
                password=f.kind == "secret",
                suggester=f.suggester,
                id=widget_id,
                compact=True,
            )

    def _label(self, text: str) -> Label:
        """Labels as wide as the form's widest, so a long (Swedish) one never runs into its
        value: 'Frågade vid boende' filled the fixed 18 cells: 'Frågade vid boendeHvilan'."""
        label = Label(text, classes="field-label")
        label.styles.width = self.label_width
        return label

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False  # steady: what is typed goes here (and snapshots agree)
        first = self.query("Input, Select, Checkbox").first()
        first.focus()

    @on(Input.Submitted)
    def _enter(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        values: dict[str, Any] = {}
        for f in self.fields:
            try:
                values[f.name] = self._value(f)
            except ValueError as exc:
                self.show_error(str(exc))
                self.query_one(f"#field-{f.name}").focus()
                return
        if self.check is not None:
            try:
                self.check(values)
            except ValueError as exc:
                self.show_error(str(exc))
                self._type_secrets_again()
                return
        self.dismiss(values)

    def _type_secrets_again(self) -> None:
        """Masked fields cannot be read back to find the typo: empty them, from the first."""
        secrets = [self.query_one(f"#field-{f.name}", Input) for f in self.fields
                   if f.kind == "secret"]  # fmt: skip
        for field in secrets:
            field.value = ""
        if secrets:
            secrets[0].focus()

    def show_error(self, text: str) -> None:
        """One line under the fields: what is wrong with them, or a failed lookup."""
        self.query_one("#form-error", Label).update(f"[$state-bad]{escape(text)}[/]")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def _value(self, f: Field) -> Any:
        widget_id = f"#field-{f.name}"
        if f.kind == "check":
            return self.query_one(widget_id, Checkbox).value
        if f.kind == "select":
            value = self.query_one(widget_id, Select).value
            if value is Select.NULL:
                if f.required:
                    raise ValueError(_("choose {lower}").format(lower=f.label.lower()))
                return None
            return value
        text = self.query_one(widget_id, Input).value.strip()
        if not text:
            if f.required:
                raise ValueError(_("{label} is needed").format(label=f.label))
            return None if f.kind in ("int", "date") else ""
        if f.kind == "int":
            try:
                number = int(text)
            except ValueError:
                raise ValueError(
                    _("{label} must be a whole number").format(label=f.label)
                ) from None
            if not f.low <= number <= f.high:
                raise ValueError(
                    _("{label} must be from {low} to {high}").format(
                        label=f.label, low=f.low, high=f.high
                    )
                )
            return number
        if f.kind == "date":
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                raise ValueError(
                    _("{label}: {text!r} is not a date like 2026-11-27").format(
                        label=f.label, text=text
                    )
                ) from None
        return text

"""Export from the board: pick what to export, the night or period and the file; the file is
written in a thread worker (streamed, renamed into place when complete) with a progress bar,
and the screen says where it went."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, Label, ProgressBar, Select, Static

from bedboard.config import export_folder
from bedboard.errors import BedboardError
from bedboard.services.clock import parse_night
from bedboard.services.exports.kinds import KINDS, ExportKind, export_kind
from bedboard.services.exports.occupancy import write_export_file
from bedboard.store import Store
from bedboard.ui.clock import Clock


@dataclass
class ExportStarted(Message):
    total: int | None


@dataclass
class ExportProgress(Message):
    rows: int


@dataclass
class ExportFinished(Message):
    path: Path
    rows: int


@dataclass
class ExportFailed(Message):
    text: str


class ExportScreen(Screen[None]):
    DEFAULT_CSS = """
    ExportScreen #export-title { height: 1; width: 1fr; background: $panel; padding: 0 1; }
    ExportScreen #export-form { padding: 1 2; height: auto; }
    ExportScreen .field { height: auto; margin-bottom: 1; }
    ExportScreen .field Label { width: 12; padding: 1 1 0 0; }
    ExportScreen #export-kind { width: 1fr; }
    ExportScreen #export-first, ExportScreen #export-last { width: 16; }
    ExportScreen #export-path { width: 1fr; }
    ExportScreen #export-progress { margin: 1 0; }
    ExportScreen #export-result { height: auto; }
    ExportScreen #export-result.error { color: $error; }
    """
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="export-back")]

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        super().__init__()
        self.store = store
        self._clock = clock
        self.running = False
        self.last_written: Path | None = None
        self._suggested: str | None = None

    @property
    def clock(self) -> Clock:
        return self._clock or getattr(self.app, "clock", None) or Clock()

    def compose(self) -> ComposeResult:
        tonight = self.store.tonight(self.clock.local())
        yield Label("Export a CSV file (UTF-8)", id="export-title")
        with Vertical(id="export-form"):
            with Horizontal(classes="field"):
                yield Label("What")
                yield Select(
                    [(k.title, k.name) for k in KINDS],
                    value=KINDS[0].name,
                    allow_blank=False,
                    id="export-kind",
                )
            with Horizontal(classes="field"):
                yield Label("Night/from")
                yield Input(tonight.isoformat(), placeholder="2026-11-27", id="export-first")
                yield Label("  to")
                yield Input(tonight.isoformat(), placeholder="2026-11-27", id="export-last")
            with Horizontal(classes="field"):
                yield Label("File")
                yield Input("", id="export-path")
            with Horizontal(classes="field"):
                yield Checkbox("Excel (adds a BOM so Excel shows å, ä, ö)", id="export-excel")
                yield Button("Export", variant="primary", id="export-go")
            yield ProgressBar(total=None, show_eta=False, id="export-progress")
            yield Static("", id="export-result")
        yield Footer()

    def on_mount(self) -> None:
        self._kind_changed()
        self.query_one("#export-kind", Select).focus()

    def kind(self) -> ExportKind:
        return export_kind(str(self.query_one("#export-kind", Select).value))

    def _dates(self) -> tuple[dt.date, dt.date]:
        first = parse_night(self.query_one("#export-first", Input).value, "the night")
        if self.kind().period != "range":
            return first, first
        last = parse_night(self.query_one("#export-last", Input).value, "the last night")
        return first, last

    @on(Select.Changed, "#export-kind")
    def _kind_changed(self) -> None:
        kind = self.kind()
        self.query_one("#export-first", Input).disabled = kind.period == "none"
        self.query_one("#export-last", Input).disabled = kind.period != "range"
        self._suggest_name()

    @on(Input.Changed, "#export-first, #export-last")
    def _suggest_name(self) -> None:
        """Keep the file name in step with the kind and dates until the user edits it."""
        path = self.query_one("#export-path", Input)
        if path.value and Path(path.value).name != self._suggested:
            return
        try:
            first, last = self._dates()
        except BedboardError:
            return
        self._suggested = self.kind().file_name(first, last)
        path.value = str(export_folder() / self._suggested)

    @on(Button.Pressed, "#export-go")
    @on(Input.Submitted)
    def start(self) -> None:
        if self.running:
            return
        result = self.query_one("#export-result", Static)
        try:
            first, last = self._dates()
            text = self.query_one("#export-path", Input).value.strip()
            if not text:
                raise BedboardError("name a file to write")
            path = Path(text).expanduser()
            if not path.is_absolute():
                path = export_folder() / path  # as suggested, not the current folder
        except BedboardError as exc:
            self._say(str(exc), error=True)
            return
        self.running = True
        self.query_one("#export-go", Button).disabled = True
        result.update(Text(f"Writing {path} …"))
        excel = self.query_one("#export-excel", Checkbox).value
        self.write(self.kind(), first, last, path, excel)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def write(
        self, kind: ExportKind, first: dt.date, last: dt.date, path: Path, excel: bool
    ) -> None:
        try:
            with self.store.read() as session:
                export = kind.build(session, first, last, self.store.settings.currency)
                self.post_message(ExportStarted(export.total))
                rows = write_export_file(
                    path,
                    export,
                    excel=excel,
                    progress=self._report_progress,
                    every=1000,
                )
        except BedboardError as exc:
            self.post_message(ExportFailed(str(exc)))
        except OSError as exc:
            self.post_message(ExportFailed(f"cannot write {path}: {exc.strerror or exc}"))
        else:
            self.post_message(ExportFinished(path, rows))

    def _report_progress(self, rows: int) -> None:
        self.post_message(ExportProgress(rows))  # post_message is safe from a thread

    @on(ExportStarted)
    def _started(self, message: ExportStarted) -> None:
        self.query_one(ProgressBar).update(total=message.total, progress=0)

    @on(ExportProgress)
    def _progress(self, message: ExportProgress) -> None:
        self.query_one(ProgressBar).update(progress=message.rows)

    @on(ExportFinished)
    def _finished(self, message: ExportFinished) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=max(message.rows, 1), progress=max(message.rows, 1))
        self.last_written = message.path
        self._say(f"Wrote {message.rows} row(s) to {message.path}")
        self.notify(
            f"{message.rows} row(s) in {message.path}", title="Export written", markup=False
        )

    @on(ExportFailed)
    def _failed(self, message: ExportFailed) -> None:
        self._say(f"Nothing written: {message.text}", error=True)

    def _say(self, text: str, error: bool = False) -> None:
        self.running = False
        self.query_one("#export-go", Button).disabled = False
        result = self.query_one("#export-result", Static)
        result.set_class(error, "error")
        result.update(Text(text))

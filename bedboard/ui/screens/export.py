"""Export from the board: pick what to export, the night or period and the file; the file is
written by the board's one file writer (streamed, renamed into place when complete) with a
progress bar, and the screen says where it went."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, Select
from textual.worker import Worker

from bedboard.config import export_folder
from bedboard.errors import BedboardError
from bedboard.i18n import N_, _
from bedboard.services.clock import parse_night
from bedboard.services.exports.kinds import KINDS, ExportKind, export_kind
from bedboard.store import Store
from bedboard.ui.clock import Clock
from bedboard.ui.file_writer import (
    FileRequest,
    FileWritten,
    WriteProgress,
    WriteStarted,
    file_path,
    write_file,
)
from bedboard.ui.screens.base import BoardBaseScreen
from bedboard.ui.widgets.key_bar import KeyBar
from bedboard.ui.widgets.mark_checkbox import MarkCheckbox
from bedboard.ui.widgets.notice import Notice

HELP = N_(
    """\
# Export

Writes one CSV file (UTF-8) that the coordinator sends on or opens in a spreadsheet:
occupancy for a night (per unit or per site), the billing basis or turnaways for a period,
or the inventory. The same files as `bedboard export ...` on the command line.

Choose what, the night or the first and last night, and the file; **Enter** or the Export
button writes it. The file appears only when it is complete. Tick **Excel** so Excel shows
å, ä and ö. Esc goes back to the board.
"""
)


class ExportScreen(BoardBaseScreen):
    HELP = HELP
    DEFAULT_CSS = """
    ExportScreen #export-title { height: 1; width: 1fr; background: $panel; padding: 0 1; }
    ExportScreen #export-form { padding: 1 2; height: auto; }
    ExportScreen .field { height: auto; margin-bottom: 1; }
    ExportScreen .field Label { width: 12; padding: 1 1 0 0; }
    ExportScreen #export-kind { width: 1fr; }
    ExportScreen #export-format { width: 32; }
    ExportScreen #export-first, ExportScreen #export-last { width: 16; }
    ExportScreen #export-path { width: 1fr; }
    ExportScreen #export-progress { margin: 1 0; }
    """
    BINDINGS = [Binding("escape", "app.pop_screen", N_("Board"), id="export-back")]

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        super().__init__(store, clock)
        self.running = False
        self._suggested: str | None = None

    def compose(self) -> ComposeResult:
        tonight = self.store.tonight(self.clock.local())
        yield Label(_("Export a file"), id="export-title")
        with Vertical(id="export-form"):
            with Horizontal(classes="field"):
                yield Label(_("What"))
                yield Select(
                    [(_(k.title), k.name) for k in KINDS],
                    value=KINDS[0].name,
                    allow_blank=False,
                    id="export-kind",
                )
            with Horizontal(classes="field"):
                yield Label(_("Night/from"))
                yield Input(tonight.isoformat(), placeholder="2026-11-27", id="export-first")
                yield Label("  " + _("to"))
                yield Input(tonight.isoformat(), placeholder="2026-11-27", id="export-last")
            with Horizontal(classes="field"):
                yield Label(_("Format"))
                yield Select(
                    [(_("Excel workbook (.xlsx)"), "xlsx"), (_("CSV text file"), "csv")],
                    value="csv",
                    allow_blank=False,
                    id="export-format",
                )
            with Horizontal(classes="field"):
                yield Label(_("File"))
                yield Input("", id="export-path")
            with Horizontal(classes="field"):
                yield MarkCheckbox(
                    _("Excel (adds a BOM so Excel shows å, ä, ö)"), id="export-excel"
                )
                yield Button(_("Export"), variant="primary", id="export-go")
            yield ProgressBar(total=None, show_eta=False, id="export-progress")
            yield Notice(id="export-result")
        yield KeyBar()

    def on_mount(self) -> None:
        self._kind_changed()
        self.query_one("#export-kind", Select).focus()

    def kind(self) -> ExportKind:
        return export_kind(str(self.query_one("#export-kind", Select).value))

    def _dates(self) -> tuple[dt.date, dt.date]:
        first = parse_night(self.query_one("#export-first", Input).value, _("the night"))
        if self.kind().period != "range":
            return first, first
        last = parse_night(self.query_one("#export-last", Input).value, _("the last night"))
        return first, last

    @on(Select.Changed, "#export-kind")
    def _kind_changed(self) -> None:
        kind = self.kind()
        self.query_one("#export-first", Input).disabled = kind.period == "none"
        self.query_one("#export-last", Input).disabled = kind.period != "range"
        self._suggest_name()

    def file_format(self) -> str:
        return str(self.query_one("#export-format", Select).value)

    @on(Select.Changed, "#export-format")
    def _format_changed(self) -> None:
        """The file's suffix follows the format; a BOM is only for CSV."""
        fmt = self.file_format()
        self.query_one("#export-excel", Checkbox).disabled = fmt == "xlsx"
        path = self.query_one("#export-path", Input)
        current = Path(path.value)
        if path.value and current.suffix.lower() in (".csv", ".xlsx"):
            renamed = current.with_suffix(f".{fmt}")
            if current.name == self._suggested:
                self._suggested = renamed.name
            path.value = str(renamed)
        self._suggest_name()

    @on(Input.Changed, "#export-path")
    def _path_changed(self) -> None:
        """A file name typed with .xlsx or .csv chooses the format."""
        suffix = Path(self.query_one("#export-path", Input).value).suffix.lower()
        chooser = self.query_one("#export-format", Select)
        if suffix in (".csv", ".xlsx") and chooser.value != suffix[1:]:
            chooser.value = suffix[1:]

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
        self._suggested = self.kind().file_name(first, last, f".{self.file_format()}")
        path.value = str(export_folder() / self._suggested)

    @on(Button.Pressed, "#export-go")
    @on(Input.Submitted)
    def start(self) -> None:
        if self.running:
            return
        try:
            first, last = self._dates()
            path = file_path(self.query_one("#export-path", Input).value)
        except BedboardError as exc:
            self.say(str(exc), error=True)
            return
        self._busy(True)
        self.say(_("Writing {path} …").format(path=path))
        excel = self.query_one("#export-excel", Checkbox).value
        write_file(self, FileRequest(self.kind(), first, last, path, excel))

    def _busy(self, running: bool) -> None:
        self.running = running
        self.query_one("#export-go", Button).disabled = running

    @on(WriteStarted)
    def _started(self, message: WriteStarted) -> None:
        self.query_one(ProgressBar).update(total=message.total, progress=0)

    @on(WriteProgress)
    def _progress(self, message: WriteProgress) -> None:
        self.query_one(ProgressBar).update(progress=message.rows)

    @on(FileWritten)
    def _finished(self, message: FileWritten) -> None:
        self._busy(False)
        done = max(message.rows, 1)
        self.query_one(ProgressBar).update(total=done, progress=done)

    def worker_failed(self, worker: Worker[Any], error: BaseException | None) -> None:
        self._busy(False)
        super().worker_failed(worker, error)

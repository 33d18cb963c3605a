"""One way to write a file from the board (the Export screen and Billing's `s` both use it).

A screen collects what to write and where (`FileRequest`); `write_file` writes it in a thread
worker of that screen: the whole file or nothing (renamed into place when complete), with
progress. Success comes back as a `FileWritten` message; a failure (a bad period, a folder
that takes no files) reaches the screen's one handler for failed workers, which says
"Nothing written" and why in one line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import Worker

from bedboard.config import export_folder
from bedboard.errors import BadInput, BedboardError
from bedboard.i18n import _
from bedboard.services.exports.export import write_export_file
from bedboard.services.exports.kinds import ExportKind

if TYPE_CHECKING:
    from bedboard.ui.screens.base import BoardBaseScreen

FILE_GROUP = "write-file"
PROGRESS_EVERY = 1000  # rows between progress messages


@dataclass(frozen=True)
class FileRequest:
    kind: ExportKind
    first: dt.date
    last: dt.date
    path: Path
    excel: bool = False


@dataclass
class WriteStarted(Message):
    total: int | None  # rows to come, when known


@dataclass
class WriteProgress(Message):
    rows: int


@dataclass
class FileWritten(Message):
    path: Path
    rows: int


def file_path(text: str) -> Path:
    """What was typed as a file name, as an absolute path (a bare name goes to the folder
    exports are suggested in, not the current folder)."""
    if not text.strip():
        raise BadInput(_("name a file to write"))
    path = Path(text.strip()).expanduser()
    return path if path.is_absolute() else export_folder() / path  # as suggested


def write_file(screen: BoardBaseScreen, request: FileRequest) -> Worker[None]:
    return screen.run_worker(
        partial(_write, screen, request),
        thread=True,
        exclusive=True,
        group=FILE_GROUP,
        exit_on_error=False,
    )


def _write(screen: BoardBaseScreen, request: FileRequest) -> None:
    store = screen.store
    try:
        with store.read() as session:
            export = request.kind.build(
                session, request.first, request.last, store.settings.currency
            )
            screen.post_message(WriteStarted(export.expected()))
            rows = write_export_file(
                request.path,
                export,
                excel=request.excel,
                progress=partial(_progress, screen),
                every=PROGRESS_EVERY,
            )
    except OSError as exc:
        text = _("cannot write {path}: {reason}").format(
            path=request.path, reason=exc.strerror or exc
        )
        raise BedboardError(text) from exc
    screen.post_message(FileWritten(request.path, rows))


def _progress(screen: BoardBaseScreen, rows: int) -> None:
    screen.post_message(WriteProgress(rows))  # post_message is safe from a thread

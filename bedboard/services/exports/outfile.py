"""Writing an export file so that nobody ever sees half of it under the real name."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from bedboard.errors import BadInput
from bedboard.i18n import _


@contextmanager
def atomic_text_file(path: Path | str) -> Iterator[IO[str]]:
    """UTF-8 text written to a temporary file beside the target and renamed into place when
    complete. The temporary file is private (0600): exports can name protected people."""
    target = Path(path)
    if target.is_dir():
        raise BadInput(_("{target} is a folder; name a file to write").format(target=target))
    if target.exists() and not target.is_file():  # /dev/stdout, a named pipe: write in place
        with target.open("w", encoding="utf-8", newline="") as stream:
            yield stream
        return
    if not target.parent.is_dir():
        raise BadInput(
            _("cannot write {target}: the folder {parent} does not exist").format(
                target=target, parent=target.parent
            )
        )
    try:
        fd, partial_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
        )
    except OSError as exc:  # a read-only or special folder: name the file the user gave
        raise BadInput(
            _("cannot write {target}: {value}").format(target=target, value=exc.strerror or exc)
        ) from exc
    partial = Path(partial_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def write_bytes_atomically(path: Path | str, data: bytes) -> None:
    """A finished binary file (PDF, xlsx) put in place the same way: private, whole or not at
    all under its real name."""
    target = Path(path)
    if target.is_dir():
        raise BadInput(_("{target} is a folder; name a file to write").format(target=target))
    if not target.parent.is_dir():
        raise BadInput(
            _("cannot write {target}: the folder {parent} does not exist").format(
                target=target, parent=target.parent
            )
        )
    try:
        fd, partial_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
        )
    except OSError as exc:
        raise BadInput(
            _("cannot write {target}: {value}").format(target=target, value=exc.strerror or exc)
        ) from exc
    partial = Path(partial_name)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)

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
def partial_file(path: Path | str) -> Iterator[Path]:
    """A private (0600: exports can name protected people) temporary file beside `path`, for
    the block to write; renamed onto `path` only when the block ends without an error. Every
    file the program writes for someone goes through here, text or binary."""
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
    except OSError as exc:  # a read-only or special folder: name the file the user gave
        raise BadInput(
            _("cannot write {target}: {value}").format(target=target, value=exc.strerror or exc)
        ) from exc
    os.close(fd)
    partial = Path(partial_name)
    try:
        yield partial
        with partial.open("rb+") as written:
            os.fsync(written.fileno())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


@contextmanager
def atomic_text_file(path: Path | str) -> Iterator[IO[str]]:
    """UTF-8 text written through `partial_file`, or in place to a special file."""
    target = Path(path)
    if target.exists() and not (target.is_file() or target.is_dir()):
        # /dev/stdout, a named pipe: nothing to rename, write in place
        with target.open("w", encoding="utf-8", newline="") as stream:
            yield stream
        return
    with partial_file(target) as partial, partial.open("w", encoding="utf-8", newline="") as stream:
        yield stream


def write_bytes_atomically(path: Path | str, data: bytes) -> None:
    """A finished binary file (PDF) put in place the same way: whole or not at all."""
    with partial_file(path) as partial:
        partial.write_bytes(data)

"""A mistyped --db must not become a new, empty database (#13, item 5).

Before the fix every command made the file and its folders, and then "recorded" a turnaway into
a database nobody else looked at. Now only `db upgrade`, `demo`, `import inventory` and the
board's first-run question make one; everything else refuses in one line, exit 2."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.support.cli import REPO, CliRunner

INVENTORY = "site,site_kind,area,room,unit,tags\nHvilan,shelter,Stockholm,1,1,\n"

REFUSING = [
    ["turnaway", "--reason", "no_free_unit"],
    ["availability"],
    ["checkin", "--unit", "Hvilan/1", "--guest", "G-1"],
    ["export", "occupancy"],
    ["payers", "list"],
    ["audit", "verify"],
    ["db", "check"],
    [],  # the board, with nobody at a terminal to ask
]


@pytest.mark.parametrize("args", REFUSING, ids=lambda a: " ".join(a) or "board")
def test_commands_refuse_a_missing_file_and_make_nothing(
    args: list[str], tmp_path: Path, cli_here: CliRunner
) -> None:
    typo = tmp_path / "shleter" / "bedboard.sqlite3"
    code, out, err = cli_here(*args, db=str(typo))
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bedboard: "), err
    assert str(typo) in lines[0] and "no database" in lines[0]
    assert out == ""
    assert not typo.parent.exists()  # not even the folder


@pytest.mark.parametrize("creator", ["db upgrade", "demo", "import inventory"])
def test_the_commands_that_make_a_database_still_do(
    creator: str, tmp_path: Path, cli_here: CliRunner
) -> None:
    db = tmp_path / "new" / "bedboard.sqlite3"
    args = creator.split()
    if creator == "import inventory":
        (tmp_path / "units.csv").write_text(INVENTORY, encoding="utf-8")
        args.append(str(tmp_path / "units.csv"))
    code, _, err = cli_here(*args, db=str(db))
    assert code == 0, err
    assert db.is_file()
    code, _out, err = cli_here("availability", db=str(db))
    assert code == 0, err


def _board_in_a_terminal(
    db: Path | None, answer: bytes, env: dict[str, str], made: Path
) -> tuple[int, str]:
    """`bedboard [--db DB]` on a real pseudo-terminal, answering its first question. When the
    answer makes the database, wait until the board has made `made`, then stop it."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "bedboard", *(["--db", str(db)] if db else [])],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm", **env},
        cwd=REPO,
        close_fds=True,
    )
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 30
    try:
        while b"[y/N]" not in seen and b"[Y/n]" not in seen and time.monotonic() < deadline:
            if select.select([leader], [], [], 0.5)[0]:
                seen += os.read(leader, 4096)
        if b"[y/N]" not in seen and b"[Y/n]" not in seen:
            return -1, seen.decode(errors="replace")  # never asked
        os.write(leader, answer)
        if answer != b"n\r":
            while not made.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(2)  # the board is up on it
            process.terminate()
        try:
            while select.select([leader], [], [], 30)[0] and (chunk := os.read(leader, 4096)):
                seen += chunk
        except OSError:  # the terminal closed with the process
            pass
        return process.wait(timeout=30), seen.decode(errors="replace")
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)


def test_the_board_asks_before_it_makes_a_database(tmp_path: Path) -> None:
    typo = tmp_path / "shleter" / "bedboard.sqlite3"
    code, screen = _board_in_a_terminal(typo, b"n\r", {}, typo)
    assert "There is no database at" in screen
    assert "[y/N]" in screen  # a path someone typed: making it is not the default
    assert code == 2
    assert not typo.parent.exists()


def test_a_first_run_makes_the_default_database_when_asked(tmp_path: Path) -> None:
    """README's first command, `make run` on a fresh machine: the board offers to make the
    default database (yes by default) and then opens on it."""
    env = {
        "BEDBOARD_DB": "",
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    default = tmp_path / "data" / "bedboard" / "bedboard.sqlite3"
    _, screen = _board_in_a_terminal(None, b"\r", env, default)  # Enter takes the default
    assert "[Y/n]" in screen
    assert default.is_file()
    assert default.parent.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize(
    "args", [["availability"], ["demo"], ["db", "upgrade"], ["db", "encrypt"]], ids=" ".join
)
def test_a_folder_given_as_the_database_is_named_as_one(
    args: list[str], tmp_path: Path, cli_here: CliRunner
) -> None:
    """`--db /media/usb` (the stick, not the file on it) said "database error: unable to open
    database file", exit 1, even for the commands that make a database."""
    code, out, err = cli_here(*args, db=str(tmp_path))
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "is a folder" in lines[0] and str(tmp_path) in lines[0], err
    assert out == "" and list(tmp_path.iterdir()) == []

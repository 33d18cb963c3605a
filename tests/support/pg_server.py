"""A throwaway PostgreSQL server for one test session.

Each :class:`PostgresServer` gets its own temporary directory (data, unix socket, log) and its own
free TCP port on 127.0.0.1, so parallel test runs on one machine never share or collide with a
cluster. The server is tuned for speed, not durability, and trusts every local connection.

``initdb`` and ``pg_ctl`` refuse to run as root: when the tests run as root, the directory is
handed to the ``postgres`` system user (created by Debian's ``postgresql`` package) and the server
binaries are run as that user.
"""

from __future__ import annotations

import atexit
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

SERVER_BINARIES = ("initdb", "pg_ctl", "postgres")
DEBIAN_PG_ROOT = Path("/usr/lib/postgresql")
BIN_ENV_VAR = "BEDBOARD_PG_BIN"
SUPERUSER = "postgres"
_SERVER_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
}
_START_ATTEMPTS = 3  # a new port each time, in case another process grabbed ours


class PostgresServerError(RuntimeError):
    """The throwaway server could not be set up, started or used."""


def _has_server_binaries(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in SERVER_BINARIES)


def _version_key(bindir: Path) -> tuple[int, ...]:
    """``/usr/lib/postgresql/15/bin`` -> ``(15,)``; non-numeric versions sort first."""
    return tuple(int(p) if p.isdigit() else -1 for p in bindir.parent.name.split("."))


def find_binaries() -> Path | None:
    """Return the bin directory holding ``initdb``, ``pg_ctl`` and ``postgres``, or None.

    Looks at ``$BEDBOARD_PG_BIN`` first (an error if set but wrong), then the newest
    ``/usr/lib/postgresql/*/bin`` (Debian/Ubuntu), then ``PATH``. ``pg_config --bindir`` is not
    used: on Debian it points at the client-only binaries.
    """
    if override := os.environ.get(BIN_ENV_VAR):
        bindir = Path(override)
        if not _has_server_binaries(bindir):
            raise PostgresServerError(
                f"${BIN_ENV_VAR}={override} does not contain {', '.join(SERVER_BINARIES)}"
            )
        return bindir
    candidates = sorted(DEBIAN_PG_ROOT.glob("*/bin"), key=_version_key, reverse=True)
    for bindir in candidates:
        if _has_server_binaries(bindir):
            return bindir
    initdb = shutil.which("initdb")
    if initdb and _has_server_binaries(Path(initdb).resolve().parent):
        return Path(initdb).resolve().parent
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres_user() -> list[str]:
    """Command prefix that runs a program as the ``postgres`` system user (needs root)."""
    if runuser := shutil.which("runuser"):
        return [runuser, "-u", SUPERUSER, "--"]
    return ["setpriv", f"--reuid={SUPERUSER}", f"--regid={SUPERUSER}", "--init-groups"]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class PostgresServer:
    """A private PostgreSQL cluster: ``start()``, ``create_database()``, ..., ``stop()``."""

    def __init__(self, bindir: Path | None = None) -> None:
        found = bindir or find_binaries()
        if found is None:
            raise PostgresServerError("PostgreSQL server binaries not found")
        self.bindir = found
        self.port: int | None = None
        self.base_dir: Path | None = None
        self._as_root = os.geteuid() == 0

    # -- paths -------------------------------------------------------------------------------

    def _dir(self, name: str) -> Path:
        if self.base_dir is None:
            raise PostgresServerError("server not started")
        return self.base_dir / name

    @property
    def data_dir(self) -> Path:
        return self._dir("data")

    @property
    def socket_dir(self) -> Path:
        return self._dir("socket")

    @property
    def log_file(self) -> Path:
        return self._dir("postgres.log")

    # -- running the binaries ----------------------------------------------------------------

    def _run(self, binary: str, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a server binary, as the ``postgres`` user when we are root."""
        prefix = _as_postgres_user() if self._as_root else []
        cmd = [*prefix, str(self.bindir / binary), *args]
        # Leftover PG* variables (PGDATA, PGPORT, ...) must not steer our private cluster.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        return subprocess.run(
            cmd, cwd=self.base_dir, env=env, capture_output=True, text=True, check=False
        )

    def _make_base_dir(self) -> Path:
        base = Path(tempfile.mkdtemp(prefix="bedboard-pg-"))
        if self._as_root:
            try:
                user = pwd.getpwnam(SUPERUSER)
            except KeyError:
                shutil.rmtree(base)
                raise PostgresServerError(
                    f"running as root needs a '{SUPERUSER}' system user to run the server as"
                    " (the Debian 'postgresql' package creates it)"
                ) from None
            os.chown(base, user.pw_uid, user.pw_gid)
        return base

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.port is not None

    def start(self) -> PostgresServer:
        if self.running:
            return self
        self.base_dir = self._make_base_dir()
        atexit.register(self.stop)
        try:
            self._initdb()
            self._dir("socket").mkdir()
            if self._as_root:
                shutil.chown(self.socket_dir, SUPERUSER, SUPERUSER)
            self._start_postmaster()
        except BaseException:
            self.stop()
            raise
        return self

    def _initdb(self) -> None:
        result = self._run(
            "initdb", "-D", str(self.data_dir), "-U", SUPERUSER, "--auth=trust",
            "--encoding=UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        if result.returncode != 0:
            raise PostgresServerError(f"initdb failed:\n{result.stdout}{result.stderr}")

    def _pg_ctl_start(self, port: int) -> subprocess.CompletedProcess[str]:
        options = ["-p", str(port), "-k", str(self.socket_dir)]
        options += ["-c", "listen_addresses=127.0.0.1"]
        for key, value in _SERVER_SETTINGS.items():
            options += ["-c", f"{key}={value}"]
        return self._run(
            "pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data_dir),
            "-l", str(self.log_file), "-o", shlex.join(options),
        )  # fmt: skip

    def _start_postmaster(self) -> None:
        for _ in range(_START_ATTEMPTS):
            port = _free_port()
            result = self._pg_ctl_start(port)
            if result.returncode == 0:
                self.port = port
                return
            if "could not bind" not in _tail(self.log_file, 10):
                break
        raise PostgresServerError(
            f"PostgreSQL failed to start:\n{result.stdout}{result.stderr}\n"
            f"--- server log (tail) ---\n{_tail(self.log_file)}"
        )

    # -- outages, for tests of what clients do meanwhile -------------------------------------

    def halt(self) -> None:
        """Stop the server but keep its data and port: clients see connections refused."""
        result = self._run("pg_ctl", "stop", "-m", "fast", "-w", "-D", str(self.data_dir))
        if result.returncode != 0:
            raise PostgresServerError(f"pg_ctl stop failed:\n{result.stdout}{result.stderr}")

    def resume(self) -> None:
        """Start a halted server again on the same port."""
        if self.port is None:
            raise PostgresServerError("server not started")
        result = self._pg_ctl_start(self.port)
        if result.returncode != 0:
            raise PostgresServerError(f"restart failed:\n{result.stdout}{result.stderr}")

    def server_pids(self) -> list[int]:
        """The postmaster and every process it started (backends, checkpointer, ...)."""
        pid_file = self.data_dir / "postmaster.pid"
        postmaster = int(pid_file.read_text().split()[0])
        pids = [postmaster]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # the process ended meanwhile
            if int(fields[1]) == postmaster:  # field 4 of stat: the parent's pid
                pids.append(int(stat.parent.name))
        return pids

    def freeze(self) -> None:
        """SIGSTOP this server's processes: connections stay open, and nothing answers (a
        frozen virtual machine, a network that stopped carrying packets)."""
        for pid in self.server_pids():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        """SIGCONT what freeze() stopped."""
        for pid in self.server_pids():
            os.kill(pid, signal.SIGCONT)

    def stop(self) -> None:
        """Kill the server (no clean shutdown needed) and remove its directory. Idempotent."""
        atexit.unregister(self.stop)
        if self.base_dir is None:
            return
        if (self.data_dir / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-m", "immediate", "-w", "-D", str(self.data_dir))
        shutil.rmtree(self.base_dir, ignore_errors=True)
        self.base_dir = None
        self.port = None

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- databases ---------------------------------------------------------------------------

    def url(self, dbname: str) -> str:
        """SQLAlchemy URL for ``dbname`` on this server, as the ``postgres`` superuser."""
        if self.port is None:
            raise PostgresServerError("server not started")
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def _admin(self) -> psycopg.Connection:
        if self.port is None:
            raise PostgresServerError("server not started")
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        )

    def create_database(self) -> str:
        """Create a fresh, uniquely named database and return its SQLAlchemy URL."""
        name = f"test_{uuid.uuid4().hex[:16]}"
        with self._admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop the database named by ``url``, disconnecting anyone still using it."""
        name = make_url(url).database
        if not name:
            raise ValueError(f"no database name in {url!r}")
        with self._admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

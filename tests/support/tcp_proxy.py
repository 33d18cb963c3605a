"""A TCP proxy in the test's own process, between a client and the real PostgreSQL server, that
can be told to stop carrying packets without closing anything: a network that went quiet.

`blackhole()` stops relaying in both directions (and holds new connections): the sockets stay
open, nothing is refused or reset, every question simply goes unanswered, as when a cable is
pulled between two routers or a laptop's Wi-Fi drops. `restore()` relays again, and what was
held is delivered then, as TCP's retransmissions would. Unlike SIGSTOP it leaves the server
running: only this path to it is quiet (another client, connected directly, still gets answers).
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from types import TracebackType

SLICE = 0.05  # how often a relay looks at the switch


class BlackholeProxy:
    def __init__(self, target_port: int | None, target_host: str = "127.0.0.1") -> None:
        if target_port is None:
            raise ValueError("the server is not running")
        self.target: tuple[str, int] = (target_host, target_port)
        self._carrying = threading.Event()
        self._carrying.set()
        self._stopped = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    def url_for(self, url: str) -> str:
        """The same database URL, through this proxy."""
        return url.replace(f":{self.target[1]}/", f":{self.port}/")

    def blackhole(self) -> None:
        self._carrying.clear()

    def restore(self) -> None:
        self._carrying.set()

    def close(self) -> None:
        self._stopped.set()
        self._carrying.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.close()
            self._sockets.clear()

    def __enter__(self) -> BlackholeProxy:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _address = self._listener.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        # A new connection during a blackhole waits, like a SYN that gets no answer.
        while not self._carrying.wait(SLICE):
            if self._stopped.is_set():
                client.close()
                return
        try:
            server = socket.create_connection(self.target)
        except OSError:
            client.close()
            return
        with self._lock:
            self._sockets += [client, server]
        self._relay(client, server)

    def _relay(self, a: socket.socket, b: socket.socket) -> None:
        """Both directions in one thread; while blackholed nothing is read, so nothing moves
        and nothing is lost."""
        peer = {a: b, b: a}
        try:
            while not self._stopped.is_set():
                if not self._carrying.is_set():
                    self._carrying.wait(SLICE)
                    continue
                ready, _w, _x = select.select([a, b], [], [], SLICE)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    peer[sock].sendall(data)
        except OSError:
            return
        finally:
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.close()

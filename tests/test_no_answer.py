"""A write the desk stopped waiting for must not commit when the network comes back (#13,
item 2). The board gives up on a change after a while without an answer and says it is not
confirmed; the thread that was waiting then gets its answers late, and must roll back instead of
booking a bed the person at the desk has since found elsewhere. Through a proxy that stops
carrying packets, in front of the session's real PostgreSQL server."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from bedboard.config import Settings
from bedboard.db.models import Revision
from bedboard.errors import NoAnswer
from bedboard.store import Deadline, Store, open_store
from tests.support.pg_server import PostgresServer
from tests.support.tcp_proxy import BlackholeProxy


@pytest.mark.parametrize("given_up", [True, False])
def test_a_write_answered_after_its_deadline_rolls_back(
    postgres_server: PostgresServer, postgres_url: str, given_up: bool
) -> None:
    direct = open_store(Settings(db=postgres_url, user="t"))
    with direct.read() as session:
        before = session.scalar(select(Revision.value))
    outcome: list[object] = []
    with BlackholeProxy(postgres_server.port) as proxy:
        far: Store = open_store(Settings(db=proxy.url_for(postgres_url), user="t"))
        deadline = Deadline()

        def write() -> None:
            try:
                with far.write(deadline):
                    pass  # the revision bump alone is a change another board would see
                outcome.append("committed")
            except Exception as exc:
                outcome.append(exc)

        try:
            proxy.blackhole()
            thread = threading.Thread(target=write, daemon=True)
            thread.start()
            time.sleep(0.5)
            assert thread.is_alive() and outcome == []  # waiting for an answer
            if given_up:
                deadline.pass_()
            proxy.restore()
            thread.join(20)
            assert not thread.is_alive()
        finally:
            far.close()
    with direct.read() as session:
        after = session.scalar(select(Revision.value))
    direct.close()
    if given_up:
        assert isinstance(outcome[0], NoAnswer)
        assert after == before
    else:
        assert outcome == ["committed"]
        assert after == (before or 0) + 1

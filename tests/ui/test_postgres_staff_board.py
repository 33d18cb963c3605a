"""The board connected as a PostgreSQL staff login: no PIN is asked (the server checked who
connected), the key bar is the role's, and `N` reveals through the database's audited
function, recorded under the login."""

from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from bedboard.config import Settings
from bedboard.db.models import Guest
from bedboard.services.staff import members
from bedboard.store import Store, open_store
from bedboard.ui.screens.form import FormScreen
from tests.support.board import (
    BoardAt,
    demo_at_frozen_time,
    form_text,
    type_text,
    wait_for_note,
    wait_until,
)
from tests.support.stores import store_at

LOGIN = "bea_board"


def _as_superuser(url: str, *statements: sql.Composable | str) -> None:
    u = make_url(url)
    with psycopg.connect(
        host=u.host, port=u.port, dbname=u.database, user="postgres", autocommit=True
    ) as conn:
        for statement in statements:
            conn.execute(statement)  # type: ignore[arg-type]


@pytest.fixture
def staff_login_store(postgres_url: str) -> Iterator[tuple[Store, Store]]:
    """(the owner's store, a store connected as the coordinator login LOGIN)."""
    role = sql.Identifier(LOGIN)
    with store_at(postgres_url, "owner") as owner:
        demo_at_frozen_time(owner)
        with owner.write() as s:
            members.add_staff(s, login=LOGIN, role="coordinator", pin="4321")
            guest = s.scalar(select(Guest).where(Guest.code == "G-101"))
            assert guest is not None
            guest.protected = False
        _as_superuser(
            postgres_url, sql.SQL("CREATE ROLE {} LOGIN IN ROLE bedboard_coordinator").format(role)
        )
        url = make_url(postgres_url).set(username=LOGIN).render_as_string(False)
        mine = open_store(Settings(db=url, user="someone-else"))
        try:
            yield owner, mine
        finally:
            mine.close()
            _as_superuser(
                postgres_url,
                sql.SQL("DROP OWNED BY {}").format(role),
                sql.SQL("DROP ROLE {}").format(role),
            )


async def test_the_board_as_a_staff_login_reveals_through_the_function(
    staff_login_store: tuple[Store, Store], board_at: BoardAt
) -> None:
    owner, mine = staff_login_store
    assert mine.db_login == LOGIN and mine.who.role == "coordinator"
    async with board_at(mine, unit="Hvilan/1") as (app, pilot, _):
        assert not app.locked  # no sign-in screen: the login is the person
        await pilot.press("N")
        assert await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        shown = form_text(app.screen)  # the second person confirms as their own login
        assert "their own database login and password" in shown and "PIN" not in shown
        await type_text(pilot, "police asked for her")
        await pilot.press("enter")
        await wait_for_note(pilot, "G-101 is Demo person 101")
    with owner.read() as s:
        actor, detail = s.execute(
            text("SELECT actor, detail FROM audit_log WHERE action = 'reveal_name'")
        ).one()
    assert actor == LOGIN
    assert json.loads(detail)["via"] == "bedboard_reveal_name"

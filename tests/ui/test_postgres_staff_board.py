"""The board connected as a PostgreSQL staff login: no PIN is asked (the server checked who
connected), the key bar is the role's, and `N` reveals through the database's audited
function, recorded under the login."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

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
from bedboard.ui.screens.staff import StaffScreen
from tests.support.board import (
    BoardAt,
    demo_at_frozen_time,
    form_text,
    type_text,
    wait_for_note,
    wait_until,
)
from tests.support.cli import run_cli
from tests.support.stores import store_at
from tests.ui.test_staff_screen import fill as fill_form

LOGIN = "bea_board"


def _as_superuser(url: str, *statements: sql.Composable | str) -> None:
    u = make_url(url)
    with psycopg.connect(
        host=u.host, port=u.port, dbname=u.database, user="postgres", autocommit=True
    ) as conn:
        for statement in statements:
            conn.execute(statement)  # type: ignore[arg-type]


@contextmanager
def login_store(
    postgres_url: str, login: str, role: str, options: str = ""
) -> Iterator[tuple[Store, Store]]:
    """(the owner's store on the frozen demo, a store connected as the staff login `login`, a
    member of the group of `role`; `options` such as CREATEROLE)."""
    name = sql.Identifier(login)
    with store_at(postgres_url, "owner") as owner:
        demo_at_frozen_time(owner)
        with owner.write() as s:
            members.add_staff(s, login=login, role=role, pin="4321")
            guest = s.scalar(select(Guest).where(Guest.code == "G-101"))
            assert guest is not None
            guest.protected = False
        _as_superuser(
            postgres_url,
            sql.SQL("CREATE ROLE {} LOGIN " + options + " IN ROLE {}").format(
                name, sql.Identifier(f"bedboard_{role}")
            ),
        )
        url = make_url(postgres_url).set(username=login).render_as_string(False)
        mine = open_store(Settings(db=url, user="someone-else"))
        try:
            yield owner, mine
        finally:
            mine.close()
            _as_superuser(
                postgres_url,
                sql.SQL("DROP OWNED BY {}").format(name),
                sql.SQL("DROP ROLE {}").format(name),
            )


@pytest.fixture
def staff_login_store(postgres_url: str) -> Iterator[tuple[Store, Store]]:
    """(the owner's store, a store connected as the coordinator login LOGIN)."""
    with login_store(postgres_url, LOGIN, "coordinator") as stores:
        yield stores


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


async def test_an_administrators_login_adds_a_staff_login_on_the_board(
    postgres_url: str, board_at: BoardAt
) -> None:
    """On the staff screen of an administrator's own login (with CREATEROLE) a new member gets
    a database password instead of a PIN, and their login is made in their role's group."""
    password = "ett-långt-lösenord"
    with login_store(postgres_url, "ada_board", "admin", "CREATEROLE") as (owner, mine):
        try:
            async with board_at(mine) as (app, pilot, _):
                await pilot.press("S")
                assert await wait_until(pilot, lambda: isinstance(app.screen, StaffScreen))
                screen = app.screen
                assert isinstance(screen, StaffScreen)
                ok = await wait_until(pilot, lambda: screen.rows is not None)
                assert ok, screen.query_one("#notice").text  # type: ignore[attr-defined]
                await pilot.press("a")
                assert await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
                assert "Password" in form_text(app.screen)
                await fill_form(pilot, login="pia_board", role="coordinator")
                await fill_form(pilot, secret=password, again=password)
                await pilot.press("enter")
                await wait_for_note(pilot, "Added pia_board as coordinator")
            groups = (
                "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = 'pia_board'"
            )
            u = make_url(postgres_url)
            with psycopg.connect(host=u.host, port=u.port, dbname=u.database,
                                 user="postgres") as conn:  # fmt: skip
                assert conn.execute(groups).fetchall() == [("bedboard_coordinator",)]
            with owner.read() as s:
                actor = s.execute(
                    text("SELECT actor FROM audit_log WHERE action = 'staff_add'"
                         " AND target = 'staff:pia_board'")
                ).scalar_one()  # fmt: skip
            assert actor == "ada_board"
            # `staff list` as that login: it may not read PIN hashes, so none is claimed.
            listed = run_cli("staff", "list", db=str(mine.settings.db))
            assert listed.returncode == 0, listed.stderr
            assert "pia_board\tcoordinator" in listed.stdout and "PIN" not in listed.stdout
        finally:
            _as_superuser(postgres_url, "DROP ROLE IF EXISTS pia_board")

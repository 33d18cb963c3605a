"""The staff screen (S): an administrator adds a member on the board who can then sign in; the
key is the administrator's only, and the screen refuses anyone else who reaches it; bad input
is one line and changes nothing. It calls the services `bedboard staff` calls, so the rows,
the audit entries and the refusals are theirs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import func, select, text
from textual.pilot import Pilot
from textual.widgets import Input, Select

from bedboard.db.models import AuditEntry, Staff
from bedboard.services.staff import members
from bedboard.store import Store
from bedboard.ui.app import BedboardApp
from bedboard.ui.screens.board import BoardScreen
from bedboard.ui.screens.confirm import ConfirmScreen
from bedboard.ui.screens.form import FormScreen
from bedboard.ui.screens.sign_in import SignInScreen
from bedboard.ui.screens.staff import StaffScreen, StaffTable
from bedboard.ui.widgets.notice import Notice
from tests.support.board import board_of, notes, open_board, screen_after, type_text, wait_until
from tests.ui.test_sign_in import app_for, key_bar, sign_in


def staffed(store: Store) -> Store:
    with store.write() as s:
        members.add_staff(s, login="nils", role="night", sites=["Hvilan"], pin="4444")
        members.add_staff(s, login="cora", role="coordinator", pin="3333")
        members.add_staff(s, login="ada", role="admin", pin="1111")
    return store


@asynccontextmanager
async def signed_in(
    store: Store, login: str = "ada", pin: str = "1111", size: tuple[int, int] = (100, 30)
) -> AsyncIterator[tuple[BedboardApp, Pilot[None], BoardScreen]]:
    """The board with `login` signed in and loaded."""
    app = app_for(store)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, login, pin)
        yield app, pilot, await open_board(pilot)


async def staff_screen(pilot: Pilot[None]) -> StaffScreen:
    screen = await screen_after(pilot, "S", StaffScreen)
    assert await wait_until(pilot, lambda: screen.rows is not None)
    return screen


async def fill(pilot: Pilot[None], **values: str) -> None:
    """Type into the open form's fields, each focused as a person tabs to it; a role is
    chosen in its list."""
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    for name, value in values.items():
        widget = form.query_one(f"#field-{name}")
        if isinstance(widget, Select):
            widget.value = value
            continue
        assert isinstance(widget, Input)
        widget.focus()
        widget.value = ""
        await type_text(pilot, value)


def snapshot(store: Store) -> tuple[list[tuple[object, ...]], int]:
    with store.read() as s:
        rows = s.execute(text("SELECT login, role, active FROM staff ORDER BY login")).all()
        entries = s.scalar(select(func.count()).select_from(AuditEntry)) or 0
    return [tuple(r) for r in rows], entries


async def test_an_administrator_adds_a_member_who_can_then_sign_in(frozen_store: Store) -> None:
    async with signed_in(staffed(frozen_store)) as (app, pilot, _board):
        assert "S Staff" in key_bar(app)
        screen = await staff_screen(pilot)
        table = screen.query_one(StaffTable)
        assert table.row_count == 3
        await screen_after(pilot, "a", FormScreen)
        await fill(pilot, login="pia", name="Pia P", role="night", sites="Hvilan")
        await fill(pilot, secret="5678", again="5678")
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: table.row_count == 4)
        assert "Added pia as night staff" in " ".join(notes(app))
        row = [str(c) for c in table.get_row("pia")]
        assert row == ["pia", "active", "night staff", "Hvilan", "Pia P", "set"]
        with frozen_store.read() as s:
            actor, action = s.execute(
                select(AuditEntry.actor, AuditEntry.action).order_by(AuditEntry.id.desc())
            ).first() or ("", "")
        assert (actor, action) == ("ada", "staff_add")

        app.lock(idle=False)
        assert await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        await sign_in(pilot, "pia", "5678")
        assert await wait_until(pilot, lambda: app.store.actor == "pia")
        assert app.store.who.role == "night" and app.store.who.site_names == ("Hvilan",)


async def test_an_administrator_changes_disables_enables_and_resets_a_pin(
    frozen_store: Store,
) -> None:
    async with signed_in(staffed(frozen_store)) as (app, pilot, _board):
        screen = await staff_screen(pilot)
        table = screen.query_one(StaffTable)
        assert table.select_key("nils")
        await screen_after(pilot, "e", FormScreen)
        await fill(pilot, role="outreach", sites="")
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: str(table.get_row("nils")[2]) == "outreach worker")
        await screen_after(pilot, "d", ConfirmScreen)
        await pilot.press("y")
        assert await wait_until(pilot, lambda: str(table.get_row("nils")[1]) == "DISABLED")
        assert "Enable" in key_bar(app) and "Disable" not in key_bar(app)
        await pilot.press("u")
        assert await wait_until(pilot, lambda: str(table.get_row("nils")[1]) == "active")
        await screen_after(pilot, "p", FormScreen)
        await fill(pilot, secret="8765", again="8765")
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: any("new PIN set for nils" in n for n in notes(app)))
    with frozen_store.read() as s:
        actions = list(
            s.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.target == "staff:nils", AuditEntry.actor == "ada")
                .order_by(AuditEntry.id)
            )
        )
        nils = s.scalar(select(Staff).where(Staff.login == "nils"))
        assert nils is not None and nils.role == "outreach" and nils.active
    assert actions == ["staff_edit", "staff_disable", "staff_enable", "staff_pin"]


@pytest.mark.parametrize(("login", "pin"), [("nils", "4444"), ("cora", "3333")])
async def test_others_lack_the_key_and_are_refused_the_screen(
    frozen_store: Store, login: str, pin: str
) -> None:
    store = staffed(frozen_store)
    before = snapshot(store)
    async with signed_in(store, login, pin, (120, 30)) as (app, pilot, board):
        await pilot.pause()
        assert "Staff" not in key_bar(app)
        await pilot.press("S")
        await pilot.pause(0.3)
        assert app.screen is board
        screen = StaffScreen(store)  # reached anyway (a future menu, a bug): refused
        await app.push_screen(screen)
        notice = screen.query_one(Notice)
        assert await wait_until(pilot, lambda: "may not manage staff" in notice.text)
        assert notice.error and screen.query_one(StaffTable).row_count == 0
        await pilot.press("a")
        await pilot.pause(0.3)
        assert app.screen is screen  # no form
    assert snapshot(store) == before


async def test_the_local_user_sees_the_key_before_the_first_administrator(
    frozen_store: Store,
) -> None:
    app = BedboardApp(frozen_store, poll_seconds=0.1)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_board(pilot)
        screen = await staff_screen(pilot)
        notice = screen.query_one(Notice)
        assert "no staff yet: the local user may do everything" in notice.text
        assert board_of(app) is not screen


BAD = [
    ("empty login", {"login": ""}, "Login is needed"),
    ("duplicate login", {"login": "nils"}, "there is already a staff member 'nils'"),
    ("unknown site", {"sites": "Hvilan, Nowhere"}, "no site named 'Nowhere'"),
    ("PINs differ", {"again": "5679"}, "the two PINs differ"),
    ("PIN too short", {"secret": "12", "again": "12"}, "a PIN must be 4 to 64"),
    ("night without site", {"sites": ""}, "night staff work at named sites"),
]


@pytest.mark.parametrize(("case", "change", "says"), BAD, ids=[b[0] for b in BAD])
async def test_bad_input_is_one_line_and_changes_nothing(
    frozen_store: Store, case: str, change: dict[str, str], says: str
) -> None:
    store = staffed(frozen_store)
    async with signed_in(store) as (app, pilot, _board):
        screen = await staff_screen(pilot)
        before = snapshot(store)
        form = await screen_after(pilot, "a", FormScreen)
        good = {"login": "pia", "name": "Pia", "role": "night", "sites": "Hvilan"}
        pins = {"secret": "5678", "again": "5678"}
        await fill(pilot, **{**good, **{k: v for k, v in change.items() if k in good}})
        await fill(pilot, **{**pins, **{k: v for k, v in change.items() if k in pins}})
        error = form.query_one("#form-error")  # a check the form makes: it stays open
        await pilot.press("enter")

        def said() -> bool:
            on_form = says in str(error.render())
            refused = [n for n in notes(app) if n.startswith("Refused") and says in n]
            return on_form or bool(refused)

        assert await wait_until(pilot, said), (case, notes(app), str(error.render()))
        shown = [n for n in notes(app) if n.startswith("Refused")]
        for note in shown:  # the refusal, and that nothing changed: no traceback
            assert note.count("\n") == 1 and "Traceback" not in note
        await pilot.pause(0.3)
        assert screen.query_one(StaffTable).row_count == 3
    assert snapshot(store) == before

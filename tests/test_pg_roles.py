"""PostgreSQL enforces the rights table itself (migration 0007): each staff member connects as
their own login, a member of their role's group, and what their role may not do is refused by
the server, from the program and from a raw connection alike.

The staff world (tests/support/staff_world.py) is built by the owner; then each of its four members
gets a login role on the test server (roles are cluster-wide, so they are dropped afterwards).
The test server trusts local connections: passwords are tested on a server of their own with
scram-sha-256 in pg_hba.conf (test_a_password_login_uses_scram_and_is_never_shown).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import select, text, update
from sqlalchemy.engine import make_url

from bedboard.config import Settings
from bedboard.db.models import AuditEntry, Guest
from bedboard.errors import BedboardError
from bedboard.services.people.search import reveal_name
from bedboard.services.safety import audit
from bedboard.services.staff.access import NotAllowed
from bedboard.store import Store, missing_protections, open_store
from tests.support.cli import run_cli
from tests.support.pg_server import PostgresServer
from tests.support.rules_world import night
from tests.support.staff_world import ACTIONS, ALLOWED, LOGIN_OF, ROLES, build_staff_world

pytestmark = pytest.mark.usefixtures("postgres_server")


def url_as(url: str, login: str, password: str | None = None) -> str:
    return make_url(url).set(username=login, password=password).render_as_string(False)


def raw(url: str, login: str) -> psycopg.Connection:
    u = make_url(url)
    return psycopg.connect(
        host=u.host, port=u.port, dbname=u.database, user=login, autocommit=False
    )


def drop_roles(url: str, logins: list[str]) -> None:
    """Roles outlive the test database: their privileges here go first, then the roles."""
    u = make_url(url)
    with psycopg.connect(
        host=u.host, port=u.port, dbname=u.database, user="postgres", autocommit=True
    ) as conn:
        for login in logins:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [login]).fetchone()
            if exists:
                conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(login)))
                conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(login)))


@dataclass
class PgWorld:
    url: str
    owner: Store

    def store_as(self, role: str) -> Store:
        return open_store(Settings(db=url_as(self.url, LOGIN_OF[role]), user="someone-else"))


@pytest.fixture
def pg_world(postgres_url: str) -> Iterator[PgWorld]:
    owner = open_store(Settings(db=postgres_url, user="tester"))
    build_staff_world(owner)
    u = make_url(postgres_url)
    with psycopg.connect(
        host=u.host, port=u.port, dbname=u.database, user="postgres", autocommit=True
    ) as conn:
        drop_roles(postgres_url, list(ROLES))  # left by a test that crashed
        for login, role in ROLES.items():
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN IN ROLE {}").format(
                    sql.Identifier(login), sql.Identifier(f"bedboard_{role}")
                )
            )
    try:
        yield PgWorld(postgres_url, owner)
    finally:
        owner.close()
        drop_roles(postgres_url, list(ROLES))


@pytest.mark.parametrize("role", ["admin", "coordinator", "outreach", "night"])
def test_the_program_as_each_login_may_do_what_the_table_says(pg_world: PgWorld, role: str) -> None:
    """Every allowed action works with only the role's grants; every other one is refused."""
    # The staff world's guests are protected (on SQLite a second PIN confirms each reveal);
    # a login's confirmation by a second login has its own test below.
    with pg_world.owner.write() as s:
        s.execute(update(Guest).values(protected=False))
    store = pg_world.store_as(role)
    try:
        assert store.db_login == LOGIN_OF[role]
        assert store.who.role == role
        outcome: dict[str, str] = {}
        for name, action in ACTIONS.items():
            try:
                with store.write() as session:
                    action(session, store.actor)
                outcome[name] = "allowed"
            except NotAllowed:
                outcome[name] = "refused"
            except BedboardError as exc:
                outcome[name] = f"failed: {exc}"
        assert outcome == {n: "allowed" if n in ALLOWED[role] else "refused" for n in ACTIONS}
    finally:
        store.close()


# One statement per kind of right, as a raw connection would try it. {hvilan_unit} and
# {berg_unit} are units at the night worker's site and at another one.
RAW: dict[str, str] = {
    "see availability": "SELECT count(*) FROM bed_nights",
    "book at Hvilan": "UPDATE bed_nights SET reason = 'raw' WHERE unit_id = {hvilan_unit}",
    "book at Familjen Berg": "UPDATE bed_nights SET reason = 'raw' WHERE unit_id = {berg_unit}",
    "hold at Hvilan": "INSERT INTO holds (unit_id, night, nights, expires_at, held_for, "
    "created_by, status) VALUES ({hvilan_unit}, '2030-01-01', 1, now(), '', 'x', 'active')",
    "hold at Familjen Berg": "INSERT INTO holds (unit_id, night, nights, expires_at, held_for, "
    "created_by, status) VALUES ({berg_unit}, '2030-01-01', 1, now(), '', 'x', 'active')",
    "turnaway at Hvilan": "INSERT INTO turnaways (night, site_id, reason, people, referred_to, "
    "created_at, created_by, needs) VALUES ('2030-01-01', {hvilan}, 'x', 1, '', now(), 'x', '')",
    "turnaway at Familjen Berg": "INSERT INTO turnaways (night, site_id, reason, people, "
    "referred_to, created_at, created_by, needs) "
    "VALUES ('2030-01-01', {berg}, 'x', 1, '', now(), 'x', '')",
    "register guest": "INSERT INTO guests (code, name, protected, languages, notes, needs) "
    "VALUES ('RAW-1', 'Raw Name', true, '', '', '')",
    "billing": "UPDATE bed_nights SET payer_reference = 'raw' "
    "WHERE state = 'occupied' AND posted_at IS NULL AND unit_id = {berg_unit}",
    "correct": "INSERT INTO adjustments (bed_night_id, amount, currency, reason, actor, "
    "created_at, kind, payer_reference) SELECT id, -1, 'SEK', 'raw', 'x', now(), 'adjustment', '' "
    "FROM bed_nights WHERE posted_at IS NOT NULL LIMIT 1",
    "commitments": "INSERT INTO commitments (payer_id, guest_id, first_night, reference, "
    "signed_by, created_at, created_by) SELECT p.id, g.id, '2030-01-01', '', '', now(), 'x' "
    "FROM payers p, guests g LIMIT 1",
    "close night": "INSERT INTO closed_nights (night, closed_at, closed_by) "
    "VALUES ('2031-01-01', now(), 'x')",
    "export": "SELECT count(*) FROM compensation_rates",
    "audit": "SELECT actor, action, detail FROM audit_log",
    "staff": "INSERT INTO staff (login, name, role, active, failed_pins, created_at) "
    "VALUES ('raw', '', 'admin', true, 0, now())",
    "inventory": "INSERT INTO units (site_id, room, label, tags) VALUES ({hvilan}, '', 'raw', '')",
    "payers": "INSERT INTO payers (name, kind, active, org_number, address, contact) "
    "VALUES ('Raw', 'ngo', true, '', '', '')",
    "rates": "INSERT INTO rates (amount, currency, valid_from, site_kind) "
    "VALUES (1, 'SEK', '2031-01-01', 'shelter')",
    "forget": "DELETE FROM guests WHERE code = 'G-UNUSED'",
}
# What the program's table maps to at the database, where it differs from ALLOWED: billing
# lists, corrections and exports of billing are the coordinator's; erasing a guest the admin's.
RAW_ALLOWED = {
    **ALLOWED,
    "outreach": ALLOWED["outreach"] | {"register guest"},
}


def _ids(owner: Store) -> dict[str, int]:
    with owner.read() as s:
        site = {name: id_ for name, id_ in s.execute(text("SELECT name, id FROM sites"))}
        unit = {
            name: id_
            for name, id_ in s.execute(
                text(
                    "SELECT s.name, min(u.id) FROM units u JOIN sites s ON s.id = u.site_id "
                    "GROUP BY s.name"
                )
            )
        }
    return {
        "hvilan": site["Hvilan"],
        "berg": site["Familjen Berg"],
        "hvilan_unit": unit["Hvilan"],
        "berg_unit": unit["Familjen Berg"],
    }


def _try(conn: psycopg.Connection, statement: str) -> str:
    """'allowed' when the server runs it and it touches a row (or reads), else 'refused'."""
    try:
        with conn.transaction():
            cursor = conn.execute(statement)
            touched = statement.startswith("SELECT") or cursor.rowcount > 0
            raise _Rollback("allowed" if touched else "refused")
    except _Rollback as done:
        return str(done)
    except psycopg.errors.InsufficientPrivilege:
        return "refused"


class _Rollback(Exception):
    """Leaves the transaction (rolled back): the raw tries change nothing."""


@pytest.mark.parametrize("role", ["admin", "coordinator", "outreach", "night"])
def test_a_raw_connection_as_each_login_is_held_to_the_table(pg_world: PgWorld, role: str) -> None:
    ids = _ids(pg_world.owner)
    with pg_world.owner.write() as s:
        s.add(Guest(code="G-UNUSED", protected=False, languages="", notes="", needs=""))
    with raw(pg_world.url, LOGIN_OF[role]) as conn:
        outcome = {kind: _try(conn, stmt.format(**ids)) for kind, stmt in RAW.items()}
    expected = {k: "allowed" if k in RAW_ALLOWED[role] else "refused" for k in RAW}
    assert outcome == expected


@pytest.mark.parametrize("role", ["admin", "coordinator", "outreach", "night"])
def test_no_login_may_select_names_or_notes(pg_world: PgWorld, role: str) -> None:
    with raw(pg_world.url, LOGIN_OF[role]) as conn:
        for column in ("name", "notes", "*"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(f"SELECT {column} FROM guests")
        with conn.transaction():  # what the desk needs stays readable
            codes = conn.execute("SELECT code, gender, needs FROM guests ORDER BY code").fetchall()
        assert [c[0] for c in codes][:3] == ["G-1", "G-2", "G-3"]


def test_night_staff_cannot_update_nights_at_another_site(pg_world: PgWorld) -> None:
    ids = _ids(pg_world.owner)
    with raw(pg_world.url, "nils") as conn:
        here = conn.execute(
            "UPDATE bed_nights SET reason = 'x' WHERE unit_id = %s", [ids["hvilan_unit"]]
        ).rowcount
        elsewhere = conn.execute(
            "UPDATE bed_nights SET reason = 'x' WHERE unit_id = %s", [ids["berg_unit"]]
        ).rowcount
        everywhere = conn.execute("SELECT count(*) FROM bed_nights").fetchone()
        conn.rollback()
        assert here > 0 and elsewhere == 0  # the other site's rows are not there to update
        assert everywhere is not None and everywhere[0] > here  # but availability shows all
        # Moving a night of theirs to the other site is refused outright.
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute(
                "UPDATE bed_nights SET unit_id = %s WHERE unit_id = %s",
                [ids["berg_unit"], ids["hvilan_unit"]],
            )


def _audit_rows(owner: Store) -> list[AuditEntry]:
    with owner.read() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


@pytest.mark.parametrize("reason", ["samtal med polisen", 'åtgärd: "€" \\ 🚑 tab\there'])
def test_the_reveal_function_writes_the_audit_entry_it_chains(
    pg_world: PgWorld, reason: str
) -> None:
    """From psql as the coordinator: the name comes back with an entry in the same
    transaction, hash-chained exactly as the program chains (audit verify stays clean)."""
    with pg_world.owner.write() as s:
        guest = s.scalar(select(Guest).where(Guest.code == "G-2"))
        assert guest is not None
        guest.name, guest.protected = "Greta Garbo", False
    before = len(_audit_rows(pg_world.owner))
    with raw(pg_world.url, "cora") as conn:
        if "\t" in reason:  # a control character: refused, and nothing written
            with pytest.raises(psycopg.errors.CheckViolation), conn.transaction():
                conn.execute("SELECT bedboard_reveal_name('G-2', %s)", [reason])
            reason = reason.replace("\t", " ")
        with conn.transaction():
            name = conn.execute("SELECT bedboard_reveal_name('G-2', %s)", [reason]).fetchone()
    assert name == ("Greta Garbo",)
    rows = _audit_rows(pg_world.owner)
    assert len(rows) == before + 1
    entry = rows[-1]
    assert (entry.actor, entry.action, entry.target) == ("cora", "reveal_name", "guest:G-2")
    assert json.loads(entry.detail)["reason"] == reason
    assert "Greta" not in entry.detail
    with pg_world.owner.read() as s:
        assert audit.verify(s) == []


def test_a_reveal_without_reason_or_right_writes_nothing(pg_world: PgWorld) -> None:
    before = len(_audit_rows(pg_world.owner))
    with raw(pg_world.url, "cora") as conn, pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("SELECT bedboard_reveal_name('G-2', '  ')")
    with raw(pg_world.url, "otto") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT bedboard_reveal_name('G-2', 'curious')")  # outreach may not
    with raw(pg_world.url, "nils") as conn:  # night: G-2 sleeps at the other site
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute("SELECT bedboard_reveal_name('G-2', 'curious')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute("SELECT name FROM guests WHERE code = 'G-1'")  # even at their site
    assert len(_audit_rows(pg_world.owner)) == before


def test_a_protected_guest_needs_a_confirmation_from_another_login(pg_world: PgWorld) -> None:
    with raw(pg_world.url, "cora") as conn:
        with (
            pytest.raises(psycopg.errors.InsufficientPrivilege, match="confirm"),
            conn.transaction(),
        ):
            conn.execute("SELECT bedboard_reveal_name('G-1', 'court order')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute("SELECT bedboard_confirm_reveal('G-1', 'cora')")  # not oneself
    with raw(pg_world.url, "nils") as conn, conn.transaction():  # G-1 sleeps at Hvilan
        conn.execute("SELECT bedboard_confirm_reveal('G-1', 'cora')")
    with raw(pg_world.url, "cora") as conn:
        with conn.transaction():
            conn.execute("SELECT bedboard_reveal_name('G-1', 'court order')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute("SELECT bedboard_reveal_name('G-1', 'again')")  # used up
    entry = _audit_rows(pg_world.owner)[-1]
    assert json.loads(entry.detail)["confirmed_by"] == "nils"


def test_confirmations_are_deleted_once_used_or_expired(pg_world: PgWorld) -> None:
    """Who confirmed whom for which guest does not outlive its purpose: the reveal deletes the
    confirmation it uses, and a new confirmation deletes those older than 15 minutes (the
    database's trigger, whoever inserts)."""

    def confirmations() -> list[tuple[str, str, bool]]:
        with raw(pg_world.url, "postgres") as conn:
            return conn.execute(
                "SELECT for_login, confirmed_by, at > (now() AT TIME ZONE 'UTC') - "
                "interval '15 minutes' FROM reveal_confirmations ORDER BY id"
            ).fetchall()

    with raw(pg_world.url, "nils") as conn, conn.transaction():
        conn.execute("SELECT bedboard_confirm_reveal('G-1', 'cora')")
    with raw(pg_world.url, "postgres") as conn, conn.transaction():  # 20 minutes pass, unused
        conn.execute("UPDATE reveal_confirmations SET at = at - interval '20 minutes'")
    assert confirmations() == [("cora", "nils", False)]
    # Too old to serve:
    with raw(pg_world.url, "cora") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT bedboard_reveal_name('G-1', 'court order')")
    with raw(pg_world.url, "nils") as conn, conn.transaction():
        conn.execute("SELECT bedboard_confirm_reveal('G-1', 'cora')")
    assert confirmations() == [("cora", "nils", True)]  # the expired one is gone
    with raw(pg_world.url, "cora") as conn, conn.transaction():
        conn.execute("SELECT bedboard_reveal_name('G-1', 'court order')")
    assert confirmations() == []  # used: gone


def _unprotect(owner: Store, code: str) -> None:
    with owner.write() as s:
        guest = s.scalar(select(Guest).where(Guest.code == code))
        assert guest is not None
        guest.protected = False


def test_the_actor_is_the_login_whatever_user_says(pg_world: PgWorld) -> None:
    _unprotect(pg_world.owner, "G-3")
    url = url_as(pg_world.url, "cora")
    result = run_cli("reveal", "--guest", "G-3", "--reason", "payer asked", "--user", "ada", db=url)
    assert result.returncode == 0, result.stderr
    entry = _audit_rows(pg_world.owner)[-1]
    assert (entry.actor, entry.action) == ("cora", "reveal_name")
    # Through the program the services write the entry; a raw insert naming someone else is
    # refused by the trigger.
    result = run_cli(
        "turnaway", "--night", night(0).isoformat(), "--reason", "no_free_unit", "--site",
        "Hvilan", "--user", "ada", db=url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _audit_rows(pg_world.owner)[-1].actor == "cora"
    insert = (
        "INSERT INTO audit_log (at, actor, action, target, detail, prev_hash, hash) "
        "SELECT '2030-01-01', %s, 'x', '', '', hash, %s FROM audit_log ORDER BY id DESC LIMIT 1"
    )
    with raw(pg_world.url, "cora") as conn:
        last = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        assert last is not None
        good = audit.entry_hash(last[0], dt.datetime(2030, 1, 1), "cora", "x", "", "")
        with (
            pytest.raises(psycopg.errors.InsufficientPrivilege, match="actor"),
            conn.transaction(),
        ):
            conn.execute(insert, ["ada", good])  # someone else's name
        with (
            pytest.raises(psycopg.errors.InsufficientPrivilege, match="hash chain"),
            conn.transaction(),
        ):
            conn.execute(insert, ["cora", "0" * 64])  # an entry `audit verify` would break on
        with conn.transaction():  # in their own name, chained as the program chains: taken
            conn.execute(insert, ["cora", good])
    with pg_world.owner.read() as s:
        assert audit.verify(s) == []


def test_the_program_reveals_through_the_function(pg_world: PgWorld) -> None:
    _unprotect(pg_world.owner, "G-3")
    store = pg_world.store_as("coordinator")
    try:
        with store.write() as s:
            assert reveal_name(s, guest_code="G-3", actor="ignored", reason="payer") != ""
    finally:
        store.close()
    entry = _audit_rows(pg_world.owner)[-1]
    assert json.loads(entry.detail)["via"] == "bedboard_reveal_name"
    assert entry.actor == "cora"


def test_the_command_line_confirms_a_protected_reveal_with_the_second_login(
    pg_world: PgWorld,
) -> None:
    """`reveal --confirm-by` on PostgreSQL: the second person's own login confirms in the
    database, then the reveal consumes that confirmation."""
    url = url_as(pg_world.url, "cora")
    refused = run_cli("reveal", "--guest", "G-1", "--reason", "court order", db=url)
    assert refused.returncode == 1
    assert (
        refused.stderr.strip()
        == ("bedboard: G-1 protected: a second staff member must confirm before a name is shown")
        or "second staff member must confirm" in refused.stderr
    )
    env = {"BEDBOARD_CONFIRM_PASSWORD": "unused-on-a-trusting-server"}
    result = run_cli(
        "reveal", "--guest", "G-1", "--reason", "court order", "--confirm-by", "nils",
        db=url, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    entry = _audit_rows(pg_world.owner)[-1]
    assert (entry.actor, json.loads(entry.detail)["confirmed_by"]) == ("cora", "nils")


def test_db_check_names_a_missing_policy_trigger_and_grant(pg_world: PgWorld) -> None:
    settings = Settings(db=pg_world.url, user="tester")
    assert missing_protections(settings) == []
    statements = [
        "DROP POLICY night_own_sites ON bed_nights",
        "DROP TRIGGER audit_log_actor ON audit_log",
        "REVOKE INSERT ON adjustments FROM bedboard_coordinator",
        "GRANT SELECT (name) ON guests TO bedboard_night",
    ]
    with raw(pg_world.url, "postgres") as conn, conn.transaction():
        for statement in statements:
            conn.execute(statement)
    assert missing_protections(settings) == [
        "trigger audit_log_actor",
        "policy bed_nights.night_own_sites",
        "grant INSERT on adjustments to bedboard_coordinator",
        "guests.name hidden from bedboard_night (it is readable)",
    ]
    result = run_cli("db", "check", db=pg_world.url)
    assert result.returncode != 0
    assert "night_own_sites" in result.stdout + result.stderr


def test_db_check_compares_every_grant_of_the_migration(pg_world: PgWorld) -> None:
    """Not a sample: a table that lost its grants, one column's grant and one privilege of one
    group are each named (before, all 170-odd grants of migration 0007 and 0008 held)."""
    settings = Settings(db=pg_world.url, user="tester")
    assert missing_protections(settings) == []
    with raw(pg_world.url, "postgres") as conn, conn.transaction():
        conn.execute("REVOKE ALL ON rates FROM bedboard_staff")
        conn.execute("REVOKE SELECT (hash) ON audit_log FROM bedboard_staff")
        conn.execute("REVOKE DELETE ON avoid_rules FROM bedboard_outreach")
        conn.execute("REVOKE SELECT ON revision_changes FROM bedboard_staff")
    assert missing_protections(settings) == [
        "grant SELECT on rates to bedboard_staff",
        "grant SELECT on audit_log (hash) to bedboard_staff",
        "grant DELETE on avoid_rules to bedboard_outreach",
        "grant SELECT on revision_changes to bedboard_staff",
    ]
    # What the missing grant means for a login:
    with raw(pg_world.url, "nils") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT count(*) FROM rates")


def _scram_server(server: PostgresServer) -> None:
    """pg_hba.conf as the README sets it up: scram-sha-256 for every host line."""
    hba = server.data_dir / "pg_hba.conf"
    hba.write_text(
        "local all postgres trust\n"
        "host all postgres 127.0.0.1/32 trust\n"
        "host all +bedboard_staff 127.0.0.1/32 scram-sha-256\n"
    )
    server._run("pg_ctl", "reload", "-D", str(server.data_dir))


def test_a_password_login_uses_scram_and_is_never_shown(
    private_postgres_server: PostgresServer,
) -> None:
    url = private_postgres_server.create_database()
    password = "korrekt-häst-batteri"
    owner = open_store(Settings(db=url, user="tester"))
    try:
        build_staff_world(owner)
    finally:
        owner.close()
    _scram_server(private_postgres_server)
    env = {"BEDBOARD_PIN": "1111"}  # the owner signs in as the PIN administrator ada
    result = run_cli(
        "staff", "add", "vera", "--role", "night", "--site", "Hvilan", "--database-login",
        "--user", "ada", db=url, env=env, input=password + "\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert password not in result.stdout + result.stderr
    log = private_postgres_server.log_file.read_text(errors="replace")
    assert password not in log
    u = make_url(url)
    with psycopg.connect(host=u.host, port=u.port, dbname=u.database, user="postgres") as conn:
        verifier = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'vera'")
        row = verifier.fetchone()
        assert row is not None and row[0].startswith("SCRAM-SHA-256$")
        details = conn.execute("SELECT detail FROM audit_log").fetchall()
        assert all(password not in str(d) for d in details)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(host=u.host, port=u.port, dbname=u.database, user="vera",
                        password="wrong-password-1")  # fmt: skip
    vera = url_as(url, "vera", password)
    result = run_cli("staff", "list", db=vera)  # night staff may not manage staff
    assert result.returncode == 1 and "vera (night staff)" in result.stderr
    assert password not in result.stderr
    # Disabled: the login can no longer connect at all.
    result = run_cli("staff", "disable", "vera", "--user", "ada", db=url, env=env)
    assert result.returncode == 0, result.stderr
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        psycopg.connect(host=u.host, port=u.port, dbname=u.database, user="vera",
                        password=password)  # fmt: skip


def test_the_owner_keeps_working_as_before(pg_world: PgWorld) -> None:
    """The single-owner setup: the owner is no staff login, reads names directly, and the PIN
    model stays (tests/test_staff_cli.py runs it on PostgreSQL too)."""
    assert pg_world.owner.db_login is None
    with pg_world.owner.read() as s:
        assert s.scalar(select(Guest.name).where(Guest.code == "G-1")) is None


def test_an_admin_login_adds_edits_and_disables_staff_logins(pg_world: PgWorld) -> None:
    """`staff add` by an administrator's own login makes the new login (no flag needed), in
    the group of its role; `staff edit --role` moves it; `staff disable` ends its logins."""
    with raw(pg_world.url, "postgres") as conn:
        conn.execute("ALTER ROLE ada CREATEROLE")
        conn.commit()
    ada = url_as(pg_world.url, "ada")
    password = "ett-långt-lösenord"
    try:
        result = run_cli(
            "staff", "add", "pia", "--role", "outreach", "--user", "cora", db=ada,
            input=password + "\n",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert password not in result.stdout + result.stderr
        groups = (
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = 'pia'"
        )
        with raw(pg_world.url, "postgres") as conn:
            assert conn.execute(groups).fetchall() == [("bedboard_outreach",)]
        entry = _audit_rows(pg_world.owner)[-1]
        assert (entry.actor, entry.action, entry.target) == ("ada", "staff_add", "staff:pia")
        assert password not in entry.detail
        short = run_cli("staff", "add", "kim", "--role", "night", "--site", "Hvilan", db=ada,
                        input="kort\n")  # fmt: skip
        assert short.returncode == 2 and "at least 10" in short.stderr
        result = run_cli("staff", "edit", "pia", "--role", "coordinator", db=ada)
        assert result.returncode == 0, result.stderr
        with raw(pg_world.url, "postgres") as conn:
            assert conn.execute(groups).fetchall() == [("bedboard_coordinator",)]
            assert conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'kim'").fetchone() is None
        result = run_cli("staff", "disable", "pia", db=ada)
        assert result.returncode == 0, result.stderr
        with raw(pg_world.url, "postgres") as conn:
            row = conn.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'pia'")
            assert row.fetchone() == (False,)
        # The disabled login cannot even connect: one line, no traceback.
        result = run_cli("staff", "list", db=url_as(pg_world.url, "pia"))
        assert result.returncode != 0
        assert "not permitted to log in" in result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    finally:
        drop_roles(pg_world.url, ["pia", "kim"])


def test_a_login_that_is_no_staff_member_here_is_refused(pg_world: PgWorld) -> None:
    """Roles are cluster-wide: a login of another bedboard database may connect, but is
    nobody here (and is not taken for the local user before the first admin)."""
    with raw(pg_world.url, "postgres") as conn:
        conn.execute("CREATE ROLE zed LOGIN IN ROLE bedboard_night")
        conn.commit()
    try:
        result = run_cli("availability", db=url_as(pg_world.url, "zed"))
        assert result.returncode == 1
        assert result.stderr.strip() == (
            "bedboard: the database login zed is not a staff member of this database"
        )
    finally:
        drop_roles(pg_world.url, ["zed"])


def test_an_owner_that_may_not_create_roles_still_migrates(
    private_postgres_server: PostgresServer,
) -> None:
    """A fresh server whose bedboard owner has no CREATEROLE: the migration leaves the staff
    roles out, the program works as before for the owner, and `db check` says what is missing
    (the README's SQL for a superuser fixes it)."""
    url = private_postgres_server.create_database()
    u = make_url(url)
    with psycopg.connect(
        host=u.host, port=u.port, dbname=u.database, user="postgres", autocommit=True
    ) as conn:
        conn.execute("CREATE ROLE plain_owner LOGIN")
        conn.execute(
            sql.SQL("ALTER DATABASE {} OWNER TO plain_owner").format(
                sql.Identifier(str(u.database))
            )
        )
        conn.execute("ALTER SCHEMA public OWNER TO plain_owner")
    owned = url_as(url, "plain_owner")
    store = open_store(Settings(db=owned, user="tester"))
    try:
        assert store.db_login is None
        build_staff_world(store)  # the owner's PIN model, as before
    finally:
        store.close()
    missing = missing_protections(Settings(db=owned, user="tester"))
    assert missing == [
        "trigger audit_log_actor",
        "role bedboard_staff",
        "role bedboard_night",
        "role bedboard_outreach",
        "role bedboard_coordinator",
        "role bedboard_admin",
    ]

"""The schema comes from Alembic alone: up, down and up again on both backends, the models match
the migrations, a newer database is refused, two first starts at once migrate once, and the
migrations ship inside the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from bedboard.config import Settings
from bedboard.db import migrate
from bedboard.db.engine import make_engine
from bedboard.db.models import Base
from bedboard.errors import DatabaseError
from bedboard.services.beds import stays
from bedboard.store import Store, open_store
from tests.support.cli import REPO, run_cli
from tests.support.racing import StartLine, race
from tests.support.rules_world import NIGHT, NOW, build_world, table_contents

APP_TABLES = set(Base.metadata.tables)


def table_names(store: Store) -> set[str]:
    return set(inspect(store.engine).get_table_names())


def test_upgrade_downgrade_upgrade(store: Store) -> None:
    assert table_names(store) >= APP_TABLES
    with store.engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()

    migrate.downgrade(store.engine, "base")
    assert not (APP_TABLES & table_names(store))
    with store.engine.connect() as conn:
        assert migrate.current_revision(conn) is None

    migrate.upgrade(store.engine)
    assert table_names(store) >= APP_TABLES
    with store.engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
        assert conn.execute(text("SELECT id, value FROM revision")).all() == [(1, 0)]


def test_models_match_migrations(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "target_metadata": Base.metadata}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_at_head_is_a_no_op(store: Store) -> None:
    build_world(store)
    before = table_contents(store)
    migrate.upgrade(store.engine)
    reopened = open_store(store.settings)
    reopened.close()
    assert table_contents(store) == before  # not even the revision counter moved
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
            migrate.HEAD_REVISION
        ]


def _pretend_newer(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))


def test_newer_database_is_refused(store: Store) -> None:
    _pretend_newer(store)
    with pytest.raises(DatabaseError, match=r"9999_from_the_future.*newer bedboard"):
        open_store(store.settings)


def test_newer_database_is_refused_by_the_cli(store: Store) -> None:
    _pretend_newer(store)
    result = run_cli("availability", db=store.settings.db)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "9999_from_the_future" in lines[0] and "newer bedboard" in lines[0]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def _schema_counts(db: str) -> tuple[int, int]:
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one()
            revisions = conn.execute(text("SELECT count(*) FROM revision")).scalar_one()
    finally:
        engine.dispose()
    return versions, revisions


def test_four_cli_processes_start_on_an_empty_database_at_once(db_url: str, tmp_path: Path) -> None:
    if "://" not in db_url:  # a new SQLite file in a folder that does not exist yet
        db_url = str(tmp_path / "fresh" / "bedboard.sqlite3")
    cmd = [sys.executable, "-m", "bedboard", "db", "upgrade", "--db", db_url]
    procs = [
        subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    results = [(p.wait(timeout=60), *p.communicate()) for p in procs]
    for code, out, err in results:
        assert code == 0, err
        assert "revision" in out
    assert _schema_counts(db_url) == (1, 1)


def _open_each(line: StartLine, results: Any, dbs: list[str]) -> None:
    for round_no, db in enumerate(dbs):
        line.wait(round_no)
        try:
            open_store(Settings(db=db, user="racer")).close()
            results.put((round_no, "ok"))
        except Exception as exc:
            results.put((round_no, f"{type(exc).__name__}: {exc}"))


def test_first_start_race_in_a_new_folder(tmp_path: Path) -> None:
    """Started at the same instant, several processes make the folder, the file and the schema;
    each must succeed and the schema is migrated once."""
    dbs = [str(tmp_path / f"round{n}" / "new" / "bedboard.sqlite3") for n in range(4)]
    outcomes = race(_open_each, [(dbs,)] * 5, rounds=len(dbs))
    print(outcomes)
    assert [o for o in outcomes if o[1] != "ok"] == []
    for db in dbs:
        assert _schema_counts(db) == (1, 1)
        assert Path(db).stat().st_mode & 0o777 == 0o600
        assert Path(db).parent.stat().st_mode & 0o777 == 0o700


def test_sqlite_migration_can_rebuild_a_table_other_rows_refer_to(sqlite_url: str) -> None:
    """A future revision in batch mode copies and drops a table (units, say) that bed-nights
    refer to; SQLite only allows that with foreign keys off, so the migration transaction turns
    them off, checks them before committing, and turns them on again."""
    store = build_world(open_store(Settings(db=sqlite_url, user="t")))
    try:
        with store.write() as s:
            stays.check_in(s, unit="Hvilan/1", guest_code="G-1", night=NIGHT, actor="t", now=NOW)
        before = table_contents(store)
        with migrate.migration_transaction(store.engine) as conn:
            ops = Operations(MigrationContext.configure(conn))
            with ops.batch_alter_table("units", recreate="always") as batch:
                batch.add_column(sa.Column("note", sa.String(20), nullable=True))
        after = table_contents(store)
        assert after["units"] == [(*row, None) for row in before["units"]]
        assert after["bed_nights"] == before["bed_nights"]
        for _ in range(3):  # every pooled connection has its foreign keys on again
            with store.engine.connect() as c:
                assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        store.close()


def test_sqlite_migration_that_breaks_foreign_keys_changes_nothing(sqlite_url: str) -> None:
    store = build_world(open_store(Settings(db=sqlite_url, user="t")))
    try:
        before = table_contents(store)
        with (
            pytest.raises(DatabaseError, match="bed_nights pointing at missing rows of units"),
            migrate.migration_transaction(store.engine) as conn,
        ):
            conn.execute(
                text(
                    "INSERT INTO bed_nights (unit_id, night, state, payer_reference, reason) "
                    "VALUES (999, '2026-11-27', 'out_of_service', '', 'x')"
                )
            )
        assert table_contents(store) == before
    finally:
        store.close()


def test_wheel_ships_the_migrations(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("bedboard-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "bedboard/migrations/env.py" in names
    assert "bedboard/alembic.ini" in names
    assert "bedboard/migrations/script.py.mako" in names
    shipped = {n.rsplit("/", 1)[1] for n in names if n.startswith("bedboard/migrations/versions/")}
    in_repo = {p.name for p in (REPO / "migrations" / "versions").glob("*.py")}
    assert in_repo and in_repo <= shipped


def test_the_quick_head_check_names_the_newest_revision() -> None:
    # Every command compares the database with HEAD_REVISION before importing Alembic.
    assert migrate.head_revision() == migrate.HEAD_REVISION, (
        "a migration was added: set HEAD_REVISION in bedboard/db/migrate.py to it"
    )


def test_commands_on_a_current_database_do_not_import_alembic(sqlite_url: str) -> None:
    open_store(Settings(db=sqlite_url, user="t")).close()  # migrate once
    probe = (
        "import sys; from bedboard.config import Settings; from bedboard.store import open_store;"
        f"open_store(Settings(db={sqlite_url!r}, user='t')).close();"
        "print('alembic' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert result.stdout.strip() == "False", result.stderr

"""revision_changes: what each write changed, so an open board reads only that

Revision ID: 0008_revision_changes
Revises: 0007_pg_access
Create Date: 2026-11-30 22:45:00

A board that saw the revision move used to read its whole night again (5,000 units) and compare
every unit. Triggers now note, for each revision, the units' nights it touched (bed-nights
written, a hold's or a corrected night's rows) and mark with 'all' what cannot be narrowed down
(sites, units, payers, a guest's code or household, a revision that jumped, as a restored
backup's does). Every revision gets a 'write' row first, so a reader can tell its notes are
complete; only the last KEEP revisions are kept. Writes that do not bump the revision (the
benchmark generator's bulk load) note nothing: no board hears of them either.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision: str = "0008_revision_changes"
down_revision: str | None = "0007_pg_access"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEEP = 500  # revisions; a board further behind reads its night whole (services/beds/changed.py)
REV = "(SELECT value FROM revision WHERE id = 1)"
NOTING = f"EXISTS (SELECT 1 FROM revision_changes WHERE revision = {REV})"
COLUMNS = "revision_changes (revision, what, unit_id, night, guest_id)"
# The tables whose every change is an 'all': (table, operations, SQLite WHEN, PostgreSQL WHEN)
WHOLE = [
    ("sites", "INSERT OR UPDATE OR DELETE", "", ""),
    ("units", "INSERT OR UPDATE OR DELETE", "", ""),
    ("payers", "UPDATE OR DELETE", "", ""),
    ("guests", "DELETE", "", ""),
    ("guests", "INSERT", "NEW.household_id IS NOT NULL", "NEW.household_id IS NOT NULL"),
    (
        "guests",
        "UPDATE",
        "OLD.code IS NOT NEW.code OR OLD.household_id IS NOT NEW.household_id",
        "OLD.code IS DISTINCT FROM NEW.code OR OLD.household_id IS DISTINCT FROM NEW.household_id",
    ),
]


def _sqlite() -> list[str]:
    def unit(row: str) -> str:
        return (
            f"INSERT INTO {COLUMNS} VALUES ({REV}, 'unit', {row}.unit_id, {row}.night, "
            f"{row}.guest_id);"
        )

    def from_bed_nights(where: str) -> str:
        return (
            f"INSERT INTO {COLUMNS} SELECT {REV}, 'unit', unit_id, night, guest_id "
            f"FROM bed_nights WHERE {where};"
        )

    statements = [
        f"""CREATE TRIGGER revision_changes_write AFTER UPDATE OF value ON revision
            BEGIN
              INSERT INTO revision_changes (revision, what) VALUES
                (NEW.value, CASE WHEN NEW.value = OLD.value + 1 THEN 'write' ELSE 'all' END);
              DELETE FROM revision_changes WHERE revision <= NEW.value - {KEEP};
            END""",
        f"""CREATE TRIGGER revision_changes_bed_nights_insert AFTER INSERT ON bed_nights
            WHEN {NOTING} BEGIN {unit("NEW")} END""",
        f"""CREATE TRIGGER revision_changes_bed_nights_update AFTER UPDATE ON bed_nights
            WHEN {NOTING} BEGIN {unit("OLD")} {unit("NEW")} END""",
        f"""CREATE TRIGGER revision_changes_bed_nights_delete AFTER DELETE ON bed_nights
            WHEN {NOTING} BEGIN {unit("OLD")} END""",
        f"""CREATE TRIGGER revision_changes_adjustments AFTER INSERT ON adjustments
            WHEN {NOTING} BEGIN {from_bed_nights("id = NEW.bed_night_id")} END""",
        f"""CREATE TRIGGER revision_changes_holds AFTER UPDATE ON holds
            WHEN {NOTING} BEGIN {from_bed_nights("hold_id = NEW.id")} END""",
    ]
    for i, (table, operations, when, _pg_when) in enumerate(WHOLE):
        for operation in operations.split(" OR "):
            condition = f"{NOTING} AND ({when})" if when else NOTING
            statements.append(
                f"""CREATE TRIGGER revision_changes_all_{table}_{operation.lower()}_{i}
                    AFTER {operation} ON {table} WHEN {condition}
                    BEGIN INSERT INTO revision_changes (revision, what) VALUES ({REV}, 'all');
                    END"""
            )
    return statements


def _sqlite_drops() -> list[str]:
    names = [
        "revision_changes_write",
        "revision_changes_bed_nights_insert",
        "revision_changes_bed_nights_update",
        "revision_changes_bed_nights_delete",
        "revision_changes_adjustments",
        "revision_changes_holds",
    ]
    for i, (table, operations, _when, _pg_when) in enumerate(WHOLE):
        names += [f"revision_changes_all_{table}_{o.lower()}_{i}" for o in operations.split(" OR ")]
    return [f"DROP TRIGGER {name}" for name in names]


PG_FUNCTIONS = [
    f"""CREATE FUNCTION bedboard_revision_noted() RETURNS trigger AS $$
       BEGIN
         INSERT INTO revision_changes (revision, what) VALUES
           (NEW.value, CASE WHEN NEW.value = OLD.value + 1 THEN 'write' ELSE 'all' END);
         DELETE FROM revision_changes WHERE revision <= NEW.value - {KEEP};
         RETURN NEW;
       END $$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp""",
    f"""CREATE FUNCTION bedboard_change_noted() RETURNS trigger AS $$
       DECLARE
         rev integer := {REV};
       BEGIN
         IF NOT EXISTS (SELECT 1 FROM revision_changes WHERE revision = rev) THEN
           RETURN NULL;
         END IF;
         IF TG_TABLE_NAME = 'bed_nights' THEN
           IF TG_OP IN ('UPDATE', 'DELETE') THEN
             INSERT INTO {COLUMNS} VALUES (rev, 'unit', OLD.unit_id, OLD.night, OLD.guest_id);
           END IF;
           IF TG_OP IN ('INSERT', 'UPDATE') THEN
             INSERT INTO {COLUMNS} VALUES (rev, 'unit', NEW.unit_id, NEW.night, NEW.guest_id);
           END IF;
         ELSIF TG_TABLE_NAME = 'adjustments' THEN
           INSERT INTO {COLUMNS} SELECT rev, 'unit', unit_id, night, guest_id
             FROM bed_nights WHERE id = NEW.bed_night_id;
         ELSIF TG_TABLE_NAME = 'holds' THEN
           INSERT INTO {COLUMNS} SELECT rev, 'unit', unit_id, night, guest_id
             FROM bed_nights WHERE hold_id = NEW.id;
         ELSE
           INSERT INTO revision_changes (revision, what) VALUES (rev, 'all');
         END IF;
         RETURN NULL;
       END $$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp""",
]


def _postgresql() -> list[str]:
    statements = [
        *PG_FUNCTIONS,
        """CREATE TRIGGER revision_changes_write AFTER UPDATE OF value ON revision
           FOR EACH ROW EXECUTE FUNCTION bedboard_revision_noted()""",
        """CREATE TRIGGER revision_changes_bed_nights AFTER INSERT OR UPDATE OR DELETE
           ON bed_nights FOR EACH ROW EXECUTE FUNCTION bedboard_change_noted()""",
        """CREATE TRIGGER revision_changes_adjustments AFTER INSERT ON adjustments
           FOR EACH ROW EXECUTE FUNCTION bedboard_change_noted()""",
        """CREATE TRIGGER revision_changes_holds AFTER UPDATE ON holds
           FOR EACH ROW EXECUTE FUNCTION bedboard_change_noted()""",
    ]
    for i, (table, operations, _when, when) in enumerate(WHOLE):
        condition = f" WHEN ({when})" if when else ""
        statements.append(
            f"""CREATE TRIGGER revision_changes_all_{i} AFTER {operations} ON {table}
                FOR EACH ROW{condition} EXECUTE FUNCTION bedboard_change_noted()"""
        )
    return statements


def _postgresql_drops() -> list[str]:
    drops = [
        "DROP TRIGGER revision_changes_write ON revision",
        "DROP TRIGGER revision_changes_bed_nights ON bed_nights",
        "DROP TRIGGER revision_changes_adjustments ON adjustments",
        "DROP TRIGGER revision_changes_holds ON holds",
    ]
    drops += [f"DROP TRIGGER revision_changes_all_{i} ON {t}" for i, (t, *_) in enumerate(WHOLE)]
    return [
        *drops,
        "DROP FUNCTION bedboard_change_noted()",
        "DROP FUNCTION bedboard_revision_noted()",
    ]


# name, type, may be empty
TABLE = (
    ("revision", sa.Integer(), False),
    ("what", sa.String(length=5), False),
    ("unit_id", sa.Integer(), True),
    ("night", sa.Date(), True),
    ("guest_id", sa.Integer(), True),
)


def upgrade() -> None:
    op.create_table(
        "revision_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        *(sa.Column(name, kind, nullable=empty) for name, kind, empty in TABLE),
        sa.CheckConstraint(
            "what IN ('write', 'unit', 'all')", name=op.f("ck_revision_changes_what")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revision_changes")),
    )
    op.create_index(op.f("ix_revision_changes_revision"), "revision_changes", ["revision"])
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        for statement in _sqlite():
            op.execute(statement)
        return
    schema = '"' + str(conn.execute(text("SELECT current_schema()")).scalar()) + '"'
    for statement in _postgresql():
        op.execute(statement.replace("{schema}", schema))
    staff = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = 'bedboard_staff'")).first()
    if staff is not None:  # staff logins' boards read the notes (the triggers write them)
        op.execute("GRANT SELECT ON revision_changes TO bedboard_staff")


def downgrade() -> None:
    conn = op.get_bind()
    drops = _postgresql_drops() if conn.dialect.name == "postgresql" else _sqlite_drops()
    for statement in drops:
        op.execute(statement)
    op.drop_index(op.f("ix_revision_changes_revision"), table_name="revision_changes")
    op.drop_table("revision_changes")

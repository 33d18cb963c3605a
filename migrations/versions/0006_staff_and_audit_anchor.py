"""staff, their sites, and the audit anchor

Revision ID: 0006_staff
Revises: 0005_holds
Create Date: 2026-11-30 16:40:00

Staff and the sites night workers work at. The audit anchor is one row that a trigger moves
forward with every audit entry (count, newest id, newest hash): entries cut from the end of
the log, which the hash chain alone cannot show, no longer match it. A second trigger lets the
anchor move only one entry forward at a time, onto the newest entry.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_staff"
down_revision: str | None = "0005_holds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ANCHOR_LOCKS = {
    "sqlite": [
        """CREATE TRIGGER audit_log_anchor AFTER INSERT ON audit_log
           BEGIN
             UPDATE audit_anchor
                SET entries = entries + 1, last_id = NEW.id, last_hash = NEW.hash
              WHERE id = 1;
           END""",
        """CREATE TRIGGER audit_anchor_forward_only BEFORE UPDATE ON audit_anchor
           WHEN NEW.entries <> OLD.entries + 1
             OR NEW.last_id IS NOT (SELECT max(id) FROM audit_log)
             OR NEW.last_hash IS NOT (SELECT hash FROM audit_log WHERE id = NEW.last_id)
           BEGIN SELECT RAISE(ABORT, 'bedboard: audit log is append-only'); END""",
        """CREATE TRIGGER audit_anchor_no_delete BEFORE DELETE ON audit_anchor
           BEGIN SELECT RAISE(ABORT, 'bedboard: audit log is append-only'); END""",
    ],
    "postgresql": [
        """CREATE FUNCTION bedboard_audit_anchor() RETURNS trigger AS $$
           BEGIN
             UPDATE audit_anchor
                SET entries = entries + 1, last_id = NEW.id, last_hash = NEW.hash
              WHERE id = 1;
             RETURN NEW;
           END $$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}""",
        """CREATE TRIGGER audit_log_anchor AFTER INSERT ON audit_log
           FOR EACH ROW EXECUTE FUNCTION bedboard_audit_anchor()""",
        """CREATE FUNCTION bedboard_anchor_forward_only() RETURNS trigger AS $$
           BEGIN
             IF TG_OP = 'DELETE'
                OR NEW.entries <> OLD.entries + 1
                OR NEW.last_id IS DISTINCT FROM (SELECT max(id) FROM audit_log)
                OR NEW.last_hash IS DISTINCT FROM
                   (SELECT hash FROM audit_log WHERE id = NEW.last_id) THEN
               RAISE EXCEPTION 'bedboard: audit log is append-only';
             END IF;
             RETURN NEW;
           END $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER audit_anchor_forward_only BEFORE UPDATE OR DELETE ON audit_anchor
           FOR EACH ROW EXECUTE FUNCTION bedboard_anchor_forward_only()""",
    ],
}
ANCHOR_UNLOCKS = {
    "sqlite": [
        "DROP TRIGGER audit_anchor_no_delete",
        "DROP TRIGGER audit_anchor_forward_only",
        "DROP TRIGGER audit_log_anchor",
    ],
    "postgresql": [
        "DROP TRIGGER audit_anchor_forward_only ON audit_anchor",
        "DROP FUNCTION bedboard_anchor_forward_only()",
        "DROP TRIGGER audit_log_anchor ON audit_log",
        "DROP FUNCTION bedboard_audit_anchor()",
    ],
}


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=63), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("pin_hash", sa.String(length=300), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_pins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "role IN ('night', 'outreach', 'coordinator', 'admin')", name=op.f("ck_staff_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("login", name=op.f("uq_staff_login")),
    )
    op.create_table(
        "staff_sites",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_staff_sites_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_staff_sites_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("staff_id", "site_id", name=op.f("pk_staff_sites")),
    )
    op.create_table(
        "audit_anchor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_anchor")),
    )
    # The anchor starts where the log already is.
    op.execute(
        """INSERT INTO audit_anchor (id, entries, last_id, last_hash)
           SELECT 1, (SELECT count(*) FROM audit_log),
                  COALESCE((SELECT max(id) FROM audit_log), 0),
                  COALESCE((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), '')"""
    )
    bind = op.get_bind()
    schema = (
        bind.execute(sa.text("SELECT current_schema()")).scalar()
        if (bind.dialect.name == "postgresql")
        else ""
    )
    for statement in ANCHOR_LOCKS[bind.dialect.name]:
        op.execute(statement.replace("{schema}", f'"{schema}"'))


def downgrade() -> None:
    for statement in ANCHOR_UNLOCKS[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_table("audit_anchor")
    op.drop_table("staff_sites")
    op.drop_table("staff")

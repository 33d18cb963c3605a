"""people: households, guest gender/needs/household, avoid rules, holds over several units and
nights, turnaways' unmet needs

Revision ID: 0002_people
Revises: 0001
Create Date: 2026-11-30 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_people"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "households",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_households")),
        sa.UniqueConstraint("code", name=op.f("uq_households_code")),
    )
    with op.batch_alter_table("guests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gender", sa.String(length=10), nullable=True))
        batch_op.add_column(
            sa.Column("needs", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("household_id", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            "gender", "gender IS NULL OR gender IN ('woman', 'man', 'other')"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_guests_household_id_households"), "households", ["household_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_guests_household_id"), ["household_id"], unique=False)
    with op.batch_alter_table("guests", schema=None) as batch_op:
        batch_op.alter_column("needs", server_default=None)

    op.create_table(
        "avoid_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guest_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("area", sa.String(length=200), nullable=True),
        sa.Column("other_guest_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.CheckConstraint(
            "(CASE WHEN site_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN area IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN other_guest_id IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_avoid_rules_one_target"),
        ),
        sa.CheckConstraint(
            "other_guest_id IS NULL OR other_guest_id <> guest_id",
            name=op.f("ck_avoid_rules_not_self"),
        ),
        sa.ForeignKeyConstraint(
            ["guest_id"], ["guests.id"], name=op.f("fk_avoid_rules_guest_id_guests")
        ),
        sa.ForeignKeyConstraint(
            ["other_guest_id"], ["guests.id"], name=op.f("fk_avoid_rules_other_guest_id_guests")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_avoid_rules_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_avoid_rules")),
    )
    with op.batch_alter_table("avoid_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_avoid_rules_guest_id"), ["guest_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_avoid_rules_other_guest_id"), ["other_guest_id"], unique=False
        )

    with op.batch_alter_table("holds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nights", sa.Integer(), nullable=False, server_default="1"))
        batch_op.create_check_constraint("nights_positive", "nights >= 1")
    with op.batch_alter_table("holds", schema=None) as batch_op:
        batch_op.alter_column("nights", server_default=None)
    op.create_table(
        "hold_units",
        sa.Column("hold_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hold_id"], ["holds.id"], name=op.f("fk_hold_units_hold_id_holds")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_hold_units_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("hold_id", "position", name=op.f("pk_hold_units")),
        sa.UniqueConstraint("hold_id", "unit_id", name=op.f("uq_hold_units_hold_id_unit_id")),
    )
    # Every hold made before had one unit and one night.
    op.execute(
        "INSERT INTO hold_units (hold_id, position, unit_id) SELECT id, 0, unit_id FROM holds"
    )

    with op.batch_alter_table("turnaways", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("needs", sa.String(length=200), nullable=False, server_default="")
        )
    with op.batch_alter_table("turnaways", schema=None) as batch_op:
        batch_op.alter_column("needs", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("turnaways", schema=None) as batch_op:
        batch_op.drop_column("needs")
    op.drop_table("hold_units")
    with op.batch_alter_table("holds", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_holds_nights_positive"), type_="check")
        batch_op.drop_column("nights")
    with op.batch_alter_table("avoid_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_avoid_rules_other_guest_id"))
        batch_op.drop_index(batch_op.f("ix_avoid_rules_guest_id"))
    op.drop_table("avoid_rules")
    with op.batch_alter_table("guests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guests_household_id"))
        batch_op.drop_constraint(op.f("fk_guests_household_id_households"), type_="foreignkey")
        batch_op.drop_constraint(op.f("ck_guests_gender"), type_="check")
        batch_op.drop_column("household_id")
        batch_op.drop_column("needs")
        batch_op.drop_column("gender")
    op.drop_table("households")

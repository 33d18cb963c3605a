"""commitments may name a household instead of a guest

Revision ID: 0004_payers_households
Revises: 0003_payers
Create Date: 2026-11-30 17:40:00

A household's commitment pays for every member's nights; its cap counts them together.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_payers_households"
down_revision: str | None = "0003_payers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("household_id", sa.Integer(), nullable=True))
        batch_op.alter_column("guest_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_commitments_household_id_households"),
            "households",
            ["household_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_commitments_one_party"), "(guest_id IS NULL) <> (household_id IS NULL)"
        )
        batch_op.create_index("ix_commitments_household_id", ["household_id"], unique=False)


def downgrade() -> None:
    # A household's commitment has no single guest to go back to, and nights point at it.
    count = (
        op.get_bind()
        .execute(sa.text("SELECT count(*) FROM commitments WHERE guest_id IS NULL"))
        .scalar()
    )
    if count:
        raise RuntimeError(f"{count} commitment(s) name a household; they cannot be downgraded")
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_index("ix_commitments_household_id")
        batch_op.drop_constraint(batch_op.f("ck_commitments_one_party"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_commitments_household_id_households"), type_="foreignkey"
        )
        batch_op.alter_column("guest_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("household_id")

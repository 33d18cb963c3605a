"""holds: an `expired` status of its own, and no note about who a hold was for once it ended

Revision ID: 0005_holds
Revises: 0004_payers_households
Create Date: 2026-11-30 16:50:00

An expired hold used to be marked `cancelled` as if someone had cancelled it. Who a hold is for
is free text that may name a person; it is now kept only while the hold is active, so the notes
of holds that already ended are erased here.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_holds"
down_revision: str | None = "0004_payers_households"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("holds") as batch:
        batch.drop_constraint(op.f("ck_holds_status"), type_="check")
        batch.create_check_constraint(
            "status", "status IN ('active', 'confirmed', 'cancelled', 'expired')"
        )
    op.execute("UPDATE holds SET held_for = '' WHERE status <> 'active'")


def downgrade() -> None:
    op.execute("UPDATE holds SET status = 'cancelled' WHERE status = 'expired'")
    with op.batch_alter_table("holds") as batch:
        batch.drop_constraint(op.f("ck_holds_status"), type_="check")
        batch.create_check_constraint("status", "status IN ('active', 'confirmed', 'cancelled')")

"""Bed-nights' night and stay indexes carry the columns the board's stay lookup reads

Revision ID: 0010_covering_indexes
Revises: 0009_confirmations_expire
Create Date: 2026-12-01 01:30:00

The board shows each guest's night "n of m": for every stay on the night it reads the stay's
first and last night. Through an index on `stay_id` alone each of a stay's bed-nights was
fetched from the table, scattered over years of rows, so the lookup grew with the history
(issue 16: 1.4x slower with three years than with three months). Indexes on (stay_id, night,
guest_id) and (night, stay_id) answer it from the index alone. They replace the two narrower
ones (a prefix of each), so writes keep two indexes, not four.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_covering_indexes"
down_revision: str | None = "0009_confirmations_expire"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_bed_nights_night_stay", "bed_nights", ["night", "stay_id"])
    op.create_index("ix_bed_nights_stay_night", "bed_nights", ["stay_id", "night", "guest_id"])
    op.drop_index("ix_bed_nights_night", "bed_nights")
    op.drop_index("ix_bed_nights_stay_id", "bed_nights")


def downgrade() -> None:
    op.create_index("ix_bed_nights_night", "bed_nights", ["night"])
    op.create_index("ix_bed_nights_stay_id", "bed_nights", ["stay_id"])
    op.drop_index("ix_bed_nights_stay_night", "bed_nights")
    op.drop_index("ix_bed_nights_night_stay", "bed_nights")

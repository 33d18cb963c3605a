"""payers' decisions: commitments, credits and rebills, compensation rates, more payer kinds

Revision ID: 0003_payers
Revises: 0002_people
Create Date: 2026-11-30 16:45:00

A closed night's `closed_nights` row and every adjustment (credits and rebills included) are
locked like posted bed-nights: triggers refuse UPDATE and DELETE on both backends.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_payers"
down_revision: str | None = "0002_people"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = ("police", "court", "social_services", "migration_agency", "embassy", "ngo", "own")
NEW_KINDS = (*OLD_KINDS, "prosecutor", "municipality", "region", "other")


def _in(values: tuple[str, ...]) -> str:
    return f"kind IN ({', '.join(repr(v) for v in values)})"


LOCKS = {
    "sqlite": [
        """CREATE TRIGGER closed_nights_no_update BEFORE UPDATE ON closed_nights
           BEGIN SELECT RAISE(ABORT, 'bedboard: closed night is locked'); END""",
        """CREATE TRIGGER closed_nights_no_delete BEFORE DELETE ON closed_nights
           BEGIN SELECT RAISE(ABORT, 'bedboard: closed night is locked'); END""",
        """CREATE TRIGGER adjustments_no_update BEFORE UPDATE ON adjustments
           BEGIN SELECT RAISE(ABORT, 'bedboard: adjustment is locked'); END""",
        """CREATE TRIGGER adjustments_no_delete BEFORE DELETE ON adjustments
           BEGIN SELECT RAISE(ABORT, 'bedboard: adjustment is locked'); END""",
    ],
    "postgresql": [
        """CREATE FUNCTION bedboard_locked_row() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'bedboard: % is locked', TG_ARGV[0]; END $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER closed_nights_locked BEFORE UPDATE OR DELETE ON closed_nights
           FOR EACH ROW EXECUTE FUNCTION bedboard_locked_row('closed night')""",
        """CREATE TRIGGER adjustments_locked BEFORE UPDATE OR DELETE ON adjustments
           FOR EACH ROW EXECUTE FUNCTION bedboard_locked_row('adjustment')""",
    ],
}
UNLOCKS = {
    "sqlite": [
        "DROP TRIGGER closed_nights_no_update",
        "DROP TRIGGER closed_nights_no_delete",
        "DROP TRIGGER adjustments_no_update",
        "DROP TRIGGER adjustments_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER adjustments_locked ON adjustments",
        "DROP TRIGGER closed_nights_locked ON closed_nights",
        "DROP FUNCTION bedboard_locked_row()",
    ],
}

# Revision 0001's triggers on bed_nights (SQLite), restored after a downgrade rebuilds it.
BED_NIGHT_LOCKS_0001 = {
    "bed_nights_posted_no_update": """CREATE TRIGGER bed_nights_posted_no_update
       BEFORE UPDATE ON bed_nights WHEN OLD.posted_at IS NOT NULL
       BEGIN SELECT RAISE(ABORT, 'bedboard: posted bed-night is locked'); END""",
    "bed_nights_posted_no_delete": """CREATE TRIGGER bed_nights_posted_no_delete
       BEFORE DELETE ON bed_nights WHEN OLD.posted_at IS NOT NULL
       BEGIN SELECT RAISE(ABORT, 'bedboard: posted bed-night is locked'); END""",
    "bed_nights_closed_night_no_insert": """CREATE TRIGGER bed_nights_closed_night_no_insert
       BEFORE INSERT ON bed_nights
       WHEN EXISTS (SELECT 1 FROM closed_nights WHERE night = NEW.night)
       BEGIN SELECT RAISE(ABORT, 'bedboard: night is closed'); END""",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("payers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_payers_kind"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_payers_kind"), _in(NEW_KINDS))

    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payer_id", sa.Integer(), nullable=False),
        sa.Column("guest_id", sa.Integer(), nullable=False),
        sa.Column("first_night", sa.Date(), nullable=False),
        sa.Column("last_night", sa.Date(), nullable=True),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("max_nights", sa.Integer(), nullable=True),
        sa.Column("max_amount", sa.Integer(), nullable=True),
        sa.Column("signed_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.CheckConstraint(
            "max_nights IS NULL OR max_nights > 0", name=op.f("ck_commitments_max_nights_positive")
        ),
        sa.CheckConstraint(
            "max_amount IS NULL OR max_amount > 0", name=op.f("ck_commitments_max_amount_positive")
        ),
        sa.CheckConstraint(
            "last_night IS NULL OR last_night >= first_night", name=op.f("ck_commitments_range")
        ),
        sa.ForeignKeyConstraint(
            ["guest_id"], ["guests.id"], name=op.f("fk_commitments_guest_id_guests")
        ),
        sa.ForeignKeyConstraint(
            ["payer_id"], ["payers.id"], name=op.f("fk_commitments_payer_id_payers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitments")),
    )
    op.create_index("ix_commitments_guest_id", "commitments", ["guest_id"], unique=False)

    op.create_table(
        "compensation_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("site_kind", sa.String(length=20), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_compensation_rates_amount_not_negative")),
        sa.CheckConstraint(
            "site_kind IS NULL OR site_kind = 'host_family'",
            name=op.f("ck_compensation_rates_site_kind"),
        ),
        sa.CheckConstraint(
            "(site_kind IS NULL) <> (site_id IS NULL)", name=op.f("ck_compensation_rates_one_scope")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_compensation_rates_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compensation_rates")),
    )

    # bed_nights keeps its triggers: on SQLite a column is added in place (a batch rebuild
    # would drop the locks with the old table).
    if dialect == "sqlite":
        op.execute(
            "ALTER TABLE bed_nights ADD COLUMN commitment_id INTEGER "
            "CONSTRAINT fk_bed_nights_commitment_id_commitments REFERENCES commitments (id)"
        )
    else:
        op.add_column("bed_nights", sa.Column("commitment_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_bed_nights_commitment_id_commitments"),
            "bed_nights",
            "commitments",
            ["commitment_id"],
            ["id"],
        )

    with op.batch_alter_table("adjustments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="adjustment")
        )
        batch_op.add_column(sa.Column("payer_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("payer_reference", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_adjustments_kind"), "kind IN ('adjustment', 'credit', 'rebill')"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_adjustments_payer_id_payers"), "payers", ["payer_id"], ["id"]
        )
    # An adjustment made before this revision was billed to its night's payer: say so on the
    # row, before the rows are locked.
    op.execute(
        "UPDATE adjustments SET payer_id = (SELECT b.payer_id FROM bed_nights b "
        "WHERE b.id = adjustments.bed_night_id), payer_reference = (SELECT b.payer_reference "
        "FROM bed_nights b WHERE b.id = adjustments.bed_night_id)"
    )
    with op.batch_alter_table("adjustments", schema=None) as batch_op:
        batch_op.alter_column("kind", server_default=None)
        batch_op.alter_column("payer_reference", server_default=None)

    for statement in LOCKS[dialect]:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in UNLOCKS[dialect]:
        op.execute(statement)
    with op.batch_alter_table("adjustments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_adjustments_payer_id_payers"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("ck_adjustments_kind"), type_="check")
        batch_op.drop_column("payer_reference")
        batch_op.drop_column("payer_id")
        batch_op.drop_column("kind")
    if dialect == "sqlite":
        # SQLite cannot drop a column with a foreign key in place: rebuild the table, and put
        # back the locks of revision 0001 that went with the old one.
        for name in BED_NIGHT_LOCKS_0001:
            op.execute(f"DROP TRIGGER {name}")
        with op.batch_alter_table("bed_nights", schema=None, recreate="always") as batch_op:
            batch_op.drop_column("commitment_id")
        for statement in BED_NIGHT_LOCKS_0001.values():
            op.execute(statement)
    else:
        op.drop_constraint(
            op.f("fk_bed_nights_commitment_id_commitments"), "bed_nights", type_="foreignkey"
        )
        op.drop_column("bed_nights", "commitment_id")
    op.drop_table("compensation_rates")
    op.drop_index("ix_commitments_guest_id", table_name="commitments")
    op.drop_table("commitments")
    with op.batch_alter_table("payers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_payers_kind"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_payers_kind"), _in(OLD_KINDS))

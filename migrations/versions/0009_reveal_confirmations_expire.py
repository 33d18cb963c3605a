"""PostgreSQL: confirmations of reveals that were not used in time are deleted

Revision ID: 0009_confirmations_expire
Revises: 0008_revision_changes
Create Date: 2026-11-30 23:50:00

A second staff member's confirmation (bedboard_confirm_reveal) serves one reveal within 15
minutes; the reveal function deletes the one it uses. One never used (the name was not asked
for after all, or that reveal failed) stayed for ever: who confirmed whom for which guest, long
after its purpose. Now every new confirmation first deletes those older than 15 minutes, in the
database (a statement trigger, as the table's owner), so the table holds at most the last 15
minutes' unused ones. SQLite keeps no confirmations (the second PIN is checked on the spot).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_confirmations_expire"
down_revision: str | None = "0008_revision_changes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EXPIRE = """CREATE FUNCTION bedboard_reveal_confirmations_expire() RETURNS trigger
   LANGUAGE plpgsql AS $$
   BEGIN
     -- The reveal function accepts a confirmation for 15 minutes (migration 0007).
     DELETE FROM reveal_confirmations
      WHERE at <= (now() AT TIME ZONE 'UTC') - interval '15 minutes';
     RETURN NULL;
   END $$"""
TRIGGER = (
    "CREATE TRIGGER reveal_confirmations_expire BEFORE INSERT ON reveal_confirmations "
    "FOR EACH STATEMENT EXECUTE FUNCTION bedboard_reveal_confirmations_expire()"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(EXPIRE)
    op.execute(TRIGGER)
    # What expired before this revision goes now.
    op.execute(
        "DELETE FROM reveal_confirmations "
        "WHERE at <= (now() AT TIME ZONE 'UTC') - interval '15 minutes'"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER reveal_confirmations_expire ON reveal_confirmations")
    op.execute("DROP FUNCTION bedboard_reveal_confirmations_expire()")

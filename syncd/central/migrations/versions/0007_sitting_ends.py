"""Ending a sitting from the central: when its end was sent to the hall, by whom, its item.

Revision ID: c0007
Revises: c0006
"""

import sqlalchemy as sa
from alembic import op

revision = "c0007"
down_revision = "c0006"
branch_labels = None
depends_on = None

_COLUMNS = ("end_seq", "end_sent_by", "end_sent_at")


def upgrade() -> None:
    """Adds central_sittings.end_sent_at, end_sent_by, end_seq."""
    with op.batch_alter_table("central_sittings") as batch:
        batch.add_column(sa.Column("end_sent_at", sa.Float))
        batch.add_column(sa.Column("end_sent_by", sa.String(128)))
        batch.add_column(sa.Column("end_seq", sa.BigInteger))


def downgrade() -> None:
    """Drops them."""
    with op.batch_alter_table("central_sittings") as batch:
        for name in _COLUMNS:
            batch.drop_column(name)

"""Halls' names, as their hellos give them (the page shows a hall by name, not by hex id).

Revision ID: c0003
Revises: c0002
"""

import sqlalchemy as sa
from alembic import op

revision = "c0003"
down_revision = "c0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Adds halls.name."""
    with op.batch_alter_table("halls") as batch:
        batch.add_column(sa.Column("name", sa.String(128)))


def downgrade() -> None:
    """Drops it."""
    with op.batch_alter_table("halls") as batch:
        batch.drop_column("name")

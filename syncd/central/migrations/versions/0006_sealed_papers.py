"""Sealed papers: a sitting's own key and release code, kept sealed, and when it was released.

Revision ID: c0006
Revises: c0005
"""

import sqlalchemy as sa
from alembic import op

revision = "c0006"
down_revision = "c0005"
branch_labels = None
depends_on = None

_COLUMNS = ("released_by", "released_at", "release_code", "sitting_key", "sealed")


def upgrade() -> None:
    """Adds central_sittings.sealed, sitting_key, release_code, released_at, released_by."""
    with op.batch_alter_table("central_sittings") as batch:
        batch.add_column(sa.Column("sealed", sa.Boolean, nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("sitting_key", sa.LargeBinary))
        batch.add_column(sa.Column("release_code", sa.LargeBinary))
        batch.add_column(sa.Column("released_at", sa.Float))
        batch.add_column(sa.Column("released_by", sa.String(128)))


def downgrade() -> None:
    """Drops them."""
    with op.batch_alter_table("central_sittings") as batch:
        for name in _COLUMNS:
            batch.drop_column(name)

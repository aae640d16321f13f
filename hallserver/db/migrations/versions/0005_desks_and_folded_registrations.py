"""The hall's desks (a seat plan: desk names for PCs, where each stands in the room),
registration numbers found whatever their case, and alerts that close themselves.

Revision ID: 0005_desks
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_desks"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Adds the desks table, an index on the case-folded registration number, and why an
    alert closed itself."""
    op.create_table(
        "desks",
        sa.Column("name", sa.String, primary_key=True),
        sa.Column("pc_address", sa.String, unique=True),
        sa.Column("pc_id", sa.String, unique=True),
        sa.Column("room_row", sa.Integer),
        sa.Column("room_column", sa.Integer),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_index("candidates_registration_folded", "candidates",
                    [sa.text("lower(registration_number)")])
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("resolved", sa.String))

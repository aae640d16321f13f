"""Devices and leases: each login is a device, and one device holds a session's lease.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Adds the devices table and the lease columns of exam sessions."""
    op.create_table(
        "devices",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("candidate_id", sa.Integer, sa.ForeignKey("candidates.id"), nullable=False),
        sa.Column("token_hash", sa.LargeBinary, nullable=False, unique=True),
        sa.Column("address", sa.String),
        sa.Column("user_agent", sa.String),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("ended_at", sa.Float),
    )
    with op.batch_alter_table("exam_sessions") as batch:
        batch.add_column(sa.Column("lease_device", sa.String))
        batch.add_column(sa.Column("lease_since", sa.Float))

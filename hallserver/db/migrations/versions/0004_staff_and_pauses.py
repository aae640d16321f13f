"""Staff and invigilation: staff accounts and logins, pauses, alerts, moves awaiting approval.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Adds staff, staff_devices, alerts, the pause columns and the requested lease."""
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String, nullable=False, unique=True),
        sa.Column("role", sa.String, nullable=False),
        sa.Column("password_hash", sa.String, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "staff_devices",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("token_hash", sa.LargeBinary, nullable=False, unique=True),
        sa.Column("address", sa.String),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("ended_at", sa.Float),
    )
    with op.batch_alter_table("exam_records") as batch:
        batch.add_column(sa.Column("paused_at", sa.Float))
        batch.add_column(sa.Column("pause_kind", sa.String))
    with op.batch_alter_table("exam_sessions") as batch:
        batch.add_column(sa.Column("lease_requested", sa.String))
    op.create_table(
        "alerts",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("registration_number", sa.String, nullable=False),
        sa.Column("exam_id", sa.String, nullable=False),
        sa.Column("session_id", sa.String),
        sa.Column("raised_at", sa.Float, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("acknowledged_at", sa.Float),
        sa.Column("acknowledged_by", sa.String),
    )
    op.create_index("alerts_open", "alerts", ["acknowledged_at", "raised_at"])

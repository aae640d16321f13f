"""The central's first schema: halls, epochs, events, batches, sessions.

Revision ID: c0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "c0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Creates the central's tables."""
    op.create_table(
        "central_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "halls",
        sa.Column("hall_id", sa.String(64), primary_key=True),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("enrolled_at", sa.Float, nullable=False),
        sa.Column("revoked_at", sa.Float),
        sa.Column("epoch", sa.Integer, nullable=False),
        sa.Column("high_water_mark", sa.BigInteger, nullable=False),
        sa.Column("head_hash", sa.LargeBinary, nullable=False),
        sa.Column("last_sync_at", sa.Float),
        sa.Column("last_hello_at", sa.Float),
        sa.Column("backlog_events", sa.BigInteger, nullable=False),
        sa.Column("backlog_sessions", sa.BigInteger, nullable=False),
        sa.Column("alarm", sa.Text),
        sa.Column("alarm_at", sa.Float),
    )
    op.create_table(
        "epochs",
        sa.Column("hall_id", sa.String(64), primary_key=True),
        sa.Column("epoch", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("parent_epoch", sa.Integer),
        sa.Column("base_seq", sa.BigInteger, nullable=False),
        sa.Column("base_hash", sa.LargeBinary, nullable=False),
        sa.Column("high_water_mark", sa.BigInteger, nullable=False),
        sa.Column("head_hash", sa.LargeBinary, nullable=False),
        sa.Column("stopped", sa.Text),
        sa.Column("started_at", sa.Float, nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("hall_id", sa.String(64), primary_key=True),
        sa.Column("epoch", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("written_epoch", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("session_id", sa.String(64)),
        sa.Column("occurred_at", sa.Float, nullable=False),
        sa.Column("prev_hash", sa.LargeBinary, nullable=False),
        sa.Column("hash", sa.LargeBinary, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("received_at", sa.Float, nullable=False),
    )
    op.create_table(
        "batches",
        sa.Column("hall_id", sa.String(64), primary_key=True),
        sa.Column("epoch", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("first_seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("digest", sa.LargeBinary, primary_key=True),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("received_at", sa.Float, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("hall_id", sa.String(64), primary_key=True),
        sa.Column("session_id", sa.String(64), primary_key=True),
        sa.Column("exam_id", sa.String(128), nullable=False),
        sa.Column("registration_number", sa.String(128), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("epoch", sa.Integer, nullable=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("started_at", sa.Float),
        sa.Column("completed_at", sa.Float),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.Column("ignored_after_final", sa.Integer, nullable=False),
    )
    op.create_index("sessions_state", "sessions", ["state"])
    op.create_index("sessions_candidate", "sessions", ["registration_number"])


def downgrade() -> None:
    """Drops the central's tables."""
    for table in ("sessions", "batches", "events", "epochs", "halls", "central_meta"):
        op.drop_table(table)

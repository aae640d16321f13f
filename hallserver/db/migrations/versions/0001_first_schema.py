"""The first schema: exams, questions, candidates, exam records, exam sessions, the events log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Creates the first tables."""
    op.create_table(
        "hall_meta",
        sa.Column("key", sa.String, primary_key=True),
        sa.Column("value", sa.String, nullable=False),
    )
    op.create_table(
        "exams",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("title", sa.String, nullable=False),
        sa.Column("duration_seconds", sa.Integer, nullable=False),
        sa.Column("shuffle_questions", sa.Boolean, nullable=False),
        sa.Column("shuffle_options", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "questions",
        sa.Column("exam_id", sa.String, sa.ForeignKey("exams.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
    )
    op.create_table(
        "candidates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("registration_number", sa.String, nullable=False, unique=True),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("pin_hash", sa.String, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "exam_records",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("candidate_id", sa.Integer, sa.ForeignKey("candidates.id"), nullable=False),
        sa.Column("exam_id", sa.String, sa.ForeignKey("exams.id"), nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("started_at", sa.Float),
        sa.Column("deadline", sa.Float),
        sa.Column("completed_at", sa.Float),
        sa.Column("result", sa.LargeBinary),
        sa.UniqueConstraint("candidate_id", "exam_id"),
    )
    op.create_index("exam_records_open", "exam_records", ["status", "deadline"])
    op.create_table(
        "exam_sessions",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("exam_record_id", sa.Integer, sa.ForeignKey("exam_records.id"), nullable=False,
                  unique=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("session_data", sa.LargeBinary, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("last_saved", sa.Float),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("epoch", sa.Integer, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("session_id", sa.String),
        sa.Column("occurred_at", sa.Float, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("prev_hash", sa.LargeBinary, nullable=False),
        sa.Column("hash", sa.LargeBinary, nullable=False),
    )
    op.create_index("events_session", "events", ["session_id", "seq"])

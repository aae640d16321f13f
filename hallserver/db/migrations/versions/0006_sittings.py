"""Sittings: the invigilator runs the exam for the whole hall (scheduled, checked in, started,
ended), with attendance and incidents; an exam record names the sitting that holds it.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_sittings"
down_revision = "0005_desks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Adds sittings, sitting_exams, attendance, incidents and exam_records.sitting_id."""
    op.create_table(
        "sittings",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("starts_at", sa.Float, nullable=False),
        sa.Column("check_in_minutes", sa.Integer, nullable=False),
        sa.Column("policy", sa.String, nullable=False),
        sa.Column("late_entry_minutes", sa.Integer, nullable=False),
        sa.Column("instructions", sa.Text, nullable=False),
        sa.Column("everyone", sa.Boolean, nullable=False),
        sa.Column("state", sa.String, nullable=False),
        sa.Column("started_at", sa.Float),
        sa.Column("started_by", sa.String),
        sa.Column("ended_at", sa.Float),
        sa.Column("ended_by", sa.String),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("created_by", sa.String, nullable=False),
    )
    op.create_table(
        "sitting_exams",
        sa.Column("sitting_id", sa.String, sa.ForeignKey("sittings.id"), primary_key=True),
        sa.Column("exam_id", sa.String, sa.ForeignKey("exams.id"), primary_key=True),
    )
    op.create_table(
        "attendance",
        sa.Column("sitting_id", sa.String, sa.ForeignKey("sittings.id"), primary_key=True),
        sa.Column("candidate_id", sa.Integer, sa.ForeignKey("candidates.id"), primary_key=True),
        sa.Column("checked_in_at", sa.Float),
        sa.Column("started_at", sa.Float),
        sa.Column("absent_at", sa.Float),
        sa.Column("absent_by", sa.String),
        sa.Column("admitted_at", sa.Float),
        sa.Column("admitted_minutes", sa.Integer),
        sa.Column("admitted_by", sa.String),
        sa.Column("refused_at", sa.Float),
        sa.Column("refusals", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("sitting_id", sa.String, sa.ForeignKey("sittings.id"), nullable=False),
        sa.Column("candidate_id", sa.Integer, sa.ForeignKey("candidates.id")),
        sa.Column("category", sa.String, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("occurred_at", sa.Float, nullable=False),
        sa.Column("recorded_at", sa.Float, nullable=False),
        sa.Column("recorded_by", sa.String, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
    )
    op.create_index("incidents_sitting", "incidents", ["sitting_id", "occurred_at"])
    with op.batch_alter_table("exam_records") as batch:
        batch.add_column(sa.Column("sitting_id", sa.String))
    op.create_index("exam_records_sitting", "exam_records", ["sitting_id"])

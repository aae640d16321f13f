"""Sealed papers: an exam received encrypted for a sitting, kept so until its release.

Revision ID: 0008_sealed_papers
Revises: 0007_language_tools
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_sealed_papers"
down_revision = "0007_language_tools"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Creates sealed_papers."""
    op.create_table(
        "sealed_papers",
        sa.Column("exam_id", sa.String, sa.ForeignKey("exams.id"), primary_key=True),
        sa.Column("sitting_id", sa.String, nullable=False),
        sa.Column("paper", sa.LargeBinary, nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary, nullable=False),
        sa.Column("salt", sa.LargeBinary, nullable=False),
        sa.Column("kdf", sa.String, nullable=False),
        sa.Column("received_at", sa.Float, nullable=False),
        sa.Column("released_at", sa.Float),
        sa.Column("released_by", sa.String),
    )
    op.create_index("sealed_papers_sitting", "sealed_papers", ["sitting_id"])


def downgrade() -> None:
    """Drops it."""
    op.drop_index("sealed_papers_sitting", "sealed_papers")
    op.drop_table("sealed_papers")

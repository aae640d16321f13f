"""The exam bank: exams (the file as imported, sealed) and their candidates (PIN hashes).

Revision ID: c0004
Revises: c0003
"""

import sqlalchemy as sa
from alembic import op

revision = "c0004"
down_revision = "c0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Creates bank_exams and bank_candidates."""
    op.create_table(
        "bank_exams",
        sa.Column("exam_id", sa.String(128), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("questions", sa.Integer, nullable=False),
        sa.Column("duration_minutes", sa.Integer),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("file", sa.LargeBinary, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("overrides", sa.Text, nullable=False),
        sa.Column("imported_at", sa.Float, nullable=False),
    )
    op.create_table(
        "bank_candidates",
        sa.Column("exam_id", sa.String(128), primary_key=True),
        sa.Column("registration_number", sa.String(128), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("pin_hash", sa.String(256)),
        sa.Column("pin_sealed", sa.LargeBinary),
        sa.Column("imported_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    """Drops them."""
    op.drop_table("bank_candidates")
    op.drop_table("bank_exams")

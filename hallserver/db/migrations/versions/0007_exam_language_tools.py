"""Exams carry the language their candidates start in and the candidate tools they allow.

Revision ID: 0007_language_tools
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_language_tools"
down_revision = "0006_sittings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Adds exams.language (NULL: English) and exams.tools (JSON; NULL: no tools)."""
    with op.batch_alter_table("exams") as batch:
        batch.add_column(sa.Column("language", sa.String))
        batch.add_column(sa.Column("tools", sa.String))


def downgrade() -> None:
    """Drops the two columns."""
    with op.batch_alter_table("exams") as batch:
        batch.drop_column("tools")
        batch.drop_column("language")

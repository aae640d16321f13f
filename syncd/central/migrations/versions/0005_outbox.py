"""The downward half: each hall's outbox, the sittings published, and each hall's down mark.

Revision ID: c0005
Revises: c0004
"""

import sqlalchemy as sa
from alembic import op

revision = "c0005"
down_revision = "c0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Creates outbox and central_sittings; adds halls.down_mark and down_acked_at."""
    op.create_table(
        "outbox",
        sa.Column("hall_id", sa.String(64), primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("prev_hash", sa.LargeBinary, nullable=False),
        sa.Column("hash", sa.LargeBinary, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("published_at", sa.Float, nullable=False),
        sa.Column("published_by", sa.String(128), nullable=False),
    )
    op.create_table(
        "central_sittings",
        sa.Column("sitting_id", sa.String(32), primary_key=True),
        sa.Column("hall_id", sa.String(64), nullable=False),
        sa.Column("exam_id", sa.String(128), nullable=False),
        sa.Column("exam_digest", sa.String(64), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("starts_at", sa.Float, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("candidates", sa.Integer, nullable=False),
        sa.Column("registration_numbers", sa.Text, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("published_at", sa.Float, nullable=False),
        sa.Column("published_by", sa.String(128), nullable=False),
        sa.Column("started_at", sa.Float),
        sa.Column("ended_at", sa.Float),
    )
    op.create_index("central_sittings_hall", "central_sittings", ["hall_id"])
    with op.batch_alter_table("halls") as batch:
        batch.add_column(sa.Column("down_mark", sa.BigInteger, nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("down_acked_at", sa.Float))


def downgrade() -> None:
    """Drops them."""
    with op.batch_alter_table("halls") as batch:
        batch.drop_column("down_acked_at")
        batch.drop_column("down_mark")
    op.drop_index("central_sittings_hall", "central_sittings")
    op.drop_table("central_sittings")
    op.drop_table("outbox")

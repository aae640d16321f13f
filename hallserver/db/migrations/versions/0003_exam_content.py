"""Exam content: question HTML, presentation and scoring rules, package images, stored question order.

Sessions already running keep the order they were shown: it is computed here once with the
algorithm of schema 0002 (copied below, so that later changes of the hall's algorithm cannot
reorder them) and stored with the session.

Revision ID: 0003
Revises: 0002
"""

import hashlib
import json
import random

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Adds the content columns, the exam_assets table and the question order of sessions."""
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("html", sa.Text))
        batch.add_column(sa.Column("content", sa.Text))
        batch.add_column(sa.Column("scoring", sa.Text))
        batch.add_column(sa.Column("max_score", sa.Float))
    with op.batch_alter_table("exams") as batch:
        batch.add_column(sa.Column("key_version", sa.Integer, nullable=False, server_default="1"))
    with op.batch_alter_table("candidates") as batch:
        batch.add_column(sa.Column("pin_sealed", sa.LargeBinary))
    with op.batch_alter_table("exam_sessions") as batch:
        batch.add_column(sa.Column("question_order", sa.Text))
    op.create_table(
        "exam_assets",
        sa.Column("exam_id", sa.String, sa.ForeignKey("exams.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("name", sa.String, primary_key=True),
        sa.Column("media_type", sa.String, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.String, nullable=False),
    )
    _store_running_orders(op.get_bind())


def _order_0002(items: list, seed: str) -> list:
    rng = random.Random(hashlib.sha256(seed.encode()).digest())
    shuffled = list(items)
    rng.shuffle(shuffled)
    return shuffled


def _order_of(hall_id: str, exam: sa.Row, questions: list[sa.Row], registration: str) -> dict:
    seed = f"{hall_id}|{exam.id}|{registration}"
    ordered = _order_0002(questions, seed) if exam.shuffle_questions else list(questions)
    options = {}
    for question in ordered:
        keys = list(json.loads(question.options))
        options[question.id] = _order_0002(keys, f"{seed}|{question.id}") if exam.shuffle_options else keys
    return {"version": 1, "questions": [q.id for q in ordered], "options": options}


def _store_running_orders(connection: sa.Connection) -> None:
    hall_id = connection.execute(sa.text(
        "SELECT value FROM hall_meta WHERE key = 'hall_id'")).scalar_one_or_none()
    sessions = connection.execute(sa.text(
        "SELECT s.id, r.exam_id, c.registration_number FROM exam_sessions s "
        "JOIN exam_records r ON r.id = s.exam_record_id "
        "JOIN candidates c ON c.id = r.candidate_id")).all()
    if hall_id is None or not sessions:
        return
    exams = {row.id: row for row in connection.execute(sa.text(
        "SELECT id, shuffle_questions, shuffle_options FROM exams")).all()}
    papers: dict[str, list] = {}
    for row in connection.execute(sa.text(
            "SELECT exam_id, id, options FROM questions ORDER BY exam_id, position")).all():
        papers.setdefault(row.exam_id, []).append(row)
    for session in sessions:
        order = _order_of(hall_id, exams[session.exam_id], papers.get(session.exam_id, []),
                          session.registration_number)
        connection.execute(sa.text("UPDATE exam_sessions SET question_order = :order WHERE id = :id"),
                           {"order": json.dumps(order), "id": session.id})

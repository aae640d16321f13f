"""The hall's exams as an operator lists them, and what an export of one needs (its images)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from hallserver.db.models import exam_assets, exams, questions, sealed_papers
from hallserver.domain.content.exam_content import Asset
from hallserver.domain.content.scoring import number


def list_exams(connection: Connection) -> list[dict[str, Any]]:
    """Every exam: id, title, questions, full marks, minutes, key version, images, whether its
    paper is sealed (no questions until its release), by id."""
    counted = (select(questions.c.exam_id, func.count().label("n"),
                      func.sum(questions.c.max_score).label("full"))
               .group_by(questions.c.exam_id).subquery())
    images = (select(exam_assets.c.exam_id, func.count().label("n"))
              .group_by(exam_assets.c.exam_id).subquery())
    rows = connection.execute(
        select(exams.c.id, exams.c.title, exams.c.duration_seconds, exams.c.key_version,
               exams.c.shuffle_questions, counted.c.n, counted.c.full, images.c.n.label("images"),
               sealed_papers.c.received_at, sealed_papers.c.released_at)
        .outerjoin(counted, counted.c.exam_id == exams.c.id)
        .outerjoin(images, images.c.exam_id == exams.c.id)
        .outerjoin(sealed_papers, sealed_papers.c.exam_id == exams.c.id).order_by(exams.c.id)).all()
    return [{"id": r.id, "title": r.title, "questions": r.n or 0,
             "max_score": number(r.full or 0), "duration_minutes": r.duration_seconds // 60,
             "key_version": r.key_version, "shuffle_questions": bool(r.shuffle_questions),
             "images": r.images or 0,
             "sealed": r.received_at is not None and r.released_at is None} for r in rows]


def assets_of(connection: Connection, exam_id: str) -> list[Asset]:
    """The images an exam's questions show."""
    rows = connection.execute(select(exam_assets.c.name, exam_assets.c.media_type, exam_assets.c.data)
                              .where(exam_assets.c.exam_id == exam_id)
                              .order_by(exam_assets.c.name)).all()
    return [Asset(r.name, r.media_type, r.data) for r in rows]

"""Images of an exam's questions, given only to candidates who sit that exam."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from hallserver.db.models import exam_assets, exam_records
from hallserver.errors import NotFound, SittingNotStarted


@dataclass(frozen=True)
class ExamAsset:
    """An image as stored: its type, bytes and digest (the ETag)."""

    media_type: str
    data: bytes
    sha256: str


def read_asset(connection: Connection, candidate_id: int, exam_id: str, name: str) -> ExamAsset:
    """The image `name` of an exam this candidate sits; NotFound otherwise (theirs or not, alike).
    An exam a sitting holds shows its images once the candidate's paper is open, not before."""
    row = connection.execute(
        select(exam_assets.c.media_type, exam_assets.c.data, exam_assets.c.sha256,
               exam_records.c.status, exam_records.c.sitting_id)
        .join(exam_records, exam_records.c.exam_id == exam_assets.c.exam_id)
        .where(exam_assets.c.exam_id == exam_id, exam_assets.c.name == name,
               exam_records.c.candidate_id == candidate_id)).first()
    if row is None:
        raise NotFound(f"Exam {exam_id} has no image {name} for you.")
    if row.sitting_id is not None and row.status == "assigned":
        raise SittingNotStarted("The exam has not started yet: its images come with the paper.")
    return ExamAsset(row.media_type, row.data, row.sha256)

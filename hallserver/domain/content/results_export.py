"""Results written for other systems: QTI 2.1 results reporting of every completed session."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from hallserver.db import migrate
from hallserver.domain.content.exams import load_exam
from hallserver.domain.content.qti.results_report import write_results


def write_qti_results(connection: Connection, target: Path, rows: list[dict[str, Any]]) -> int:
    """A zip of assessmentResults for these rows of `completed_results`; how many were written."""
    hall_id, _ = migrate.read_identity(connection)

    @cache
    def questions(exam_id: str) -> dict:
        return load_exam(connection, exam_id).by_id

    partial = target.with_name(target.name + ".partial")
    written = write_results(partial, rows, questions, hall_id)
    partial.replace(target)  # a reader never sees half a file
    return written

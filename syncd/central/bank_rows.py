"""The exam bank's rows as the central's server reads them: an exam's row and the list of exams,
and the identities its sealed files and PINs are bound to. Nothing of the hall's code: the
server imports this, while reading exam files and CSVs (bank.py) is for the CLI alone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from syncd.central.models import bank_exams
from syncd.errors import NotFound


def exam_aad(exam_id: str) -> bytes:
    """An exam file's identity, bound to its sealed bytes."""
    return f"central-exam|{exam_id}".encode()


def pin_aad(exam_id: str, registration_number: str) -> bytes:
    """A candidate's identity, bound to their sealed PIN."""
    return f"central-pin|{exam_id}|{registration_number}".encode()


def exam_row(connection: Connection, exam_id: str) -> Any:
    """The bank's row of an exam; NotFound when it is not in the bank."""
    row = connection.execute(select(bank_exams).where(bank_exams.c.exam_id == exam_id)).first()
    if row is None:
        raise NotFound(f"No exam {exam_id} in the central's bank; import it with "
                       "`syncd central exam import FILE`.")
    return row


def list_exams(connection: Connection) -> list[dict[str, Any]]:
    """Every exam in the bank: id, title, questions, minutes, candidates."""
    rows = connection.execute(select(bank_exams).order_by(bank_exams.c.exam_id)).all()
    return [{"id": r.exam_id, "title": r.title, "questions": r.questions,
             "duration_minutes": r.duration_minutes, "digest": r.digest} for r in rows]

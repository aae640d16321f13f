"""A corrected answer key, published: the bank's exam file replaced by one that changes only its
key, and a `key_corrected` item sent to every hall a sitting of that exam went to, which
corrects its key and rescores its completed sessions (as `hall exam import --correct-key` and
`hall results rescore` do); the rescored results come back up in the hall's log.

The check is the hall's own: the questions a candidate sees (`Question.same_paper`) must not
change, only answers, scoring and marks.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from examkit.sealing import DataKey
from hallserver.domain.content.exam_content import ExamContent
from hallserver.domain.content.exams import key_changes
from hallserver.domain.content.exam_file import Overrides, read_exam_bytes
from hallserver.errors import HallError
from syncd.central import outbox, sealed_papers
from syncd.central.bank_rows import exam_aad, exam_row
from syncd.central.halls import ENROLLED, hall_row
from syncd.central.models import bank_exams, central_sittings
from syncd.central.store import Store
from syncd.errors import Conflict, Invalid


@dataclass(frozen=True)
class Correction:
    """The corrected file as imported: its name, bytes and what the hall's reader made of it."""

    file_name: str
    raw: bytes
    content: ExamContent


def _stored_content(key: DataKey, row: Any) -> ExamContent:
    overrides = Overrides(**json.loads(row.overrides))
    try:
        return read_exam_bytes(row.file_name, key.open(row.file, exam_aad(row.exam_id)),
                               overrides).content
    except HallError as err:
        raise Invalid(f"the bank's own file of {row.exam_id} no longer reads: {err.message}") from err


def _changed(stored: ExamContent, new: ExamContent) -> list[str]:
    try:
        changed = key_changes(stored.questions, new.questions, new.id)
    except HallError as err:
        raise Conflict(err.message) from err
    if not changed:
        raise Invalid(f"The file changes no answer of exam {new.id}.")
    return changed


def _publish(connection: Connection, key: DataKey, correction: Correction, by: str,
             now: float) -> dict[str, Any]:
    exam_id = correction.content.id
    row = exam_row(connection, exam_id)
    changed = _changed(_stored_content(key, row), correction.content)
    digest = hashlib.sha256(correction.raw).hexdigest()
    connection.execute(update(bank_exams).where(bank_exams.c.exam_id == exam_id).values(
        file=key.seal(correction.raw, exam_aad(exam_id)), file_name=correction.file_name,
        digest=digest, imported_at=now))
    body = {"exam_id": exam_id, "file_name": correction.file_name, "digest": digest,
            "file": base64.b64encode(correction.raw).decode("ascii"),
            "overrides": json.loads(row.overrides)}
    hall_ids = sorted(set(connection.execute(select(central_sittings.c.hall_id).where(
        central_sittings.c.exam_id == exam_id)).scalars()))
    sent = []
    for hall_id in hall_ids:
        hall = hall_row(connection, hall_id, lock=True)
        if hall is None or hall.state != ENROLLED:
            continue  # a revoked hall gets nothing more
        sealed_papers.check_not_sealed(connection, hall_id, exam_id)  # it could not apply it
        outbox.publish(connection, key, hall_id, "key_corrected", body, by, now)
        connection.execute(update(central_sittings).where(
            central_sittings.c.hall_id == hall_id, central_sittings.c.exam_id == exam_id)
            .values(exam_digest=digest))
        sent.append(hall_id)
    return {"exam_id": exam_id, "questions": changed, "halls": sent}


async def correct_key(store: Store, correction: Correction, by: str,
                      now: float) -> dict[str, Any]:
    """Replaces the bank's file of an exam by one that changes only its key, and publishes the
    correction to every hall that was sent the exam, in one transaction."""
    return await store.transaction(_publish, store.key, correction, by, now)

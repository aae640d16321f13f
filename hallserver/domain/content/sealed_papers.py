"""Sealed papers at the hall: an exam received encrypted for a sitting, which the hall can
neither serve, show, export nor start until it is released, by the central's key or by the
sitting's release code typed here.

While sealed, the exam's row holds its title and time limit and no question; `load_exam` (the
one reader of questions) refuses it with `paper_sealed`. A release opens the paper, imports it as
`hall exam import` would, and logs `paper_released` with who did it; a wrong code is logged as
`release_code_refused`. Deriving a key from a code is slow on purpose (scrypt), so callers do it
outside the write transaction (`key_from_code`), then write (`release` or `refuse`).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from examkit.release_codes import BadReleaseCode
from examkit.sealed_papers import PaperDoesNotOpen, SealedPaper, open_paper, unwrap_key
from hallserver.db.models import exams, sealed_papers
from hallserver.db.writer import Batch
from hallserver.domain.content import exams as exam_rules
from hallserver.domain.content.exam_content import ExamContent
from hallserver.domain.content.exam_file import Overrides, read_exam_bytes
from hallserver.domain.log.events import EventLog
from hallserver.errors import Conflict, Invalid, NotFound, PaperSealed, WrongReleaseCode


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise Invalid(f"the item's {name} is missing or not a str")
    return value


def exam_in_item(body: dict[str, Any]) -> ExamContent:
    """The exam an `exam` item carries, read by the hall's own reader (as `hall exam import`)."""
    raw = base64.b64decode(_text(body, "file"), validate=True)
    if hashlib.sha256(raw).hexdigest() != _text(body, "digest"):
        raise Invalid("the exam file does not match its SHA-256")
    given = body.get("overrides")
    if not isinstance(given, dict):
        raise Invalid("the item's overrides is missing or not a dict")
    overrides = Overrides(**{k: given.get(k) for k in Overrides.__dataclass_fields__})
    found = read_exam_bytes(_text(body, "file_name"), raw, overrides)
    if not found.content.questions or found.content.id != _text(body, "exam_id"):
        raise Invalid(f"the exam file does not hold exam {body['exam_id']} as the central read it")
    return found.content


def receive(connection: Connection, body: dict[str, Any], now: float) -> str:
    """Keeps a `sealed_paper` item: the exam's title and time limit, its paper sealed."""
    sealed = SealedPaper.from_json(body["sealed"])
    exam_id, minutes = _text(body, "exam_id"), body.get("duration_minutes")
    if sealed.exam_id != exam_id or not isinstance(minutes, int) or minutes < 1:
        raise Invalid("the sealed paper's exam id or time limit does not match the item")
    if connection.execute(select(exams.c.id).where(exams.c.id == exam_id)).first():
        raise Conflict(f"This hall holds exam {exam_id} already; a sealed paper cannot replace it.")
    connection.execute(exams.insert().values(
        id=exam_id, title=_text(body, "title"), duration_seconds=minutes * 60,
        shuffle_questions=False, shuffle_options=False, created_at=now))
    connection.execute(sealed_papers.insert().values(
        exam_id=exam_id, sitting_id=sealed.sitting_id, paper=sealed.paper,
        wrapped_key=sealed.wrapped_key, salt=sealed.salt, kdf=json.dumps(sealed.kdf),
        received_at=now))
    return exam_id


def check_open(connection: Connection, exam_ids: list[str] | tuple[str, ...]) -> None:
    """PaperSealed when any of these exams is still sealed."""
    row = connection.execute(select(sealed_papers.c.exam_id, sealed_papers.c.sitting_id).where(
        sealed_papers.c.exam_id.in_(list(exam_ids)), sealed_papers.c.released_at.is_(None))
        .limit(1)).first()
    if row is not None:
        raise PaperSealed(f"The paper of exam {row.exam_id} is sealed until its release: the "
                          f"central releases it, or type its release code (`hall sitting release "
                          f"{row.sitting_id} --code CODE`, or the console's sitting panel).")


def is_sealed(connection: Connection, sitting_id: str) -> bool:
    """True while a paper of this sitting is sealed."""
    return connection.execute(select(sealed_papers.c.exam_id).where(
        sealed_papers.c.sitting_id == sitting_id, sealed_papers.c.released_at.is_(None))
        .limit(1)).first() is not None


def still_sealed(connection: Connection, sitting_id: str) -> list[SealedPaper]:
    """The sitting's papers still sealed; Conflict when none is (released, or never sealed)."""
    rows = connection.execute(select(sealed_papers).where(
        sealed_papers.c.sitting_id == sitting_id).order_by(sealed_papers.c.exam_id)).all()
    if not rows:
        raise NotFound(f"Sitting {sitting_id} has no sealed paper in this hall.")
    waiting = [r for r in rows if r.released_at is None]
    if not waiting:
        raise Conflict(f"The paper of sitting {sitting_id} was released already, by "
                       f"{rows[0].released_by}.")
    return [SealedPaper(r.sitting_id, r.exam_id, r.paper, r.wrapped_key, r.salt,
                        json.loads(r.kdf)) for r in waiting]


def key_from_code(papers: list[SealedPaper], code: str) -> bytes:
    """The sitting key the code unwraps (slow: scrypt); WrongReleaseCode when it does not."""
    try:
        return unwrap_key(papers[0], code)
    except BadReleaseCode as err:   # caught by the code's check: no key was tried
        raise WrongReleaseCode(str(err), field="code", mistyped=True) from err
    except PaperDoesNotOpen as err:
        raise WrongReleaseCode(f"This is not the release code of sitting {papers[0].sitting_id}.",
                               field="code") from err


def release(connection: Connection, batch: Batch, log: EventLog, sitting_id: str, key: bytes,
            by: str, via: str, now: float) -> list[str]:
    """Opens the sitting's sealed papers with its key, imports them, logs `paper_released`;
    the exams released (none when they were released already)."""
    rows = connection.execute(select(sealed_papers).where(
        sealed_papers.c.sitting_id == sitting_id, sealed_papers.c.released_at.is_(None))).all()
    for row in rows:
        sealed = SealedPaper(row.sitting_id, row.exam_id, row.paper, row.wrapped_key, row.salt,
                             json.loads(row.kdf))
        try:
            item = json.loads(open_paper(sealed, key))
        except PaperDoesNotOpen as err:
            raise Invalid(f"The key does not open the paper of sitting {sitting_id}.") from err
        exam_rules.import_exam(connection, exam_in_item(item), now)
    released = [r.exam_id for r in rows]
    if released:
        connection.execute(update(sealed_papers).where(
            sealed_papers.c.exam_id.in_(released)).values(released_at=now, released_by=by))
        log.append(connection, batch, "paper_released", None, {
            "sitting_id": sitting_id, "exam_ids": released, "by": by, "via": via}, now)
    return released


def refuse(connection: Connection, batch: Batch, log: EventLog, sitting_id: str, reason: str,
           by: str, now: float) -> None:
    """Logs a release code refused, with who typed it and why."""
    log.append(connection, batch, "release_code_refused", None, {
        "sitting_id": sitting_id, "by": by, "reason": reason}, now)

"""Results out of the hall: completed sessions with each question's outcome, summaries, rescoring
with a corrected key, and a candidate's sessions for support."""

from __future__ import annotations

import logging
import statistics
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from hallserver.clock import iso
from examkit.sealing import DataKey
from hallserver.db import migrate
from hallserver.db.models import candidates, exam_records
from hallserver.db.writer import Batch
from hallserver.domain.content import exams as exam_rules
from hallserver.domain.content import scoring
from examkit.chain import ChainBroken
from hallserver.domain.log.events import EventLog, read_events, verify_chain
from hallserver.domain.content.exams import Exam, load_exam
from hallserver.domain.sessions.live import read_session, result_aad, seal_json
from hallserver.errors import DamagedRecord

_LOGGER = logging.getLogger(__name__)


def _question_rows(exam: Exam, answers: dict[str, Any],
                   result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each question of a result: the response, its outcome and marks (older results: from outcomes)."""
    earned, full = result.get("marks") or {}, result.get("max_marks") or {}
    shown = []
    for question in exam.questions:
        answer = answers.get(question.id)
        top = full.get(question.id, scoring.number(question.max_score))
        got = earned.get(question.id)
        if got is None:
            got = top if (result.get("outcomes") or {}).get(question.id) else 0
        waiting = question.id in (result.get("unmarked") or ())
        shown.append({"id": question.id, "response": answer,
                      "outcome": scoring.outcome(got, top, answer, waiting), "marks": got,
                      "max_marks": top})
        mark = (result.get("given") or {}).get(question.id)
        if mark:  # who marked it, and what they wrote
            shown[-1].update(marked_by=mark["by"], comment=mark.get("comment") or "")
    return shown


def count_completed(connection: Connection, exam_id: str | None = None) -> int:
    """How many sessions are completed (of one exam, or of all)."""
    query = select(func.count()).select_from(exam_records).where(exam_records.c.status == "completed")
    if exam_id is not None:
        query = query.where(exam_records.c.exam_id == exam_id)
    return connection.execute(query).scalar_one()


def completed_results(connection: Connection, key: DataKey,
                      exam_id: str | None = None) -> Iterator[dict[str, Any]]:
    """One row per completed session: who, which exam, score, answers, and each question's outcome."""
    query = (select(exam_records.c.candidate_id, exam_records.c.exam_id)
             .where(exam_records.c.status == "completed")
             .order_by(exam_records.c.exam_id, exam_records.c.id))
    if exam_id is not None:
        query = query.where(exam_records.c.exam_id == exam_id)
    loaded: dict[str, Exam] = {}
    for row in connection.execute(query).all():
        live = read_session(connection, key, row.candidate_id, row.exam_id)
        assert live is not None and live.result is not None
        if row.exam_id not in loaded:
            loaded[row.exam_id] = load_exam(connection, row.exam_id)
        exam = loaded[row.exam_id]
        name = connection.execute(select(candidates.c.name).where(
            candidates.c.id == row.candidate_id)).scalar_one()
        yield {"exam_id": live.exam_id, "registration_number": live.registration_number,
               "name": name, "score": live.result["score"], "max_score": live.result["max_score"],
               "reason": live.result.get("reason"), "started_at": iso(live.started_at),
               "completed_at": iso(live.completed_at), "revision": live.revision,
               "unmarked": len(live.result.get("unmarked") or ()),
               "answers": live.data.answers, "key_version": live.result.get("key_version", 1),
               "questions": _question_rows(exam, live.data.answers, live.result)}


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 3) if whole else None


def summarise(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per exam: how many, mean, min and max score, and each question's facility (its difficulty).

    Facility is the share of the question's marks candidates earned (1: everyone right); `correct`
    the share who got full marks, `answered` the share who answered at all.
    """
    by_exam: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_exam.setdefault(row["exam_id"], []).append(row)
    summaries = []
    for exam_id, sat in by_exam.items():
        scores = [row["score"] for row in sat]
        summaries.append({
            "exam_id": exam_id, "count": len(sat), "max_score": sat[0]["max_score"],
            "mean": round(statistics.fmean(scores), 3), "min": min(scores), "max": max(scores),
            "questions": [_question_summary(question_id, sat) for question_id in
                          [q["id"] for q in sat[0]["questions"]]]})
    return summaries


def _question_summary(question_id: str, sat: list[dict[str, Any]]) -> dict[str, Any]:
    shown = [q for row in sat for q in row["questions"] if q["id"] == question_id]
    return {"id": question_id,
            "facility": _share(sum(q["marks"] for q in shown), sum(q["max_marks"] for q in shown)),
            "correct": _share(sum(q["outcome"] == "correct" for q in shown), len(shown)),
            "answered": _share(sum(q["outcome"] != "unanswered" for q in shown), len(shown))}


@dataclass(frozen=True)
class Rescored:
    """What a rescore did: the key version used, sessions looked at, and every score it changed."""

    exam_id: str
    key_version: int
    sessions: int
    changed: list[dict[str, Any]]


def log_admin_event(connection: Connection, key: DataKey, kind: str, session_id: str | None,
                    body: dict[str, Any], now: float) -> int:
    """Appends one event to the hall's log from an operator's command, in its transaction."""
    hall_id, epoch = migrate.read_identity(connection)
    batch = Batch()
    seq = EventLog(key, hall_id, epoch).append(connection, batch, kind, session_id, body, now)
    batch.flush(connection)
    return seq


def rescore(connection: Connection, key: DataKey, exam_id: str, now: float,
            progress: Callable[[int], None] = lambda _: None) -> Rescored:
    """Scores every completed session of an exam again with its current key; logs each change.

    The answers stay as they were submitted; only the result moves, and the log keeps the old
    and the new score. Run it after the exam: a serving hall keeps results it has in memory.
    """
    exam = load_exam(connection, exam_id)
    rows = connection.execute(select(exam_records.c.candidate_id).where(
        exam_records.c.exam_id == exam_id, exam_records.c.status == "completed")
        .order_by(exam_records.c.id)).scalars().all()
    changed = []
    for candidate_id in rows:
        live = read_session(connection, key, candidate_id, exam_id)
        assert live is not None and live.result is not None
        result = {**live.result, **exam_rules.score(exam, live.data.answers, live.result.get("given"))}
        if result != live.result:
            connection.execute(exam_records.update().where(exam_records.c.id == live.record_id)
                               .values(result=seal_json(key, result, result_aad(live.record_id))))
            change = {"registration_number": live.registration_number,
                      "old_score": live.result.get("score"), "score": result["score"],
                      "max_score": result["max_score"]}
            log_admin_event(connection, key, "result_rescored", live.session_id, {
                "exam_id": exam_id, "key_version": exam.key_version, **change, "result": result}, now)
            _LOGGER.info("rescored %s for %s: %s -> %s", live.registration_number, exam_id,
                         change["old_score"], change["score"])
            changed.append(change)
        progress(1)
    return Rescored(exam_id, exam.key_version, len(rows), changed)


def inspect_candidate(connection: Connection, key: DataKey, hall_id: str,
                      registration_number: str) -> list[dict[str, Any]] | None:
    """Every session of a candidate, decrypted, with its history from the log; None if unknown."""
    candidate_id = connection.execute(select(candidates.c.id).where(
        candidates.c.registration_number == registration_number)).scalar_one_or_none()
    if candidate_id is None:
        return None
    exam_ids = connection.execute(select(exam_records.c.exam_id).where(
        exam_records.c.candidate_id == candidate_id).order_by(exam_records.c.exam_id)).scalars()
    found = []
    for exam_id in list(exam_ids):
        try:
            live = read_session(connection, key, candidate_id, exam_id)
        except DamagedRecord as err:
            found.append({"exam_id": exam_id, "status": "unreadable", "error": err.message})
            continue
        assert live is not None
        history = [] if live.session_id is None else [
            {"seq": e.seq, "kind": e.kind, "at": iso(e.occurred_at),
             **{k: v for k, v in e.body.items() if k not in ("kind", "at", "session_id")}}
            for e in read_events(connection, key, hall_id, session_id=live.session_id)]
        found.append({"exam_id": exam_id, "status": live.status, "session_id": live.session_id,
                      "revision": live.revision, "started_at": iso(live.started_at),
                      "deadline": iso(live.deadline), "completed_at": iso(live.completed_at),
                      "lease_device": live.lease_device, "session_data": live.data.public(),
                      "result": live.result, "history": history})
    return found


def inspect_with_chain(connection: Connection, key: DataKey, hall_id: str,
                       registration_number: str) -> tuple[list[dict[str, Any]] | None, dict[str, Any]]:
    """`inspect_candidate`, and whether the hall's whole hash chain verifies."""
    found = inspect_candidate(connection, key, hall_id, registration_number)
    try:
        chain = {"verified": True, "events_checked": verify_chain(connection, key, hall_id)}
    except ChainBroken as err:
        chain = {"verified": False, "problem": str(err)}
    return found, chain

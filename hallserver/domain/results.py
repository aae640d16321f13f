"""Results out of the hall: export of completed sessions, and a candidate's sessions for support."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from hallserver.clock import iso
from hallserver.crypto.sealing import DataKey
from hallserver.db.models import candidates, exam_records
from hallserver.domain.events import read_events
from hallserver.domain.live import read_session


def completed_results(connection: Connection, key: DataKey) -> Iterator[dict[str, Any]]:
    """One row per completed session: who, which exam, score, answers."""
    rows = connection.execute(
        select(exam_records.c.candidate_id, exam_records.c.exam_id)
        .where(exam_records.c.status == "completed").order_by(exam_records.c.exam_id,
                                                              exam_records.c.id)).all()
    for row in rows:
        live = read_session(connection, key, row.candidate_id, row.exam_id)
        assert live is not None and live.result is not None
        name = connection.execute(select(candidates.c.name).where(
            candidates.c.id == row.candidate_id)).scalar_one()
        yield {"exam_id": live.exam_id, "registration_number": live.registration_number,
               "name": name, "score": live.result["score"], "max_score": live.result["max_score"],
               "reason": live.result.get("reason"), "started_at": iso(live.started_at),
               "completed_at": iso(live.completed_at), "revision": live.revision,
               "answers": live.data.answers}


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
        live = read_session(connection, key, candidate_id, exam_id)
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

"""The invigilator's view of every candidate: one row each, from the sessions and their devices."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from hallserver.clock import iso
from hallserver.crypto.sealing import DataKey
from hallserver.db.models import candidates, devices, exam_records
from hallserver.domain.live import LiveSession, SessionBook, read_session
from hallserver.errors import DamagedRecord


def roster_row(live: LiveSession, name: str, seat: str | None, now: float) -> dict[str, Any]:
    """One candidate's row: status, question reached, answered, time left, last save, seat."""
    return {"registration_number": live.registration_number, "name": name,
            "exam_id": live.exam_id, "status": live.status, "revision": live.revision,
            "current_question": live.data.current_question,
            "answered": sum(1 for a in live.data.answers.values() if a not in (None, "", [])),
            "marked": len(live.data.marked_questions),
            "time_remaining": live.time_remaining(now), "deadline": iso(live.deadline),
            "paused": live.paused_at is not None, "pause_kind": live.pause_kind,
            "last_saved": iso(live.last_saved or live.started_at),
            "device": live.lease_device, "seat": seat,
            "move_requested": live.lease_requested is not None,
            "score": (live.result or {}).get("score")}


def seats(connection: Connection) -> dict[str, str]:
    """The address each device logged in from: the seat an invigilator walks to."""
    rows = connection.execute(select(devices.c.id, devices.c.address)).all()
    return {r.id: r.address or "" for r in rows}


def roster(connection: Connection, key: DataKey, book: SessionBook, now: float) -> list[dict[str, Any]]:
    """Every candidate of every exam in the hall, newest state first from the writer's memory."""
    rows = connection.execute(
        select(exam_records.c.candidate_id, exam_records.c.exam_id, candidates.c.name)
        .join(candidates, candidates.c.id == exam_records.c.candidate_id)
        .order_by(exam_records.c.exam_id, candidates.c.registration_number)).all()
    where = seats(connection)
    table = []
    for row in rows:
        try:
            live = (book.committed((row.candidate_id, row.exam_id))
                    or read_session(connection, key, row.candidate_id, row.exam_id))
        except DamagedRecord:
            continue
        if live is not None:
            table.append(roster_row(live, row.name, where.get(live.lease_device or ""), now))
    return table

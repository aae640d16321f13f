"""The invigilator's view of every candidate: one row each, from the sessions and their devices."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from hallserver.clock import iso
from examkit.sealing import DataKey
from hallserver.db.models import candidates, devices, exam_records, exam_sessions
from hallserver.domain.invigilation.desks import Seat
from hallserver.domain.sessions.live import LiveSession, SessionBook, read_session
from hallserver.errors import DamagedRecord


def roster_row(live: LiveSession, name: str, seat: Seat, now: float) -> dict[str, Any]:
    """One candidate's row: status, question reached, answered, time left, last save, seat."""
    return {"registration_number": live.registration_number, "name": name,
            "exam_id": live.exam_id, "status": live.status, "revision": live.revision,
            "current_question": live.data.current_question,
            "answered": sum(1 for a in live.data.answers.values() if a not in (None, "", [])),
            "marked": len(live.data.marked_questions),
            "time_remaining": live.time_remaining(now), "deadline": iso(live.deadline),
            "paused": live.paused_at is not None, "pause_kind": live.pause_kind,
            "last_saved": iso(live.last_saved or live.started_at),
            "device": live.lease_device, **seat.to_json(),
            "move_requested": live.lease_requested is not None,
            "score": (live.result or {}).get("score")}


def sees_scores(role: str, shown_to_invigilators: bool) -> bool:
    """Whether a member of staff sees scores on the console: admins do, invigilators only when
    the hall says so (proctors watch the room; marks are for those who mark)."""
    return role == "admin" or shown_to_invigilators


def as_seen(row: dict[str, Any], scores: bool) -> dict[str, Any]:
    """A roster row as this member of staff sees it: without the score unless they see scores."""
    return row if scores else {k: v for k, v in row.items() if k != "score"}


def device_addresses(connection: Connection) -> dict[str, str]:
    """The address each device that holds (or asks for) a session logged in from: the seats the
    console shows. Older logins, months of them, stay on disk."""
    held = select(exam_sessions.c.lease_device).where(exam_sessions.c.lease_device.is_not(None))
    asked = select(exam_sessions.c.lease_requested).where(exam_sessions.c.lease_requested.is_not(None))
    rows = connection.execute(select(devices.c.id, devices.c.address)
                              .where(devices.c.id.in_(held.union(asked).scalar_subquery()))).all()
    return {r.id: r.address or "" for r in rows}


def names(connection: Connection) -> dict[int, str]:
    """Every candidate's name, by candidate id."""
    return {r.id: r.name for r in connection.execute(select(candidates.c.id, candidates.c.name))}


def roster(connection: Connection, key: DataKey, book: SessionBook, now: float,
           seat_of: Callable[[str | None], Seat]) -> list[dict[str, Any]]:
    """Every candidate of every exam in the hall, newest state first from the writer's memory."""
    rows = connection.execute(
        select(exam_records.c.candidate_id, exam_records.c.exam_id, candidates.c.name)
        .join(candidates, candidates.c.id == exam_records.c.candidate_id)
        .order_by(exam_records.c.exam_id, candidates.c.registration_number)).all()
    table = []
    for row in rows:
        try:
            live = (book.committed((row.candidate_id, row.exam_id))
                    or read_session(connection, key, row.candidate_id, row.exam_id))
        except DamagedRecord:
            continue
        if live is not None:
            table.append(roster_row(live, row.name, seat_of(live.lease_device), now))
    return table

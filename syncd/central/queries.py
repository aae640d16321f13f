"""What central admins read: halls and their sync state, sessions and results across halls, the
sessions export's rows (rendered by `exports`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from examkit.sealing import DataKey
from examkit.times import iso
from syncd.central import lineage
from syncd.central.models import events, halls, outbox, sessions
from syncd.central.session_rows import from_row

EXPORT_COLUMNS = ["hall_id", "exam_id", "registration_number", "session_id", "state", "revision",
                  "score", "max_score", "answers", "started_at", "completed_at", "epoch"]


def list_halls(connection: Connection) -> list[dict[str, Any]]:
    """Every hall: enrollment, stream position, last sync, backlog reported, alarm, sessions."""
    counts = dict(connection.execute(select(sessions.c.hall_id, func.count())
                                     .group_by(sessions.c.hall_id)).all())
    stored = dict(connection.execute(select(events.c.hall_id, func.count())
                                     .group_by(events.c.hall_id)).all())
    published = dict(connection.execute(select(outbox.c.hall_id, func.max(outbox.c.seq))
                                        .group_by(outbox.c.hall_id)).all())
    out = []
    for hall in connection.execute(select(halls).order_by(halls.c.hall_id)):
        out.append({
            "hall_id": hall.hall_id, "name": hall.name, "state": hall.state,
            "public_key": hall.public_key,
            "epoch": hall.epoch, "high_water_mark": hall.high_water_mark,
            "last_sync_at": hall.last_sync_at, "last_hello_at": hall.last_hello_at,
            "backlog": {"events": hall.backlog_events, "sessions": hall.backlog_sessions},
            "alarm": hall.alarm, "alarm_at": hall.alarm_at, "sessions": counts.get(hall.hall_id, 0),
            "events_stored": stored.get(hall.hall_id, 0),
            "published": published.get(hall.hall_id, 0), "down_mark": hall.down_mark,
            "status": _status(hall)})
    return out


def _status(hall: Any) -> str:
    if hall.state != "enrolled":
        return hall.state
    if hall.alarm:
        return "alarm"
    if hall.backlog_events:
        return "behind"
    return "up_to_date" if hall.last_sync_at else "never_synced"


def list_sessions(connection: Connection, key: DataKey, hall_id: str | None = None,
                  state: str | None = None, exam_id: str | None = None,
                  registration_number: str | None = None, limit: int = 1000,
                  offset: int = 0) -> list[dict[str, Any]]:
    """Sessions, decrypted, filtered, in a stable order."""
    query = select(sessions).order_by(sessions.c.hall_id, sessions.c.registration_number,
                                      sessions.c.session_id)
    for column, value in ((sessions.c.hall_id, hall_id), (sessions.c.state, state),
                          (sessions.c.exam_id, exam_id),
                          (sessions.c.registration_number, registration_number)):
        if value is not None:
            query = query.where(column == value)
    rows = connection.execute(query.limit(limit).offset(offset))
    return [_session_json(from_row(key, row)) for row in rows]


def _session_json(view: Any) -> dict[str, Any]:
    result = view.result or {}
    return {"hall_id": view.hall_id, "session_id": view.session_id, "exam_id": view.exam_id,
            "registration_number": view.registration_number, "state": view.state,
            "revision": view.revision, "answers": view.answers,
            "current_question": view.current_question, "score": result.get("score"),
            "max_score": result.get("max_score"), "reason": result.get("reason"),
            "started_at": view.started_at, "completed_at": view.completed_at,
            "updated_at": view.updated_at, "epoch": view.epoch,
            "ignored_after_final": view.ignored_after_final}


def export_rows(connection: Connection, key: DataKey) -> list[dict[str, Any]]:
    """Every session received, for `syncd central export` and /api/export.csv (times ISO 8601)."""
    rows = list_sessions(connection, key, limit=10**9)
    return [{**{name: row[name] for name in EXPORT_COLUMNS},
             "started_at": iso(row["started_at"]), "completed_at": iso(row["completed_at"])}
            for row in rows]


def hall_line(connection: Connection, hall_id: str) -> dict[str, Any] | None:
    """The hall's current line of history: (seq, stream epoch, hash) of every event, for audits."""
    hall = connection.execute(select(halls).where(halls.c.hall_id == hall_id)).first()
    if hall is None:
        return None
    rows = lineage.epoch_rows(connection, hall_id)
    line = []
    for stream, after, upto in lineage.segments(rows, hall.epoch, hall.high_water_mark):
        line += [{"seq": r.seq, "epoch": stream, "hash": r.hash.hex()} for r in connection.execute(
            select(events.c.seq, events.c.hash).where(
                events.c.hall_id == hall_id, events.c.epoch == stream, events.c.seq > after,
                events.c.seq <= upto).order_by(events.c.seq))]
    return {"version": 1, "hall_id": hall_id, "epoch": hall.epoch,
            "high_water_mark": hall.high_water_mark, "events": line}

"""How the day went, for hall admins: sessions by state, saves per minute, failed saves, offline
periods, completion times. Counted from the log's plain columns where it can (kind and time are
not secret), and from the sealed bodies of the few page reports."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.engine import Connection

from hallserver.clock import iso
from examkit.sealing import DataKey
from hallserver.db.models import candidates, events, exam_records
from hallserver.domain.log.events import associated_data

MINUTE = 60


def saves_per_minute(connection: Connection, since: float) -> list[dict[str, Any]]:
    """Saves applied in each minute since `since`."""
    minute = cast(events.c.occurred_at / MINUTE, Integer)
    rows = connection.execute(select(minute.label("m"), func.count()).where(
        events.c.kind == "answers_saved", events.c.occurred_at >= since)
        .group_by("m").order_by("m")).all()
    return [{"minute": iso(m * MINUTE), "saves": n} for m, n in rows]


def completion_minutes(connection: Connection) -> list[dict[str, Any]]:
    """How long each completed session took, in minutes."""
    rows = connection.execute(
        select(candidates.c.registration_number, exam_records.c.exam_id,
               exam_records.c.started_at, exam_records.c.completed_at)
        .join(candidates, candidates.c.id == exam_records.c.candidate_id)
        .where(exam_records.c.status == "completed", exam_records.c.started_at.is_not(None))).all()
    return [{"registration_number": r.registration_number, "exam_id": r.exam_id,
             "minutes": round((r.completed_at - r.started_at) / MINUTE, 1)} for r in rows]


def page_trouble(connection: Connection, key: DataKey, hall_id: str) -> dict[str, Any]:
    """Failed saves and offline periods the candidates' pages reported, per candidate."""
    rows = connection.execute(select(events).where(events.c.kind == "page_report")
                              .order_by(events.c.seq)).all()
    offline: dict[str, list[dict[str, Any]]] = {}
    failed = 0
    for row in rows:
        body = json.loads(key.open(row.body, associated_data(hall_id, row.epoch, row.seq)))
        failed += int(body.get("failed_saves", 0))
        if body.get("offline_seconds"):
            offline.setdefault(body["registration_number"], []).append(
                {"at": iso(row.occurred_at), "seconds": body["offline_seconds"]})
    return {"failed_saves_reported": failed, "offline_periods": offline}


def analytics(connection: Connection, key: DataKey, hall_id: str, since: float) -> dict[str, Any]:
    """Everything the analytics page draws; `activity_since` is the hall's first event of the
    window, where the saves chart starts (it never shows minutes before the hall was in use)."""
    by_state = dict(connection.execute(select(exam_records.c.status, func.count())
                                       .group_by(exam_records.c.status)).all())
    began = connection.execute(select(func.min(events.c.occurred_at))
                               .where(events.c.occurred_at >= since)).scalar()
    return {"sessions_by_state": by_state, "saves_per_minute": saves_per_minute(connection, since),
            "activity_since": iso(began),
            "completion_minutes": completion_minutes(connection),
            **page_trouble(connection, key, hall_id)}

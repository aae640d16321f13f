"""Alerts for invigilators: a candidate gone silent, saves failing, a lease moved or asked for,
time run out. Raised and acknowledged in the log; the `alerts` table is their projection.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from hallserver.clock import iso
from hallserver.db.models import alerts, exam_records, exam_sessions
from hallserver.db.writer import Batch
from hallserver.domain.events import EventLog
from hallserver.domain.live import LiveSession
from hallserver.errors import NotFound

KINDS = ("silent", "save_failures", "lease_moved", "move_requested", "time_up")


@dataclass(frozen=True)
class Alert:
    """One alert, open until an invigilator acknowledges it."""

    id: str
    kind: str
    registration_number: str
    exam_id: str
    session_id: str | None
    raised_at: float
    detail: dict[str, Any]
    acknowledged_at: float | None = None
    acknowledged_by: str | None = None

    def to_json(self) -> dict[str, Any]:
        """For the console."""
        return {"id": self.id, "kind": self.kind, "registration_number": self.registration_number,
                "exam_id": self.exam_id, "raised_at": iso(self.raised_at), "detail": self.detail,
                "acknowledged_at": iso(self.acknowledged_at),
                "acknowledged_by": self.acknowledged_by}


@dataclass
class AlertBook:
    """Open alerts in memory, equal to what is committed."""

    open: dict[str, Alert] = field(default_factory=dict)

    def load(self, connection: Connection) -> None:
        """Reads the open alerts at start."""
        rows = connection.execute(select(alerts).where(alerts.c.acknowledged_at.is_(None))).all()
        self.open = {r.id: _from_row(r) for r in rows}

    def open_for(self, kind: str, session_id: str | None) -> Alert | None:
        """The open alert of this kind for this session, if any."""
        return next((a for a in self.open.values()
                     if a.kind == kind and a.session_id == session_id), None)


def _from_row(row: Any) -> Alert:
    return Alert(row.id, row.kind, row.registration_number, row.exam_id, row.session_id,
                 row.raised_at, json.loads(row.detail), row.acknowledged_at, row.acknowledged_by)


def raise_alert(book: AlertBook, log: EventLog, connection: Connection, batch: Batch, kind: str,
                live: LiveSession, detail: dict[str, Any], now: float,
                on_commit: Any = None) -> Alert | None:
    """Stages a new alert (none when one of its kind is already open for the session)."""
    if book.open_for(kind, live.session_id) is not None:
        return None
    alert = Alert(uuid.uuid4().hex, kind, live.registration_number, live.exam_id,
                  live.session_id, now, detail)
    batch.insert(alerts, {"id": alert.id, "kind": kind,
                          "registration_number": alert.registration_number,
                          "exam_id": alert.exam_id, "session_id": alert.session_id,
                          "raised_at": now, "detail": json.dumps(detail)})
    log.append(connection, batch, "alert_raised", live.session_id,
               {"alert_id": alert.id, "alert": kind, "exam_id": live.exam_id,
                "registration_number": live.registration_number, "detail": detail}, now)
    batch.on_commit(lambda: book.open.__setitem__(alert.id, alert))
    if on_commit is not None:
        batch.on_commit(lambda: on_commit(alert))
    return alert


def acknowledge(book: AlertBook, log: EventLog, connection: Connection, batch: Batch,
                alert_id: str, by: str, now: float, on_commit: Any = None) -> Alert:
    """Stages the acknowledgement of an open alert; NotFound when there is none of that id."""
    alert = book.open.get(alert_id)
    if alert is None:
        raise NotFound(f"There is no open alert {alert_id}; it may already be acknowledged.")
    done = Alert(**{**alert.__dict__, "acknowledged_at": now, "acknowledged_by": by})
    batch.update(alerts, alert_id, {"acknowledged_at": now, "acknowledged_by": by})
    log.append(connection, batch, "alert_acknowledged", alert.session_id,
               {"alert_id": alert_id, "alert": alert.kind, "by": by}, now)
    batch.on_commit(lambda: book.open.pop(alert_id, None))
    if on_commit is not None:
        batch.on_commit(lambda: on_commit(done))
    return done


def silent_sessions(connection: Connection, quiet_since: float) -> list[tuple[int, str]]:
    """Sessions in progress, not paused, with no save since `quiet_since`."""
    last = exam_sessions.c.last_saved
    rows = connection.execute(
        select(exam_records.c.candidate_id, exam_records.c.exam_id)
        .join(exam_sessions, exam_sessions.c.exam_record_id == exam_records.c.id)
        .where(exam_records.c.status == "in_progress", exam_records.c.paused_at.is_(None),
               ((last.is_(None) & (exam_sessions.c.created_at < quiet_since))
                | (last < quiet_since)))).all()
    return [(r.candidate_id, r.exam_id) for r in rows]

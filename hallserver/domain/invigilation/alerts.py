"""Alerts for invigilators: a candidate gone silent, saves failing, a lease moved or asked for,
time run out. Raised, acknowledged and resolved in the log; the `alerts` table is their projection.

One alert per candidate and kind while it is open: a second outage, or a candidate's second exam,
adds nothing to an open one. An alert whose cause has passed closes itself (a silent PC saves
again, a submitted exam needs no watching): the hall, not an invigilator, closes it, and says why.
A whole kind can be acknowledged at once (a switch rebooted under 500 seats).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from hallserver.clock import iso
from hallserver.db.models import alerts, exam_records, exam_sessions
from hallserver.db.writer import Batch
from hallserver.domain.log.events import EventLog
from hallserver.domain.sessions.live import LiveSession
from hallserver.errors import Invalid, NotFound

KINDS = ("silent", "save_failures", "lease_moved", "move_requested", "time_up")
SAVING_AGAIN = ("silent", "save_failures")     # closed by the next save that is stored
CLOSED_BY_COMPLETION = ("silent", "save_failures", "move_requested")  # nothing left to watch

OnCommit = Callable[["Alert"], None] | None
_UNSTAGED = object()


@dataclass(frozen=True)
class Alert:
    """One alert, open until an invigilator acknowledges it or its cause passes."""

    id: str
    kind: str
    registration_number: str
    exam_id: str
    session_id: str | None
    raised_at: float
    detail: dict[str, Any]
    acknowledged_at: float | None = None    # when it closed, by either way
    acknowledged_by: str | None = None      # who acknowledged it (None when it resolved itself)
    resolved: str | None = None             # why it closed itself: saving_again, completed, ...

    def to_json(self) -> dict[str, Any]:
        """For the console."""
        return {"id": self.id, "kind": self.kind, "registration_number": self.registration_number,
                "exam_id": self.exam_id, "raised_at": iso(self.raised_at), "detail": self.detail,
                "acknowledged_at": iso(self.acknowledged_at),
                "acknowledged_by": self.acknowledged_by, "resolved": self.resolved}


@dataclass
class AlertBook:
    """Open alerts in memory, equal to what is committed, found by id and by candidate."""

    open: dict[str, Alert] = field(default_factory=dict)
    _by_candidate: dict[str, dict[str, Alert]] = field(default_factory=dict)

    def load(self, connection: Connection) -> None:
        """Reads the open alerts at start."""
        rows = connection.execute(select(alerts).where(alerts.c.acknowledged_at.is_(None))
                                  .order_by(alerts.c.raised_at)).all()
        self.open, self._by_candidate = {}, {}
        for row in rows:
            self._add(_from_row(row))

    def open_for(self, kind: str, registration_number: str) -> Alert | None:
        """The open alert of this kind for this candidate, if any."""
        return self._by_candidate.get(registration_number, {}).get(kind)

    def of_kind(self, kind: str) -> list[Alert]:
        """Every open alert of a kind, oldest first."""
        return sorted((a for a in self.open.values() if a.kind == kind), key=lambda a: a.raised_at)

    def _add(self, alert: Alert) -> None:
        # Every open alert can be seen and acknowledged (a database from before the grouping
        # may hold two of a kind for a candidate); the first is the one found by candidate.
        self.open[alert.id] = alert
        if self.open_for(alert.kind, alert.registration_number) is None:
            self._by_candidate.setdefault(alert.registration_number, {})[alert.kind] = alert

    def _remove(self, alert: Alert) -> None:
        self.open.pop(alert.id, None)
        kinds = self._by_candidate.get(alert.registration_number, {})
        if kinds.get(alert.kind) is not None and kinds[alert.kind].id == alert.id:
            del kinds[alert.kind]
            if not kinds:
                del self._by_candidate[alert.registration_number]


def _open_now(book: AlertBook, batch: Batch, kind: str, registration_number: str) -> Alert | None:
    """The open alert as this batch leaves it: jobs earlier in the batch may have raised or
    closed one that the book (changed only on commit) does not show yet."""
    staged = batch.scratch.get(("alert", kind, registration_number), _UNSTAGED)
    return book.open_for(kind, registration_number) if staged is _UNSTAGED else staged


def _closed_in(batch: Batch, alert: Alert) -> bool:
    return batch.scratch.get(("alert_closed", alert.id), False)


def _stage(book: AlertBook, batch: Batch, alert: Alert, is_open: bool) -> None:
    batch.remember(("alert", alert.kind, alert.registration_number), alert if is_open else None)
    if not is_open:
        batch.remember(("alert_closed", alert.id), True)
    batch.on_commit(lambda: book._add(alert) if is_open else book._remove(alert))


def _from_row(row: Any) -> Alert:
    return Alert(row.id, row.kind, row.registration_number, row.exam_id, row.session_id,
                 row.raised_at, json.loads(row.detail), row.acknowledged_at, row.acknowledged_by,
                 row.resolved)


def raise_alert(book: AlertBook, log: EventLog, connection: Connection, batch: Batch, kind: str,
                live: LiveSession, detail: dict[str, Any], now: float,
                on_commit: OnCommit = None) -> Alert | None:
    """Stages a new alert (none when one of its kind is already open for the candidate)."""
    if _open_now(book, batch, kind, live.registration_number) is not None:
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
    _stage(book, batch, alert, True)
    if on_commit is not None:
        batch.on_commit(lambda: on_commit(alert))
    return alert


def _close(book: AlertBook, log: EventLog, connection: Connection, batch: Batch, alert: Alert,
           now: float, by: str | None, resolved: str | None, on_commit: OnCommit) -> Alert:
    done = Alert(**{**alert.__dict__, "acknowledged_at": now, "acknowledged_by": by,
                    "resolved": resolved})
    batch.update(alerts, alert.id, {"acknowledged_at": now, "acknowledged_by": by,
                                    "resolved": resolved})
    body = {"alert_id": alert.id, "alert": alert.kind,
            "registration_number": alert.registration_number}
    if by is not None:
        log.append(connection, batch, "alert_acknowledged", alert.session_id, {**body, "by": by}, now)
    else:
        log.append(connection, batch, "alert_resolved", alert.session_id,
                   {**body, "reason": resolved}, now)
    _stage(book, batch, alert, False)
    if on_commit is not None:
        batch.on_commit(lambda: on_commit(done))
    return done


def acknowledge(book: AlertBook, log: EventLog, connection: Connection, batch: Batch,
                alert_id: str, by: str, now: float, on_commit: OnCommit = None) -> Alert:
    """Stages the acknowledgement of an open alert; NotFound when there is none of that id."""
    alert = book.open.get(alert_id)
    if alert is None or _closed_in(batch, alert):
        raise NotFound(f"There is no open alert {alert_id}; it may already be acknowledged.")
    return _close(book, log, connection, batch, alert, now, by, None, on_commit)


def acknowledge_kind(book: AlertBook, log: EventLog, connection: Connection, batch: Batch,
                     kind: str, by: str, now: float, on_commit: OnCommit = None) -> list[Alert]:
    """Stages the acknowledgement of every open alert of a kind; Invalid for an unknown kind."""
    if kind not in KINDS:
        raise Invalid(f"There is no kind of alert {kind!r}; the kinds are {', '.join(KINDS)}.")
    return [_close(book, log, connection, batch, alert, now, by, None, on_commit)
            for alert in book.of_kind(kind) if not _closed_in(batch, alert)]


def resolve(book: AlertBook, log: EventLog, connection: Connection, batch: Batch,
            registration_number: str, kinds: Iterable[str], reason: str, now: float,
            on_commit: OnCommit = None) -> list[Alert]:
    """Closes the candidate's open alerts of these kinds: their cause has passed."""
    found = [_open_now(book, batch, kind, registration_number) for kind in kinds]
    return [_close(book, log, connection, batch, alert, now, None, reason, on_commit)
            for alert in found if alert is not None]


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

"""Exam sessions as the write path sees them: loaded once, kept in memory, sealed on the way out.

Only the writer changes exam sessions, so it keeps each one it has touched in `SessionBook`:
a save needs no read. Within a batch, later jobs see earlier jobs' staged state (`Batch.scratch`);
the book itself is updated only after the commit, so readers never see what is not on disk.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.engine import Connection

from examkit.sealing import DataKey, SealError
from hallserver.db.models import candidates, exam_records, exam_sessions
from hallserver.db.writer import Batch
from hallserver.domain.sessions.merge import SessionData
from hallserver.domain.sessions.order import frozen
from hallserver.errors import DamagedRecord

_LOGGER = logging.getLogger(__name__)
SessionKey = tuple[int, str]  # (candidate id, exam id)


@dataclass(frozen=True)
class LiveSession:
    """A candidate's exam record and, once started, its session."""

    record_id: int
    candidate_id: int
    registration_number: str
    exam_id: str
    status: str                      # assigned, in_progress, completed
    started_at: float | None = None
    deadline: float | None = None
    completed_at: float | None = None
    result: dict[str, Any] | None = None
    session_id: str | None = None
    revision: int = 0
    data: SessionData = dataclasses.field(default_factory=SessionData)
    lease_device: str | None = None
    last_saved: float | None = None
    created_at: float | None = None
    paused_at: float | None = None   # while set, the exam clock stands still
    pause_kind: str | None = None    # "candidate" or "hall"
    lease_requested: str | None = None  # a device waiting for an invigilator to approve its move
    question_order: dict[str, Any] | None = None  # fixed at session start: see domain/order.py

    @property
    def key(self) -> SessionKey:
        """Where the book keeps it."""
        return (self.candidate_id, self.exam_id)

    def exam_clock(self, now: float) -> float:
        """The time as this session's clock reads it: stopped at the pause, if paused."""
        return self.paused_at if self.paused_at is not None else now

    def time_remaining(self, now: float) -> int | None:
        """Whole seconds to the deadline, never below zero; frozen while paused."""
        if self.deadline is None:
            return None
        return max(0, int(self.deadline - self.exam_clock(now) + 0.999))

    def evolve(self, **changes: Any) -> LiveSession:
        """A changed copy; its SessionData is its own unless one is given.

        Built field by field rather than with dataclasses.replace: this runs on every save, and
        the changes are always our own field names.
        """
        if "data" not in changes:
            changes["data"] = self.data.copy()
        copy = object.__new__(LiveSession)
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(changes)
        return copy


def session_aad(session_id: str) -> bytes:
    """A session row's identity, bound to its sealed data."""
    return f"session|{session_id}".encode()


def result_aad(record_id: int) -> bytes:
    """An exam record's identity, bound to its sealed result."""
    return f"result|{record_id}".encode()


def seal_json(key: DataKey, value: Any, associated: bytes) -> bytes:
    """JSON, sealed (orjson: this runs on every save)."""
    return key.seal(orjson.dumps(value), associated)


def open_json(key: DataKey, sealed: bytes, associated: bytes) -> Any:
    """The inverse of seal_json."""
    return orjson.loads(key.open(sealed, associated))


_SELECT = (
    select(exam_records, candidates.c.registration_number,
           exam_sessions.c.id.label("session_id"), exam_sessions.c.revision,
           exam_sessions.c.session_data, exam_sessions.c.lease_device,
           exam_sessions.c.lease_requested,
           exam_sessions.c.last_saved, exam_sessions.c.created_at,
           exam_sessions.c.question_order)
    .join(candidates, candidates.c.id == exam_records.c.candidate_id)
    .outerjoin(exam_sessions, exam_sessions.c.exam_record_id == exam_records.c.id)
)


def read_session(connection: Connection, key: DataKey, candidate_id: int,
                 exam_id: str) -> LiveSession | None:
    """The record (and session) of a candidate for an exam, straight from the database."""
    row = connection.execute(_SELECT.where(exam_records.c.candidate_id == candidate_id,
                                           exam_records.c.exam_id == exam_id)).first()
    return None if row is None else _from_row(key, row)


def open_exam_ids(connection: Connection, candidate_id: int) -> list[str]:
    """The exams a candidate has in progress."""
    return list(connection.execute(select(exam_records.c.exam_id).where(
        exam_records.c.candidate_id == candidate_id,
        exam_records.c.status == "in_progress")).scalars())


def _from_row(key: DataKey, row: Any) -> LiveSession:
    try:
        data = SessionData()
        if row.session_id is not None:
            data = SessionData.from_json(open_json(key, row.session_data,
                                                   session_aad(row.session_id)))
        result = open_json(key, row.result, result_aad(row.id)) if row.result is not None else None
    except SealError as err:
        _LOGGER.error("exam record %s (%s, %s) does not open: %s", row.id,
                      row.registration_number, row.exam_id, err)
        raise DamagedRecord(
            f"The saved session of {row.registration_number} for exam {row.exam_id} cannot be "
            "read: it was damaged or moved on disk. Nothing was changed; ask the hall admin "
            f"(`hall sessions inspect {row.registration_number}`).",
            registration_number=row.registration_number, exam_id=row.exam_id) from err
    return LiveSession(
        record_id=row.id, candidate_id=row.candidate_id,
        registration_number=row.registration_number, exam_id=row.exam_id, status=row.status,
        started_at=row.started_at, deadline=row.deadline, completed_at=row.completed_at,
        result=result, session_id=row.session_id, revision=row.revision or 0, data=data,
        lease_device=row.lease_device, last_saved=row.last_saved, created_at=row.created_at,
        paused_at=row.paused_at, pause_kind=row.pause_kind, lease_requested=row.lease_requested,
        question_order=frozen(json.loads(row.question_order)) if row.question_order else None)


class SessionBook:
    """The writer's memory of every session it has touched, always equal to what is committed."""

    def __init__(self, key: DataKey,
                 on_change: Callable[[LiveSession], None] = lambda _live: None) -> None:
        self._key = key
        self._committed: dict[SessionKey, LiveSession] = {}
        self._on_change = on_change

    def committed(self, key: SessionKey) -> LiveSession | None:
        """The last committed state, if the writer has it in memory."""
        return self._committed.get(key)

    def get(self, connection: Connection, batch: Batch, candidate_id: int,
            exam_id: str) -> LiveSession | None:
        """The newest state: staged in this batch, else committed, else read from disk."""
        key = (candidate_id, exam_id)
        staged = batch.scratch.get(("session", key))
        if staged is not None:
            return staged
        live = self._committed.get(key)
        if live is None:
            live = read_session(connection, self._key, candidate_id, exam_id)
            if live is not None and live.status != "assigned":
                self._committed[key] = live
        return live

    @staticmethod
    def staged_keys(batch: Batch) -> list[SessionKey]:
        """The sessions this batch has staged a change of."""
        return [key[1] for key in batch.scratch if isinstance(key, tuple) and key[0] == "session"]

    def stage(self, batch: Batch, before: LiveSession, after: LiveSession, now: float) -> None:
        """Stages the rows that turn `before` into `after`, and the book's update at commit."""
        record_changes = {name: getattr(after, name) for name in
                          ("status", "started_at", "deadline", "completed_at", "paused_at",
                           "pause_kind")
                          if getattr(before, name) != getattr(after, name)}
        if after.result is not None and after.result != before.result:
            record_changes["result"] = seal_json(self._key, after.result, result_aad(after.record_id))
        if record_changes:
            batch.update(exam_records, after.record_id, record_changes)
        self._stage_session(batch, before, after, now)
        batch.remember(("session", after.key), after)
        batch.on_commit(lambda: self._commit(after))

    def _commit(self, after: LiveSession) -> None:
        self._committed[after.key] = after
        self._on_change(after)

    def _stage_session(self, batch: Batch, before: LiveSession, after: LiveSession,
                       now: float) -> None:
        assert after.session_id is not None
        row = {"revision": after.revision, "active": after.status == "in_progress",
               "last_saved": after.last_saved, "updated_at": now,
               "lease_device": after.lease_device, "lease_requested": after.lease_requested,
               "session_data": seal_json(self._key, after.data.to_json(),
                                         session_aad(after.session_id))}
        if before.session_id is None:
            batch.insert(exam_sessions, {"id": after.session_id, "exam_record_id": after.record_id,
                                         "created_at": after.created_at,
                                         "lease_since": after.created_at,
                                         "question_order": json.dumps(after.question_order), **row})
        else:
            if before.lease_device != after.lease_device:
                row["lease_since"] = now
            batch.update(exam_sessions, after.session_id, row)

"""Running a sitting: start, end, late admission, absence, incidents, and the end after the
last deadline. Each is one transaction with its event in the log, naming who did it.

`start_sitting` and `end_sitting` stage on any batch, so `hall sitting start|end` and the console
do the same. Only the serving hall submits sessions (its session book holds them): when the
command ends a sitting, the hall's watch submits what is still open within a second.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection

from hallserver.clock import iso
from hallserver.db.models import exam_records, exam_sessions, exams, incidents, sitting_exams, sittings
from hallserver.db.writer import Batch
from hallserver.domain.content import sealed_papers
from hallserver.domain.content.exams import Exam
from hallserver.domain.log.events import EventLog
from hallserver.domain.sessions.lifecycle import finish
from hallserver.domain.sittings.register import sitting_counts
from hallserver.domain.sittings.store import (
    Sitting, candidate_id_of, read_attendance, read_sitting, recent_sittings, stage_attendance,
    stage_sitting,
)
from hallserver.errors import Conflict, Invalid
from hallserver.domain.work import Work
from hallserver.config import HallConfig
from hallserver.runtime.exams import ExamShelf
from hallserver.runtime.room import Room
from hallserver.runtime.storage import Storage

CATEGORIES = ("illness", "misconduct", "technical", "power", "other")
BY_THE_HALL = "the hall (after the last deadline)"


def start_sitting(connection: Connection, batch: Batch, log: EventLog, sitting_id: str, by: str,
                  now: float) -> tuple[Sitting, dict[str, int]]:
    """Starts the sitting now (the server's time); the counts at the start."""
    before = read_sitting(connection, sitting_id, batch)
    if before.state != "scheduled":
        raise Conflict(f"Sitting {before.name} has already {before.state}.")
    sealed_papers.check_open(connection, before.exam_ids)
    after = replace(before, state="started", started_at=now, started_by=by)
    stage_sitting(batch, before, after)
    counted = sitting_counts(connection, sitting_id)
    log.append(connection, batch, "sitting_started", None, {
        "sitting_id": sitting_id, "by": by, "policy": after.policy,
        "late_entry_until": after.late_entry_until, **counted}, now)
    return after, counted


def end_sitting(connection: Connection, batch: Batch, log: EventLog, sitting_id: str, by: str,
                now: float) -> Sitting:
    """Marks the sitting ended (its open sessions are submitted by the serving hall)."""
    before = read_sitting(connection, sitting_id, batch)
    if before.state == "ended":
        raise Conflict(f"Sitting {before.name} has already ended.")
    after = replace(before, state="ended", ended_at=now, ended_by=by)
    stage_sitting(batch, before, after)
    log.append(connection, batch, "sitting_ended", None, {
        "sitting_id": sitting_id, "by": by, "was": before.state,
        **sitting_counts(connection, sitting_id)}, now)
    return after


def _open_keys(connection: Connection, sitting_id: str) -> list[tuple[int, str]]:
    return [(r.candidate_id, r.exam_id) for r in connection.execute(
        select(exam_records.c.candidate_id, exam_records.c.exam_id).where(
            exam_records.c.sitting_id == sitting_id, exam_records.c.status == "in_progress"))]


def _submit_open(work: Work, sitting_id: str, papers: dict[str, Exam], by: str) -> int:
    submitted = 0
    for candidate_id, exam_id in _open_keys(work.connection, sitting_id):
        live = work.session(candidate_id, exam_id)
        if live is None or live.status != "in_progress":
            continue
        finish(work, live, papers[exam_id], "sitting_ended", {"by": by})
        submitted += 1
    return submitted


def announce_sitting(room: Room, sitting: Sitting) -> None:
    """Tells the consoles (live feed item "sitting") that a sitting's state changed, once per
    change, whoever made it (the console, `hall sitting`, the clock). Candidates' pages learn it
    from the notice board (sitting_started, sitting_ended) and GET /student/sitting/{id}."""
    now = room.clock.now()
    state = sitting.state_at(now)
    if room.sitting_states.get(sitting.id) != state:
        room.sitting_states[sitting.id] = state
        room.feed.publish("sitting", sitting.to_json(now))
        if state in ("started", "ended"):  # waiting and open pages act at once
            room.notices.publish_hall(f"sitting_{state}", {"sitting_id": sitting.id,
                                                           "exam_ids": list(sitting.exam_ids)})


def _announce_at_commit(room: Room, batch: Batch, sitting: Sitting) -> None:
    batch.on_commit(lambda: announce_sitting(room, sitting))


async def _papers(storage: Storage, exams: ExamShelf, sitting_id: str) -> dict[str, Exam]:
    """The sitting's exams, read before a job that submits sessions (jobs do not await)."""
    sitting = await storage.read(read_sitting, sitting_id)
    return {exam_id: await exams.exam(exam_id) for exam_id in sitting.exam_ids}


async def start(storage: Storage, room: Room, by: str, sitting_id: str) -> dict[str, Any]:
    """The console's start button."""

    def job(work: Work) -> dict[str, Any]:
        connection, batch, now = work.connection, work.batch, work.now
        sitting, counted = start_sitting(connection, batch, storage.log, sitting_id, by, now)
        _announce_at_commit(room, batch, sitting)
        return {**sitting.to_json(now), "counts": counted}

    return await storage.write(job)


async def end(storage: Storage, exams: ExamShelf, room: Room, by: str,
              sitting_id: str) -> dict[str, Any]:
    """The console's end button: every open session is submitted with what was saved."""
    papers = await _papers(storage, exams, sitting_id)

    def job(work: Work) -> dict[str, Any]:
        connection, batch, now = work.connection, work.batch, work.now
        sitting = end_sitting(connection, batch, storage.log, sitting_id, by, now)
        submitted = _submit_open(work, sitting_id, papers, by)
        _announce_at_commit(room, batch, sitting)
        return {**sitting.to_json(now), "submitted": submitted}

    return await storage.write(job)


def _candidate_event(log: EventLog, connection: Connection, batch: Batch, kind: str,
                     sitting_id: str, registration_number: str, by: str, body: dict[str, Any],
                     now: float) -> None:
    log.append(connection, batch, kind, _session_of(connection, sitting_id, registration_number), {
        "sitting_id": sitting_id, "registration_number": registration_number, "by": by, **body},
        now)


def _session_of(connection: Connection, sitting_id: str,
                registration_number: str | None) -> str | None:
    if registration_number is None:
        return None
    candidate_id = candidate_id_of(connection, sitting_id, registration_number)
    return connection.execute(
        select(exam_sessions.c.id).join(exam_records, exam_records.c.id == exam_sessions.c.exam_record_id)
        .where(exam_records.c.sitting_id == sitting_id, exam_records.c.candidate_id == candidate_id)
        .order_by(exam_records.c.exam_id).limit(1)).scalar_one_or_none()


async def admit(storage: Storage, room: Room, by: str, sitting_id: str, registration_number: str,
                minutes: int, reason: str) -> dict[str, Any]:
    """Lets a candidate in after the late-entry window, with the minutes to give them."""

    def job(work: Work) -> dict[str, Any]:
        connection, batch, now = work.connection, work.batch, work.now
        sitting = read_sitting(connection, sitting_id, batch)
        if sitting.state != "started":
            raise Conflict(f"Only a started sitting admits late candidates; this one is "
                           f"{sitting.state_at(now)}.")
        candidate_id = candidate_id_of(connection, sitting_id, registration_number)
        seat = read_attendance(connection, sitting_id, candidate_id, batch)
        if seat.started_at is not None:
            raise Conflict(f"{registration_number} has already started.")
        stage_attendance(batch, seat.evolve(admitted_at=now, admitted_minutes=minutes,
                                            admitted_by=by, absent_at=None, absent_by=None))
        _candidate_event(storage.log, connection, batch, "sitting_late_admitted", sitting_id,
                         registration_number, by, {"minutes": minutes, "reason": reason}, now)
        room.notices.publish_on_commit(work, candidate_id, "admitted", {"sitting_id": sitting_id})
        return {"registration_number": registration_number, "admitted_at": iso(now),
                "minutes": minutes}

    return await storage.write(job)


async def mark_absent(storage: Storage, by: str, sitting_id: str,
                      registration_number: str) -> dict[str, Any]:
    """Marks a candidate who has not started absent (a login later checks them in again)."""

    def job(work: Work) -> dict[str, Any]:
        connection, batch, now = work.connection, work.batch, work.now
        sitting = read_sitting(connection, sitting_id, batch)
        if sitting.state == "ended":
            raise Conflict(f"Sitting {sitting.name} has ended.")
        candidate_id = candidate_id_of(connection, sitting_id, registration_number)
        seat = read_attendance(connection, sitting_id, candidate_id, batch)
        if seat.started_at is not None:
            raise Conflict(f"{registration_number} has started the exam; they are not absent.")
        stage_attendance(batch, seat.evolve(absent_at=now, absent_by=by))
        _candidate_event(storage.log, connection, batch, "sitting_absent", sitting_id,
                         registration_number, by, {}, now)
        return {"registration_number": registration_number, "absent_at": iso(now)}

    return await storage.write(job)


async def record_incident(storage: Storage, by: str, sitting_id: str, category: str, text: str,
                          registration_number: str | None,
                          occurred_at: float | None) -> dict[str, Any]:
    """Writes an incident of a candidate or of the whole hall into the log and the register."""
    if category not in CATEGORIES:
        raise Invalid(f"An incident's category is one of {', '.join(CATEGORIES)}.")
    if not text.strip():
        raise Invalid("Say what happened: an incident's text is empty.")

    def job(work: Work) -> dict[str, Any]:
        connection, batch, now = work.connection, work.batch, work.now
        read_sitting(connection, sitting_id, batch)
        candidate_id = (None if registration_number is None
                        else candidate_id_of(connection, sitting_id, registration_number))
        incident_id, at = uuid.uuid4().hex[:12], occurred_at or now
        seq = storage.log.append(connection, batch, "incident_recorded",
                              _session_of(connection, sitting_id, registration_number), {
                                  "sitting_id": sitting_id, "incident_id": incident_id,
                                  "category": category, "text": text, "occurred_at": at,
                                  "registration_number": registration_number, "by": by}, now)
        batch.statement(incidents.insert().values(
            id=incident_id, sitting_id=sitting_id, candidate_id=candidate_id, category=category,
            text=text, occurred_at=at, recorded_at=now, recorded_by=by, seq=seq))
        return {"id": incident_id, "category": category, "text": text, "seq": seq,
                "registration_number": registration_number, "occurred_at": iso(at),
                "recorded_by": by}

    return await storage.write(job)


def _finishing(connection: Connection, now: float, grace: float) -> list[str]:
    """Sittings to close: ended with sessions still open, or started and past the last deadline."""
    ended_open = connection.execute(
        select(sittings.c.id).join(exam_records, exam_records.c.sitting_id == sittings.c.id)
        .where(sittings.c.state == "ended", exam_records.c.status == "in_progress")
        .distinct()).scalars().all()
    longest = (select(func.max(exams.c.duration_seconds)).join(
        sitting_exams, sitting_exams.c.exam_id == exams.c.id)
        .where(sitting_exams.c.sitting_id == sittings.c.id).scalar_subquery())
    open_sessions = (select(exam_records.c.id).where(
        exam_records.c.sitting_id == sittings.c.id, exam_records.c.status == "in_progress")
        .exists())
    own_wait = case((sittings.c.policy == "own_clock", sittings.c.late_entry_minutes * 60), else_=0)
    past = connection.execute(select(sittings.c.id).where(
        sittings.c.state == "started", ~open_sessions,
        sittings.c.started_at + longest + own_wait + grace < now)).scalars().all()
    return [*ended_open, *past]


async def close_finished_sittings(storage: Storage, exams: ExamShelf, room: Room,
                                  config: HallConfig) -> int:
    """The watch: submits what an ended sitting left open; ends a sitting after its last deadline;
    announces what changed without the hall (`hall sitting start|end`, check-in opening)."""
    for sitting in await storage.read(recent_sittings, storage.clock.now()):
        announce_sitting(room, sitting)
    due = await storage.read(_finishing, storage.clock.now(), config.exam.grace_seconds)
    for sitting_id in due:
        papers = await _papers(storage, exams, sitting_id)

        def job(work: Work, sitting_id: str = sitting_id,
                papers: dict[str, Exam] = papers) -> None:
            connection, batch, now = work.connection, work.batch, work.now
            sitting = read_sitting(connection, sitting_id, batch)
            by = sitting.ended_by or BY_THE_HALL
            if sitting.state == "started":
                if _open_keys(connection, sitting_id):
                    return  # someone started meanwhile (admitted late): their deadline comes first
                sitting = end_sitting(connection, batch, storage.log, sitting_id, by, now)
                _announce_at_commit(room, batch, sitting)
            _submit_open(work, sitting_id, papers, by)

        await storage.write(job)
    return len(due)

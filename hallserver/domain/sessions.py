"""Exam sessions: start, save, restore, complete, and completion at the deadline.

Every change is a job on the write path that appends its event to the log in the same
transaction. The rules of DESIGN.md live here: one device holds the lease (a save from another is
refused and kept for review); per-field device_seq merging (see `merge`); the server's deadline;
a completed session is final.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from hallserver.clock import iso
from hallserver.db.models import exam_records
from hallserver.db.writer import Batch
from hallserver.domain import alerts as alert_rules
from hallserver.domain import exams as exam_rules
from hallserver.domain.devices import Device
from hallserver.domain.exams import Exam
from hallserver.domain.hall import Hall
from hallserver.domain.live import LiveSession, read_session
from hallserver.domain.merge import apply_fields, flatten, unflatten
from hallserver.domain.order import kept
from hallserver.errors import (
    HallError, LeaseLost, MovePending, NotFound, RevisionAhead, SessionCompleted, TimeOver,
)


def _kept(error: HallError) -> HallError:
    """Marks an error whose job's writes must still be committed (kept for review)."""
    error.keep_writes = True  # type: ignore[attr-defined]
    return error


def _not_yours(exam_id: str) -> NotFound:
    return NotFound(f"You have no exam {exam_id} in this hall. Check the exam on your login slip.")


def _current(hall: Hall, connection: Connection, batch: Batch, device: Device,
             exam_id: str) -> LiveSession:
    live = hall.book.get(connection, batch, device.candidate_id, exam_id)
    if live is None:
        raise _not_yours(exam_id)
    return live


def _start(hall: Hall, connection: Connection, batch: Batch, live: LiveSession, exam: Exam,
           device: Device, now: float) -> LiveSession:
    order = kept(exam_rules.question_order(exam, hall.hall_id, live.registration_number))
    started = live.evolve(status="in_progress", started_at=now,
                          deadline=now + exam.duration_seconds, session_id=uuid.uuid4().hex,
                          lease_device=device.id, created_at=now, question_order=order)
    if hall.paused_at is not None:  # the hall is paused: this clock waits for the hall's resume
        started = started.evolve(paused_at=now, pause_kind="hall")
    hall.log.append(connection, batch, "session_started", started.session_id, {
        "exam_id": exam.id, "registration_number": live.registration_number,
        "device": device.id, "deadline": started.deadline}, now)
    hall.book.stage(batch, live, started, now)
    return started


def finish(hall: Hall, connection: Connection, batch: Batch, live: LiveSession, exam: Exam,
           now: float, reason: str, extra: dict[str, Any] | None = None,
           stage: bool = True) -> LiveSession:
    """Scores and closes a session: submitted, time up, or forced by an invigilator."""
    result = {**exam_rules.score(exam, live.data.answers), "reason": reason, **(extra or {})}
    done = live.evolve(status="completed", completed_at=now, result=result,
                       revision=live.revision + 1)
    hall.log.append(connection, batch, "session_completed", live.session_id, {
        "exam_id": exam.id, "registration_number": live.registration_number,
        "revision": done.revision, "answers": live.data.answers, "result": result}, now)
    if reason == "time_up":
        alert_rules.raise_alert(hall.alerts, hall.log, connection, batch, "time_up", live,
                                {"deadline": iso(live.deadline)}, now, hall.publish_alert)
    if stage:
        hall.book.stage(batch, live, done, now)
    return done


def _overdue(hall: Hall, live: LiveSession, now: float) -> bool:
    grace = hall.config.exam.grace_seconds
    return (live.status == "in_progress" and live.deadline is not None
            and live.exam_clock(now) > live.deadline + grace)


def _refuse(hall: Hall, connection: Connection, batch: Batch, live: LiveSession, device: Device,
            what: str, payload: dict[str, Any], reason: str, now: float) -> None:
    """Keeps a refused save in the log, for review, and never applies it."""
    hall.log.append(connection, batch, f"{what}_refused", live.session_id, {
        "exam_id": live.exam_id, "registration_number": live.registration_number,
        "device": device.id, "reason": reason, "payload": payload}, now)


def _writable(hall: Hall, connection: Connection, batch: Batch, live: LiveSession, exam: Exam,
              device: Device, what: str, payload: dict[str, Any], now: float) -> LiveSession:
    """The session, if this device may change it now; otherwise the right 409."""
    if live.status == "assigned":
        return _start(hall, connection, batch, live, exam, device, now)
    if live.status == "completed":
        raise SessionCompleted(f"Your exam {exam.id} is already submitted; it cannot change.")
    if _overdue(hall, live, now):
        finish(hall, connection, batch, live, exam, now, "time_up")
        _refuse(hall, connection, batch, live, device, what, payload, "time_over", now)
        raise _kept(TimeOver(f"Time is up for exam {exam.id}. It was submitted with the "
                             "answers saved before the deadline.", time_remaining=0))
    if live.lease_device != device.id and live.lease_requested == device.id:
        _refuse(hall, connection, batch, live, device, what, payload, "move_pending", now)
        raise _kept(MovePending("This PC is waiting for an invigilator to approve the move of "
                                "your exam to it. Raise your hand."))
    if live.lease_device != device.id:
        _refuse(hall, connection, batch, live, device, what, payload, "lease_lost", now)
        raise _kept(LeaseLost("Your exam has moved to another computer. Nothing more is saved "
                              "from this one; ask an invigilator if this is wrong."))
    return live


def _session_state(live: LiveSession, now: float) -> dict[str, Any]:
    return {"status": live.status, "revision": live.revision,
            "time_remaining": live.time_remaining(now), "deadline": iso(live.deadline),
            "last_saved": iso(live.last_saved), "paused": live.paused_at is not None}


async def open_paper(hall: Hall, device: Device, exam_id: str) -> dict[str, Any]:
    """The paper in this candidate's order; the first opening starts the clock."""
    exam = await _exam_of(hall, device, exam_id)

    def job(connection: Connection, batch: Batch) -> tuple[dict[str, Any], dict[str, Any]]:
        now = hall.clock.now()
        live = _current(hall, connection, batch, device, exam_id)
        if live.status == "assigned":
            live = _start(hall, connection, batch, live, exam, device, now)
        elif live.status == "completed":
            raise SessionCompleted(f"Your exam {exam_id} is already submitted.")
        elif _overdue(hall, live, now):
            finish(hall, connection, batch, live, exam, now, "time_up")
            raise _kept(TimeOver(f"Time is up for exam {exam_id}; it has been submitted."))
        order = live.question_order or exam_rules.question_order(
            exam, hall.hall_id, device.registration_number)  # stored at start, used as stored
        return order, {"session": {**_session_state(live, now),
                                   "lease_held": live.lease_device == device.id}}

    order, state = await hall.write(job)
    return {**exam_rules.paper_for(exam, order), **state}


async def save(hall: Hall, device: Device, exam_id: str, save_body: dict[str, Any]) -> dict[str, Any]:
    """Applies a partial save; answers after its commit."""
    exam = await _exam_of(hall, device, exam_id)
    exam_rules.check_answers(exam, save_body.get("answers") or {})
    exam_rules.check_marked(exam, save_body.get("marked_questions") or [])
    device_seq, base_revision = save_body.get("device_seq"), save_body.get("base_revision")
    fields = flatten(save_body)

    def job(connection: Connection, batch: Batch) -> dict[str, Any]:
        now = hall.clock.now()
        live = _current(hall, connection, batch, device, exam_id)
        live = _writable(hall, connection, batch, live, exam, device, "save", save_body, now)
        if base_revision is not None and base_revision > live.revision:
            raise RevisionAhead(f"This page knows revision {base_revision} but the hall has "
                                f"{live.revision}; send the whole session again.",
                                revision=live.revision)
        after = live.evolve()
        applied = apply_fields(after.data, fields, device_seq)
        if applied:
            after = after.evolve(data=after.data, revision=live.revision + 1, last_saved=now)
            hall.log.append(connection, batch, "answers_saved", live.session_id, {
                "exam_id": exam_id, "registration_number": live.registration_number,
                "device": device.id, "device_seq": device_seq, "revision": after.revision,
                "changes": unflatten(applied)}, now)
            hall.book.stage(batch, live, after, now)
        else:
            after = live
        return {"saved": True, "revision": after.revision,
                "last_saved": iso(after.last_saved or now),
                "time_remaining": after.time_remaining(now), "paused": after.paused_at is not None}

    return await hall.write(job)


async def _committed(hall: Hall, device: Device, exam_id: str) -> LiveSession:
    live = hall.book.committed((device.candidate_id, exam_id))
    if live is None:
        live = await hall.read(read_session, hall.key, device.candidate_id, exam_id)
    if live is None:
        raise _not_yours(exam_id)
    return live


async def restore(hall: Hall, device: Device, exam_id: str) -> dict[str, Any]:
    """What the hall holds of this candidate's session, for resuming on any PC."""
    live = await _committed(hall, device, exam_id)
    if live.session_id is None:
        return {"has_session": False}
    now = hall.clock.now()
    return {"has_session": True, "revision": live.revision, "status": live.status,
            "lease_held": live.lease_device == device.id, "paused": live.paused_at is not None,
            "last_saved": iso(live.last_saved), "time_remaining": live.time_remaining(now),
            "session_data": {**live.data.public(), "time_remaining": live.time_remaining(now)}}


async def exam_clock(hall: Hall, device: Device, exam_id: str) -> dict[str, Any]:
    """The server's clock for this session, cheap enough for every page to ask often."""
    live = await _committed(hall, device, exam_id)
    return {**_session_state(live, hall.clock.now()), "lease_held": live.lease_device == device.id,
            "move_pending": live.lease_requested == device.id}


def _completion(live: LiveSession, show_score: bool) -> dict[str, Any]:
    result = live.result or {}
    answer = {"completed": True, "completed_at": iso(live.completed_at), "revision": live.revision,
              "reason": result.get("reason")}
    if show_score:
        answer.update(score=result.get("score"), max_score=result.get("max_score"))
    return answer


async def complete(hall: Hall, device: Device, exam_id: str, final_answers: dict[str, Any] | None,
                   time_spent: float | None) -> dict[str, Any]:
    """Scores and closes the session; repeating it answers the same."""
    exam = await _exam_of(hall, device, exam_id)
    exam_rules.check_answers(exam, final_answers or {})
    payload = {"final_answers": final_answers, "time_spent": time_spent}
    show_score = hall.config.exam.show_score

    def job(connection: Connection, batch: Batch) -> dict[str, Any]:
        now = hall.clock.now()
        live = _current(hall, connection, batch, device, exam_id)
        if live.status == "completed":
            return _completion(live, show_score)
        if _overdue(hall, live, now):
            done = finish(hall, connection, batch, live, exam, now, "time_up")
            if final_answers:
                _refuse(hall, connection, batch, live, device, "complete", payload, "time_over", now)
            return _completion(done, show_score)
        live = _writable(hall, connection, batch, live, exam, device, "complete", payload, now)
        ready = live.evolve()
        apply_fields(ready.data, flatten({"answers": final_answers or {}}), None)
        done = finish(hall, connection, batch, ready, exam, now, "submitted",
                       {"time_spent": time_spent})
        return _completion(done, show_score)

    return await hall.write(job)


async def _exam_of(hall: Hall, device: Device, exam_id: str) -> Exam:
    try:
        return await hall.exam(exam_id)
    except NotFound as err:
        raise _not_yours(exam_id) from err


def _due(connection: Connection, before: float) -> list[tuple[int, str]]:
    rows = connection.execute(select(exam_records.c.candidate_id, exam_records.c.exam_id).where(
        exam_records.c.status == "in_progress", exam_records.c.paused_at.is_(None),
        exam_records.c.deadline < before)).all()
    return [(r.candidate_id, r.exam_id) for r in rows]


async def complete_overdue(hall: Hall) -> int:
    """Completes, with what was saved, every session past its deadline and grace; returns how many."""
    now = hall.clock.now()
    due = await hall.read(_due, now - hall.config.exam.grace_seconds)
    finished = 0
    for candidate_id, exam_id in due:
        exam = await hall.exam(exam_id)

        def job(connection: Connection, batch: Batch, key=(candidate_id, exam_id), exam=exam) -> bool:
            live = hall.book.get(connection, batch, *key)
            if live is None or not _overdue(hall, live, hall.clock.now()):
                return False
            finish(hall, connection, batch, live, exam, hall.clock.now(), "time_up")
            return True

        finished += await hall.write(job)
    return finished

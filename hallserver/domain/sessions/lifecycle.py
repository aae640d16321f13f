"""Exam sessions: start, save, restore, complete, and completion at the deadline.

Every change is a job on the write path (see hallserver/domain/work.py for the whole save path)
that appends its event to the log in the same transaction. The rules of DESIGN.md live here: one device holds the lease (a save from another is
refused and kept for review); per-field device_seq merging (see `merge`); the server's deadline;
a completed session is final.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from hallserver.clock import iso
from hallserver.db.models import exam_records
from hallserver.db.writer import Kept
from hallserver.domain.access.devices import Device
from hallserver.domain.content import exams as exam_rules
from hallserver.domain.content.exams import Exam
from hallserver.domain.invigilation.alerts import CLOSED_BY_COMPLETION, SAVING_AGAIN
from hallserver.domain.sessions.live import LiveSession, read_session
from hallserver.domain.sessions import essay_saves
from hallserver.domain.sessions.merge import apply_fields, flatten, unflatten
from hallserver.domain.sessions.order import frozen
from hallserver.domain.work import Work
from hallserver.domain.sittings.entry import session_deadline
from hallserver.errors import (
    HallError,
    LeaseLost,
    MovePending,
    NotFound,
    RevisionAhead,
    SessionCompleted,
    TimeOver,
)
from hallserver.config import HallConfig
from hallserver.runtime.exams import ExamShelf
from hallserver.runtime.room import Room
from hallserver.runtime.storage import Storage


def _not_yours(exam_id: str) -> NotFound:
    return NotFound(f"You have no exam {exam_id} in this hall. Check the exam on your login slip.")


_SUBMITTED_BY = {"force_submitted": "An invigilator submitted your exam",
                 "time_up": "Time ran out for your exam",
                 "sitting_ended": "The invigilator ended the sitting and submitted your exam",
                 "submitted": "You have already submitted your exam"}


def _already_submitted(live: LiveSession) -> SessionCompleted:
    """The refusal of a change to a submitted exam, saying how it ended (`reason`)."""
    reason = (live.result or {}).get("reason")
    how = _SUBMITTED_BY.get(reason or "", "The hall has closed your exam")
    return SessionCompleted(f"{how} {live.exam_id}; it cannot change.", reason=reason)


def _current(work: Work, device: Device, exam_id: str) -> LiveSession:
    live = work.session(device.candidate_id, exam_id)
    if live is None:
        raise _not_yours(exam_id)
    return live


def _start(storage: Storage, room: Room, work: Work, live: LiveSession, exam: Exam,
           device: Device) -> LiveSession | Kept:
    now = work.now
    # A sitting's paper waits for its start and closes after late entry (see sittings.entry).
    deadline = session_deadline(storage.log, work.connection, work.batch, live,
                                exam.duration_seconds, now,
                                lambda facts: room.feed.publish("sitting_refused", facts))
    if isinstance(deadline, Kept):
        return deadline
    order = frozen(exam_rules.question_order(exam, storage.hall_id, live.registration_number))
    started = live.evolve(status="in_progress", started_at=now,
                          deadline=deadline, session_id=uuid.uuid4().hex,
                          lease_device=device.id, created_at=now, question_order=order)
    if work.hall_paused_at is not None:  # the hall is paused: this clock waits for its resume
        started = started.evolve(paused_at=now, pause_kind="hall")
    work.record("session_started", started.session_id, {
        "exam_id": exam.id, "registration_number": live.registration_number,
        "device": device.id, "deadline": started.deadline})
    work.stage(live, started)
    return started


def finish(work: Work, live: LiveSession, exam: Exam, reason: str,
           extra: dict[str, Any] | None = None, stage: bool = True) -> LiveSession:
    """Scores and closes a session: submitted, time up, or forced by an invigilator."""
    result = {**exam_rules.score(exam, live.data.answers), "reason": reason, **(extra or {})}
    done = live.evolve(status="completed", completed_at=work.now, result=result,
                       revision=live.revision + 1)
    work.record("session_completed", live.session_id, {
        "exam_id": exam.id, "registration_number": live.registration_number,
        "revision": done.revision, "answers": live.data.answers, "result": result})
    work.resolve_alerts(live.registration_number, CLOSED_BY_COMPLETION, "completed")
    if reason == "time_up":
        work.raise_alert("time_up", live, {"deadline": iso(live.deadline)})
    if stage:
        work.stage(live, done)
    return done


def _overdue(grace: float, live: LiveSession, now: float) -> bool:
    return (live.status == "in_progress" and live.deadline is not None
            and live.exam_clock(now) > live.deadline + grace)


@dataclass(frozen=True)
class Change:
    """What a device sends to change a session: a save or a completion, kept if refused."""

    device: Device
    what: str                  # "save" or "complete"
    payload: dict[str, Any]

    def refused(self, work: Work, live: LiveSession, error: HallError) -> Kept:
        """Keeps the refused change in the log, for review, never applied; answers `error`."""
        work.record(f"{self.what}_refused", live.session_id, {
            "exam_id": live.exam_id, "registration_number": live.registration_number,
            "device": self.device.id, "reason": error.code, "payload": self.payload})
        return Kept(error)


def _writable(storage: Storage, room: Room, grace: float, work: Work, live: LiveSession,
              exam: Exam, change: Change) -> LiveSession | Kept:
    """The session, if this device may change it now; otherwise the refusal to answer."""
    device = change.device
    if live.status == "assigned":
        return _start(storage, room, work, live, exam, device)
    if live.status == "completed":
        raise _already_submitted(live)
    if _overdue(grace, live, work.now):
        finish(work, live, exam, "time_up")
        return change.refused(work, live, TimeOver(
            f"Time is up for exam {exam.id}. It was submitted with the answers saved before the "
            "deadline.", time_remaining=0))
    if live.lease_device != device.id and live.lease_requested == device.id:
        return change.refused(work, live, MovePending(
            "This PC is waiting for an invigilator to approve the move of your exam to it. "
            "Raise your hand."))
    if live.lease_device != device.id:
        return change.refused(work, live, LeaseLost(
            "Your exam has moved to another computer. Nothing more is saved from this one; ask "
            "an invigilator if this is wrong."))
    return live


def _session_state(live: LiveSession, now: float) -> dict[str, Any]:
    return {"status": live.status, "revision": live.revision,
            "time_remaining": live.time_remaining(now), "deadline": iso(live.deadline),
            "last_saved": iso(live.last_saved), "paused": live.paused_at is not None}


async def open_paper(storage: Storage, exams: ExamShelf, room: Room, config: HallConfig,
                     device: Device, exam_id: str) -> dict[str, Any]:
    """The paper in this candidate's order; the first opening starts the clock."""
    exam = await _exam_of(exams, device, exam_id)

    def job(work: Work) -> tuple[dict[str, Any], dict[str, Any]] | Kept:
        live = _current(work, device, exam_id)
        if live.status == "assigned":
            live = _start(storage, room, work, live, exam, device)
            if isinstance(live, Kept):
                return live
        elif live.status == "completed":
            raise _already_submitted(live)
        elif _overdue(config.exam.grace_seconds, live, work.now):
            finish(work, live, exam, "time_up")
            return Kept(TimeOver(f"Time is up for exam {exam_id}; it has been submitted."))
        order = live.question_order or exam_rules.question_order(
            exam, storage.hall_id, device.registration_number)  # stored at start, used as stored
        return order, {"session": {**_session_state(live, work.now),
                                   "lease_held": live.lease_device == device.id}}

    order, state = await storage.write(job)
    return {**exam_rules.paper_for(exam, order), **state}


async def save(storage: Storage, exams: ExamShelf, room: Room, config: HallConfig, device: Device,
               exam_id: str, save_body: dict[str, Any]) -> dict[str, Any]:
    """Applies a partial save; answers after its commit."""
    exam = await _exam_of(exams, device, exam_id)
    exam_rules.check_answers(exam, save_body.get("answers") or {})
    exam_rules.check_marked(exam, save_body.get("marked_questions") or [])
    exam_rules.check_tool_state(exam, save_body.get("tool_state"))
    essay_saves.check_edits(exam, save_body)
    edits = save_body.get(essay_saves.EDITS)
    device_seq, base_revision = save_body.get("device_seq"), save_body.get("base_revision")
    fields = flatten(save_body)
    change = Change(device, "save", save_body)

    def job(work: Work) -> dict[str, Any] | Kept:
        now = work.now
        live = _writable(storage, room, config.exam.grace_seconds, work,
                         _current(work, device, exam_id), exam, change)
        if isinstance(live, Kept):
            return live
        work.resolve_alerts(live.registration_number, SAVING_AGAIN, "saving_again")
        if base_revision is not None and base_revision > live.revision:
            raise RevisionAhead(f"This page knows revision {base_revision} but the hall has "
                                f"{live.revision}; send the whole session again.",
                                revision=live.revision)
        after = live.evolve()
        edited = essay_saves.resolve(after.data, edits, device_seq) if edits else {}
        applied = apply_fields(after.data, {**fields, **edited}, device_seq)
        if applied:
            after = after.evolve(data=after.data, revision=live.revision + 1, last_saved=now)
            work.record("answers_saved", live.session_id, {
                "exam_id": exam_id, "registration_number": live.registration_number,
                "device": device.id, "device_seq": device_seq, "revision": after.revision,
                "changes": essay_saves.as_logged(unflatten(applied), edits)})
            work.stage(live, after)
        else:
            after = live
        return {"saved": True, "revision": after.revision,
                "last_saved": iso(after.last_saved or now),
                "time_remaining": after.time_remaining(now), "paused": after.paused_at is not None}

    return await storage.write(job)


async def _committed(storage: Storage, room: Room, device: Device, exam_id: str) -> LiveSession:
    live = room.book.committed((device.candidate_id, exam_id))
    if live is None:
        live = await storage.read(read_session, storage.key, device.candidate_id, exam_id)
    if live is None:
        raise _not_yours(exam_id)
    return live


async def restore(storage: Storage, room: Room, device: Device, exam_id: str) -> dict[str, Any]:
    """What the hall holds of this candidate's session, for resuming on any PC."""
    live = await _committed(storage, room, device, exam_id)
    if live.session_id is None:
        return {"has_session": False}
    now = storage.clock.now()
    return {"has_session": True, "revision": live.revision, "status": live.status,
            "lease_held": live.lease_device == device.id, "paused": live.paused_at is not None,
            "last_saved": iso(live.last_saved), "time_remaining": live.time_remaining(now),
            "session_data": {**live.data.public(), "time_remaining": live.time_remaining(now)}}


async def exam_clock(storage: Storage, room: Room, device: Device, exam_id: str) -> dict[str, Any]:
    """The server's clock for this session, cheap enough for every page to ask often."""
    live = await _committed(storage, room, device, exam_id)
    return {**_session_state(live, storage.clock.now()),
            "lease_held": live.lease_device == device.id,
            "move_pending": live.lease_requested == device.id,
            "reason": (live.result or {}).get("reason")}  # why it ended, once completed


def _completion(live: LiveSession, show_score: bool) -> dict[str, Any]:
    result = live.result or {}
    answer = {"completed": True, "completed_at": iso(live.completed_at), "revision": live.revision,
              "reason": result.get("reason")}
    if show_score:
        answer.update(score=result.get("score"), max_score=result.get("max_score"))
    return answer


async def complete(storage: Storage, exams: ExamShelf, room: Room, config: HallConfig,
                   device: Device, exam_id: str, final_answers: dict[str, Any] | None,
                   time_spent: float | None) -> dict[str, Any]:
    """Scores and closes the session; repeating it answers the same."""
    exam = await _exam_of(exams, device, exam_id)
    exam_rules.check_answers(exam, final_answers or {})
    change = Change(device, "complete", {"final_answers": final_answers, "time_spent": time_spent})
    show_score = config.exam.show_score

    def job(work: Work) -> dict[str, Any] | Kept:
        live = _current(work, device, exam_id)
        if live.status == "completed":
            return _completion(live, show_score)
        if _overdue(config.exam.grace_seconds, live, work.now):
            done = finish(work, live, exam, "time_up")
            if final_answers:  # what the page sent too late is kept for review, not applied
                change.refused(work, live, TimeOver("Time is up."))
            return _completion(done, show_score)
        live = _writable(storage, room, config.exam.grace_seconds, work, live, exam, change)
        if isinstance(live, Kept):
            return live
        ready = live.evolve()
        apply_fields(ready.data, flatten({"answers": final_answers or {}}), None)
        done = finish(work, ready, exam, "submitted", {"time_spent": time_spent})
        return _completion(done, show_score)

    return await storage.write(job)


async def _exam_of(exams: ExamShelf, device: Device, exam_id: str) -> Exam:
    try:
        return await exams.exam(exam_id)
    except NotFound as err:
        raise _not_yours(exam_id) from err


def _due(connection: Connection, before: float) -> list[tuple[int, str]]:
    rows = connection.execute(select(exam_records.c.candidate_id, exam_records.c.exam_id).where(
        exam_records.c.status == "in_progress", exam_records.c.paused_at.is_(None),
        exam_records.c.deadline < before)).all()
    return [(r.candidate_id, r.exam_id) for r in rows]


async def complete_overdue(storage: Storage, exams: ExamShelf, room: Room,
                           config: HallConfig) -> int:
    """Completes, with what was saved, every session past its deadline and grace; returns how many."""
    now = storage.clock.now()
    due = await storage.read(_due, now - config.exam.grace_seconds)
    finished = 0
    for candidate_id, exam_id in due:
        exam = await exams.exam(exam_id)

        def job(work: Work, key=(candidate_id, exam_id), exam=exam) -> bool:
            live = work.session(*key)
            if live is None or not _overdue(config.exam.grace_seconds, live, work.now):
                return False
            finish(work, live, exam, "time_up")
            return True

        finished += await storage.write(job)
    return finished

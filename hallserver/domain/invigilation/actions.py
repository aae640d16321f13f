"""What invigilators do to sessions: extend time, pause and resume (one candidate or the whole
hall), approve a move to a spare PC, force a submit, acknowledge alerts. Each action is a job on
the write path and an event in the log, naming who did it; once it is committed, the candidate's
pages are told at once (the notice board, notices.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hallserver.clock import iso
from hallserver.db.models import candidates
from hallserver.domain.access.candidates import same_registration
from hallserver.domain.access.staff import StaffMember
from hallserver.domain.invigilation import alerts as alert_rules
from hallserver.domain.sessions.lifecycle import finish
from hallserver.domain.sessions.live import LiveSession
from hallserver.domain.work import Work
from hallserver.errors import Conflict, NotFound
from hallserver.config import HallConfig
from hallserver.runtime.exams import ExamShelf
from hallserver.runtime.room import Room
from hallserver.runtime.storage import Storage


def target_session(work: Work, registration_number: str, exam_id: str) -> LiveSession:
    """The session an invigilator acts on; NotFound when the candidate does not sit the exam."""
    candidate_id = work.connection.execute(select(candidates.c.id).where(
        same_registration(registration_number))).scalar_one_or_none()
    live = None if candidate_id is None else work.session(candidate_id, exam_id)
    if live is None:
        raise NotFound(f"No candidate {registration_number} sits exam {exam_id} in this hall.")
    return live


def _in_progress(live: LiveSession) -> None:
    if live.status != "in_progress":
        state = "has not started" if live.status == "assigned" else "is already submitted"
        raise Conflict(f"{live.registration_number}'s exam {live.exam_id} {state}.")


def _log(work: Work, kind: str, live: LiveSession, member: StaffMember,
         body: dict[str, Any]) -> None:
    work.record(kind, live.session_id, {"exam_id": live.exam_id,
                                        "registration_number": live.registration_number,
                                        "by": member.name, **body})


async def _act(storage: Storage, room: Room, registration_number: str, exam_id: str, notice: str,
               change: Any) -> dict[str, Any]:
    """Runs `change(work, live) -> after` on one session; answers its row, which the
    candidate's pages get too, as the notice `notice`, once it is committed."""

    def job(work: Work) -> dict[str, Any]:
        now = work.now
        live = target_session(work, registration_number, exam_id)
        after = change(work, live)
        work.stage(live, after)
        row = {"registration_number": registration_number, "exam_id": exam_id,
               "status": after.status, "deadline": iso(after.deadline),
               "time_remaining": after.time_remaining(now), "paused": after.paused_at is not None}
        room.notices.publish_on_commit(work, live.candidate_id, notice, row)
        return row

    return await storage.write(job)


async def extend_time(storage: Storage, room: Room, member: StaffMember, registration_number: str,
                      exam_id: str, minutes: int, reason: str) -> dict[str, Any]:
    """Moves one candidate's deadline later by `minutes`."""

    def change(work: Work, live: LiveSession) -> LiveSession:
        _in_progress(live)
        after = live.evolve(deadline=(live.deadline or work.now) + minutes * 60)
        _log(work, "time_extended", live, member,
             {"minutes": minutes, "reason": reason, "deadline": after.deadline})
        return after

    return await _act(storage, room, registration_number, exam_id, "time_extended", change)


async def pause_candidate(storage: Storage, room: Room, member: StaffMember,
                          registration_number: str, exam_id: str) -> dict[str, Any]:
    """Stops one candidate's clock."""

    def change(work: Work, live: LiveSession) -> LiveSession:
        _in_progress(live)
        if live.paused_at is not None:
            raise Conflict(f"{registration_number}'s clock is already paused.")
        _log(work, "session_paused", live, member, {"scope": "candidate"})
        return live.evolve(paused_at=work.now, pause_kind="candidate")

    return await _act(storage, room, registration_number, exam_id, "paused", change)


def _resumed(live: LiveSession, now: float) -> LiveSession:
    assert live.paused_at is not None and live.deadline is not None
    return live.evolve(deadline=live.deadline + (now - live.paused_at), paused_at=None,
                       pause_kind=None)


async def resume_candidate(storage: Storage, room: Room, member: StaffMember,
                           registration_number: str, exam_id: str) -> dict[str, Any]:
    """Restarts one candidate's clock; the deadline moves by the pause."""

    def change(work: Work, live: LiveSession) -> LiveSession:
        if live.pause_kind != "candidate":
            why = "the whole hall is paused" if live.pause_kind == "hall" else "it is not paused"
            raise Conflict(f"{registration_number}'s clock cannot be resumed alone: {why}.")
        after = _resumed(live, work.now)
        _log(work, "session_resumed", live, member,
             {"scope": "candidate", "paused_seconds": work.now - live.paused_at,
              "deadline": after.deadline})
        return after

    return await _act(storage, room, registration_number, exam_id, "resumed", change)


async def force_submit(storage: Storage, exams: ExamShelf, room: Room, member: StaffMember,
                       registration_number: str, exam_id: str) -> dict[str, Any]:
    """Submits a session now with what was saved (the end of the exam, a candidate sent out)."""
    exam = await exams.exam(exam_id)

    def change(work: Work, live: LiveSession) -> LiveSession:
        _in_progress(live)
        return finish(work, live, exam, "force_submitted", {"by": member.name}, stage=False)

    return await _act(storage, room, registration_number, exam_id, "force_submitted", change)


async def approve_move(storage: Storage, room: Room, member: StaffMember, registration_number: str,
                       exam_id: str) -> dict[str, Any]:
    """Gives the session to the PC that asked for it; the old PC's saves are refused from now."""

    def change(work: Work, live: LiveSession) -> LiveSession:
        _in_progress(live)
        if live.lease_requested is None:
            raise Conflict(f"No PC is waiting to take over {registration_number}'s exam.")
        moved = live.evolve()
        moved.data.stamps.clear()  # the new device's device_seq is its own sequence
        _log(work, "lease_moved", live, member,
             {"from_device": live.lease_device, "to_device": live.lease_requested})
        pending = work.open_alert("move_requested", live.registration_number)
        if pending is not None:
            work.acknowledge_alert(pending.id, member.name)
        return moved.evolve(data=moved.data, lease_device=live.lease_requested,
                            lease_requested=None)

    return await _act(storage, room, registration_number, exam_id, "move_approved", change)


async def pause_hall(storage: Storage, room: Room, member: StaffMember) -> dict[str, Any]:
    """A power event: every clock in the hall stops, and sessions started meanwhile start paused."""

    def job(work: Work) -> dict[str, Any]:
        if work.hall_paused_at is not None:
            raise Conflict("The hall is already paused.")
        now = work.now
        paused = [live for live in work.sessions_in_progress() if live.paused_at is None]
        for live in paused:
            work.stage(live, live.evolve(paused_at=now, pause_kind="hall"))
        work.record("hall_paused", None, {"by": member.name,
                                          "sessions": [live.session_id for live in paused]})
        work.pause_hall(now)
        work.on_commit(lambda: _hall_state(room, now))
        return {"paused": True, "since": iso(now), "sessions": len(paused)}

    return await storage.write(job)


async def resume_hall(storage: Storage, room: Room, member: StaffMember) -> dict[str, Any]:
    """Every clock the hall's pause stopped starts again; each deadline moves by the pause."""

    def job(work: Work) -> dict[str, Any]:
        since = work.hall_paused_at
        if since is None:
            raise Conflict("The hall is not paused.")
        now = work.now
        resumed = [live for live in work.sessions_in_progress() if live.pause_kind == "hall"]
        for live in resumed:
            work.stage(live, _resumed(live, now))
        work.record("hall_resumed", None, {"by": member.name, "paused_seconds": now - since,
                                           "sessions": [live.session_id for live in resumed]})
        work.pause_hall(None)
        work.on_commit(lambda: _hall_state(room, None))
        return {"paused": False, "paused_seconds": now - since, "sessions": len(resumed)}

    return await storage.write(job)


def _hall_state(room: Room, paused_at: float | None) -> None:
    room.paused_at = paused_at
    room.feed.publish("hall", hall_status(room))
    paused = paused_at is not None
    room.notices.publish_hall("hall_paused" if paused else "hall_resumed", {"paused": paused})


def hall_status(room: Room) -> dict[str, Any]:
    """The hall as a whole: its name, and whether it is paused."""
    return {"name": room.name, "hall_id": room.hall_id,
            "paused": room.paused_at is not None, "paused_since": iso(room.paused_at)}


async def acknowledge_alert(storage: Storage, member: StaffMember, alert_id: str) -> dict[str, Any]:
    """Marks an alert as seen and acted on, in the log."""

    def job(work: Work) -> dict[str, Any]:
        return work.acknowledge_alert(alert_id, member.name).to_json()

    return await storage.write(job)


async def acknowledge_alerts_of_kind(storage: Storage, member: StaffMember,
                                     kind: str) -> dict[str, Any]:
    """Acknowledges every open alert of one kind at once, each in the log."""

    def job(work: Work) -> dict[str, Any]:
        done = work.acknowledge_alerts_of_kind(kind, member.name)
        return {"kind": kind, "acknowledged": len(done), "by": member.name}

    return await storage.write(job)


async def alert_silent_sessions(storage: Storage, room: Room, config: HallConfig) -> int:
    """Raises a "silent" alert for each session in progress that has stopped saving."""
    quiet_for = config.invigilation.silent_after_seconds
    quiet = await storage.read(alert_rules.silent_sessions, storage.clock.now() - quiet_for)
    raised = 0
    for candidate_id, exam_id in quiet:

        def job(work: Work, key=(candidate_id, exam_id)) -> bool:
            live = work.session(*key)
            if live is None or live.status != "in_progress" or live.paused_at is not None:
                return False
            since = live.last_saved or live.started_at or work.now
            if work.now - since < quiet_for:
                return False
            detail = {"since": iso(since), "seat": room.seat(live.lease_device).label}
            return work.raise_alert("silent", live, detail) is not None

        raised += await storage.write(job)
    return raised

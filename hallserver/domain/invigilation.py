"""What invigilators do to sessions: extend time, pause and resume (one candidate or the whole
hall), approve a move to a spare PC, force a submit, acknowledge alerts. Each action is a job on
the write path and an event in the log, naming who did it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from hallserver.clock import iso
from hallserver.db.models import candidates, exam_records, hall_meta
from hallserver.db.writer import Batch
from hallserver.domain import alerts as alert_rules
from hallserver.domain.hall import Hall
from hallserver.domain.live import LiveSession
from hallserver.domain.pauses import HALL_PAUSED_AT
from hallserver.domain.sessions import finish
from hallserver.domain.staff import StaffMember
from hallserver.errors import Conflict, NotFound


def _target(hall: Hall, connection: Connection, batch: Batch, registration_number: str,
            exam_id: str) -> LiveSession:
    candidate_id = connection.execute(select(candidates.c.id).where(
        candidates.c.registration_number == registration_number)).scalar_one_or_none()
    live = None if candidate_id is None else hall.book.get(connection, batch, candidate_id, exam_id)
    if live is None:
        raise NotFound(f"No candidate {registration_number} sits exam {exam_id} in this hall.")
    return live


def _in_progress(live: LiveSession) -> None:
    if live.status != "in_progress":
        state = "has not started" if live.status == "assigned" else "is already submitted"
        raise Conflict(f"{live.registration_number}'s exam {live.exam_id} {state}.")


def _log(hall: Hall, connection: Connection, batch: Batch, kind: str, live: LiveSession,
         member: StaffMember, body: dict[str, Any], now: float) -> None:
    hall.log.append(connection, batch, kind, live.session_id, {
        "exam_id": live.exam_id, "registration_number": live.registration_number,
        "by": member.name, **body}, now)


async def _act(hall: Hall, member: StaffMember, registration_number: str, exam_id: str,
               change: Any) -> dict[str, Any]:
    """Runs `change(connection, batch, live, now) -> after` on one session; answers its row."""

    def job(connection: Connection, batch: Batch) -> dict[str, Any]:
        now = hall.clock.now()
        live = _target(hall, connection, batch, registration_number, exam_id)
        after = change(connection, batch, live, now)
        hall.book.stage(batch, live, after, now)
        return {"registration_number": registration_number, "exam_id": exam_id,
                "status": after.status, "deadline": iso(after.deadline),
                "time_remaining": after.time_remaining(now), "paused": after.paused_at is not None}

    return await hall.write(job)


async def extend_time(hall: Hall, member: StaffMember, registration_number: str, exam_id: str,
                      minutes: int, reason: str) -> dict[str, Any]:
    """Moves one candidate's deadline later by `minutes`."""

    def change(connection: Connection, batch: Batch, live: LiveSession, now: float) -> LiveSession:
        _in_progress(live)
        after = live.evolve(deadline=(live.deadline or now) + minutes * 60)
        _log(hall, connection, batch, "time_extended", live, member,
             {"minutes": minutes, "reason": reason, "deadline": after.deadline}, now)
        return after

    return await _act(hall, member, registration_number, exam_id, change)


async def pause_candidate(hall: Hall, member: StaffMember, registration_number: str,
                          exam_id: str) -> dict[str, Any]:
    """Stops one candidate's clock."""

    def change(connection: Connection, batch: Batch, live: LiveSession, now: float) -> LiveSession:
        _in_progress(live)
        if live.paused_at is not None:
            raise Conflict(f"{registration_number}'s clock is already paused.")
        _log(hall, connection, batch, "session_paused", live, member, {"scope": "candidate"}, now)
        return live.evolve(paused_at=now, pause_kind="candidate")

    return await _act(hall, member, registration_number, exam_id, change)


def _resumed(live: LiveSession, now: float) -> LiveSession:
    assert live.paused_at is not None and live.deadline is not None
    return live.evolve(deadline=live.deadline + (now - live.paused_at), paused_at=None,
                       pause_kind=None)


async def resume_candidate(hall: Hall, member: StaffMember, registration_number: str,
                           exam_id: str) -> dict[str, Any]:
    """Restarts one candidate's clock; the deadline moves by the pause."""

    def change(connection: Connection, batch: Batch, live: LiveSession, now: float) -> LiveSession:
        if live.pause_kind != "candidate":
            why = "the whole hall is paused" if live.pause_kind == "hall" else "it is not paused"
            raise Conflict(f"{registration_number}'s clock cannot be resumed alone: {why}.")
        after = _resumed(live, now)
        _log(hall, connection, batch, "session_resumed", live, member,
             {"scope": "candidate", "paused_seconds": now - live.paused_at,
              "deadline": after.deadline}, now)
        return after

    return await _act(hall, member, registration_number, exam_id, change)


async def force_submit(hall: Hall, member: StaffMember, registration_number: str,
                       exam_id: str) -> dict[str, Any]:
    """Submits a session now with what was saved (the end of the exam, a candidate sent out)."""
    exam = await hall.exam(exam_id)

    def change(connection: Connection, batch: Batch, live: LiveSession, now: float) -> LiveSession:
        _in_progress(live)
        return finish(hall, connection, batch, live, exam, now, "force_submitted",
                      {"by": member.name}, stage=False)

    return await _act(hall, member, registration_number, exam_id, change)


async def approve_move(hall: Hall, member: StaffMember, registration_number: str,
                       exam_id: str) -> dict[str, Any]:
    """Gives the session to the PC that asked for it; the old PC's saves are refused from now."""

    def change(connection: Connection, batch: Batch, live: LiveSession, now: float) -> LiveSession:
        _in_progress(live)
        if live.lease_requested is None:
            raise Conflict(f"No PC is waiting to take over {registration_number}'s exam.")
        moved = live.evolve()
        moved.data.stamps.clear()  # the new device's device_seq is its own sequence
        _log(hall, connection, batch, "lease_moved", live, member,
             {"from_device": live.lease_device, "to_device": live.lease_requested}, now)
        pending = hall.alerts.open_for("move_requested", live.session_id)
        if pending is not None:
            alert_rules.acknowledge(hall.alerts, hall.log, connection, batch, pending.id,
                                    member.name, now, hall.publish_alert)
        return moved.evolve(data=moved.data, lease_device=live.lease_requested,
                            lease_requested=None)

    return await _act(hall, member, registration_number, exam_id, change)


def _open_sessions(hall: Hall, connection: Connection, batch: Batch) -> list[LiveSession]:
    keys = connection.execute(select(exam_records.c.candidate_id, exam_records.c.exam_id)
                              .where(exam_records.c.status == "in_progress")).all()
    found = (hall.book.get(connection, batch, k.candidate_id, k.exam_id) for k in keys)
    return [live for live in found if live is not None and live.status == "in_progress"]


async def pause_hall(hall: Hall, member: StaffMember) -> dict[str, Any]:
    """A power event: every clock in the hall stops, and sessions started meanwhile start paused."""

    def job(connection: Connection, batch: Batch) -> dict[str, Any]:
        if hall.paused_at is not None:
            raise Conflict("The hall is already paused.")
        now = hall.clock.now()
        paused = [live for live in _open_sessions(hall, connection, batch) if live.paused_at is None]
        for live in paused:
            hall.book.stage(batch, live, live.evolve(paused_at=now, pause_kind="hall"), now)
        hall.log.append(connection, batch, "hall_paused", None, {
            "by": member.name, "sessions": [live.session_id for live in paused]}, now)
        batch.statement(sqlite_insert(hall_meta).values(key=HALL_PAUSED_AT, value=repr(now))
                        .on_conflict_do_update(index_elements=["key"], set_={"value": repr(now)}))
        batch.on_commit(lambda: _hall_state(hall, now))
        return {"paused": True, "since": iso(now), "sessions": len(paused)}

    return await hall.write(job)


async def resume_hall(hall: Hall, member: StaffMember) -> dict[str, Any]:
    """Every clock the hall's pause stopped starts again; each deadline moves by the pause."""

    def job(connection: Connection, batch: Batch) -> dict[str, Any]:
        if hall.paused_at is None:
            raise Conflict("The hall is not paused.")
        now = hall.clock.now()
        resumed = [live for live in _open_sessions(hall, connection, batch)
                   if live.pause_kind == "hall"]
        for live in resumed:
            hall.book.stage(batch, live, _resumed(live, now), now)
        hall.log.append(connection, batch, "hall_resumed", None, {
            "by": member.name, "paused_seconds": now - hall.paused_at,
            "sessions": [live.session_id for live in resumed]}, now)
        batch.statement(delete(hall_meta).where(hall_meta.c.key == HALL_PAUSED_AT))
        batch.on_commit(lambda: _hall_state(hall, None))
        return {"paused": False, "paused_seconds": now - hall.paused_at, "sessions": len(resumed)}

    return await hall.write(job)


def _hall_state(hall: Hall, paused_at: float | None) -> None:
    hall.paused_at = paused_at
    hall.feed.publish("hall", hall_status(hall))


def hall_status(hall: Hall) -> dict[str, Any]:
    """The hall as a whole: its name, and whether it is paused."""
    return {"name": hall.config.hall.name, "hall_id": hall.hall_id,
            "paused": hall.paused_at is not None, "paused_since": iso(hall.paused_at)}


async def acknowledge_alert(hall: Hall, member: StaffMember, alert_id: str) -> dict[str, Any]:
    """Marks an alert as seen and acted on, in the log."""

    def job(connection: Connection, batch: Batch) -> dict[str, Any]:
        done = alert_rules.acknowledge(hall.alerts, hall.log, connection, batch, alert_id,
                                       member.name, hall.clock.now(), hall.publish_alert)
        return done.to_json()

    return await hall.write(job)


async def alert_silent_sessions(hall: Hall) -> int:
    """Raises a "silent" alert for each session in progress that has stopped saving."""
    quiet_for = hall.config.invigilation.silent_after_seconds
    quiet = await hall.read(alert_rules.silent_sessions, hall.clock.now() - quiet_for)
    raised = 0
    for candidate_id, exam_id in quiet:

        def job(connection: Connection, batch: Batch, key=(candidate_id, exam_id)) -> bool:
            live = hall.book.get(connection, batch, *key)
            now = hall.clock.now()
            if live is None or live.status != "in_progress" or live.paused_at is not None:
                return False
            since = live.last_saved or live.started_at or now
            if now - since < quiet_for:
                return False
            detail = {"since": iso(since), "seat": hall.seats.get(live.lease_device or "")}
            return alert_rules.raise_alert(hall.alerts, hall.log, connection, batch, "silent",
                                           live, detail, now, hall.publish_alert) is not None

        raised += await hall.write(job)
    return raised

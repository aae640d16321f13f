"""A candidate's way into a sitting: check-in at login, the paper held back until the start,
the late-entry window, and each session's deadline under the sitting's policy.

Exam records that no sitting holds are untouched: their clock starts when the paper is opened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from hallserver.clock import iso
from hallserver.db.models import events
from hallserver.db.writer import Batch, Kept
from hallserver.domain.access.candidates import exams_of
from hallserver.domain.access.devices import Device
from hallserver.domain.log.events import EventLog
from hallserver.domain.sessions.live import LiveSession
from hallserver.domain.sittings.store import (
    Attendance, Sitting, read_attendance, read_sitting, sitting_of_record, sittings_of_candidate,
    stage_attendance,
)
from hallserver.errors import (
    LateEntryClosed, MarkedAbsent, NotFound, SittingEnded, SittingNotStarted,
)
from hallserver.domain.work import Work
from hallserver.runtime.room import Room
from hallserver.runtime.storage import Storage


def check_in(log: EventLog, connection: Connection, batch: Batch, candidate_id: int,
             registration_number: str, now: float, only: str | None = None) -> list[str]:
    """A login checks the candidate in to each of their sittings whose check-in is open (or to
    the one sitting `only`); the sittings they were checked in to now."""
    checked: list[str] = []
    for sitting_id in sorted(set(sittings_of_candidate(connection, candidate_id).values())):
        if only is not None and sitting_id != only:
            continue
        sitting = read_sitting(connection, sitting_id, batch)
        if sitting.state_at(now) not in ("checking_in", "started"):
            continue
        seat = read_attendance(connection, sitting_id, candidate_id, batch)
        if seat.checked_in_at is not None and seat.absent_at is None:
            continue
        stage_attendance(batch, seat.evolve(checked_in_at=seat.checked_in_at or now,
                                            absent_at=None, absent_by=None))
        log.append(connection, batch, "sitting_checked_in", None, {
            "sitting_id": sitting_id, "registration_number": registration_number,
            "by": registration_number, "after_start": sitting.state == "started",
            "was_marked_absent": seat.absent_at is not None}, now)
        checked.append(sitting_id)
    return checked


def check_in_and_tell(storage: Storage, room: Room, work: Work, candidate_id: int,
                      registration_number: str, only: str | None = None) -> None:
    """Checks the candidate in (see `check_in`) and, once that is on disk, tells the consoles
    (live feed item "sitting_checked_in"), so the sitting's counts move as candidates arrive."""
    for sitting_id in check_in(storage.log, work.connection, work.batch, candidate_id,
                               registration_number, work.now, only):
        facts = {"sitting_id": sitting_id, "registration_number": registration_number}
        work.on_commit(lambda facts=facts: room.feed.publish("sitting_checked_in", facts))


async def check_in_now(storage: Storage, room: Room, device: Device, sitting_id: str) -> None:
    """A waiting page checks its candidate in once check-in opens (a login before it did not)."""

    def job(work: Work) -> None:
        check_in_and_tell(storage, room, work, device.candidate_id, device.registration_number,
                          only=sitting_id)

    await storage.write(job)


def exams_with_sittings(connection: Connection, candidate_id: int,
                        now: float) -> list[dict[str, Any]]:
    """The login's list of exams, each with its sitting's id, state, start and policy."""
    held = sittings_of_candidate(connection, candidate_id)
    briefs = {sitting_id: read_sitting(connection, sitting_id).brief(now)
              for sitting_id in set(held.values())}
    return [{**exam, **({"sitting": briefs[held[exam["id"]]]} if exam["id"] in held else {})}
            for exam in exams_of(connection, candidate_id)]


def sitting_for_candidate(connection: Connection, candidate_id: int, sitting_id: str,
                          now: float) -> dict[str, Any]:
    """What a waiting page shows of the candidate's sitting; NotFound when it is not theirs."""
    if sitting_id not in set(sittings_of_candidate(connection, candidate_id).values()):
        raise NotFound(f"You have no sitting {sitting_id} in this hall.")
    sitting = read_sitting(connection, sitting_id)
    seat = read_attendance(connection, sitting_id, candidate_id)
    return {**sitting.to_json(now),
            "attendance": {"checked_in_at": iso(seat.checked_in_at),
                           "started_at": iso(seat.started_at),
                           "admitted": seat.admitted_at is not None,
                           "absent": seat.absent_at is not None,
                           "refused_at": iso(seat.refused_at)}}


_HALL_PAUSES = "sittings.hall_pauses"


def _refuse_late(log: EventLog, connection: Connection, batch: Batch, sitting: Sitting,
                 seat: Attendance, live: LiveSession, now: float,
                 on_refused: Callable[[dict[str, Any]], None]) -> Kept:
    stage_attendance(batch, seat.evolve(refused_at=now, refusals=seat.refusals + 1))
    facts = {"sitting_id": sitting.id, "registration_number": live.registration_number,
             "exam_id": live.exam_id, "reason": "late_entry_closed",
             "late_entry_until": sitting.late_entry_until}
    log.append(connection, batch, "sitting_entry_refused", None, facts, now)
    batch.on_commit(lambda: on_refused({**facts, "refused_at": iso(now),
                                        "late_entry_until": iso(sitting.late_entry_until)}))
    return Kept(LateEntryClosed(
        "The time to enter this exam has passed. Please see the invigilator, who can let you in.",
        sitting_id=sitting.id))


def hall_paused_seconds(connection: Connection, since: float, now: float,
                        batch: Batch | None = None) -> float:
    """How long the whole hall stood paused between `since` and `now` (a pause still on counts
    up to now), from the log's hall_paused and hall_resumed events (read once per batch: a
    thousand papers opening at the start share it)."""
    rows = batch.scratch.get(_HALL_PAUSES) if batch is not None else None
    if rows is None:
        rows = connection.execute(select(events.c.kind, events.c.occurred_at).where(
            events.c.session_id.is_(None), events.c.kind.in_(("hall_paused", "hall_resumed")))
            .order_by(events.c.seq)).all()
        if batch is not None:
            batch.remember(_HALL_PAUSES, rows)
    total, paused_from = 0.0, None
    for kind, at in [*rows, ("hall_resumed", now)]:
        if kind == "hall_paused":
            paused_from = at
        elif paused_from is not None:
            total += max(0.0, min(at, now) - max(paused_from, since))
            paused_from = None
    return total


def _deadline(connection: Connection, batch: Batch, sitting: Sitting, seat: Attendance,
              duration_seconds: int, now: float) -> float:
    if seat.admitted_at is not None and seat.admitted_minutes is not None:
        return now + seat.admitted_minutes * 60
    if sitting.policy == "common_end":
        # Everyone's clock stood still through the hall's pauses since the start: so does the
        # common end (a pause still on is counted to now; its resume moves this deadline on).
        assert sitting.started_at is not None
        return (sitting.started_at + duration_seconds
                + hall_paused_seconds(connection, sitting.started_at, now, batch))
    return now + duration_seconds


def session_deadline(log: EventLog, connection: Connection, batch: Batch, live: LiveSession,
                     duration_seconds: int, now: float,
                     on_refused: Callable[[dict[str, Any]], None] = lambda _: None) -> float | Kept:
    """The deadline of a session starting now, or the sitting's refusal.

    No sitting: now + duration. Before the start: SittingNotStarted (nothing written). After the
    late-entry window, for a candidate not admitted: Kept(LateEntryClosed), the attempt kept in
    the log and told to `on_refused` once committed (the consoles).
    """
    sitting_id = sitting_of_record(connection, live.record_id)
    if sitting_id is None:
        return now + duration_seconds
    sitting = read_sitting(connection, sitting_id, batch)
    if sitting.state == "ended":
        raise SittingEnded(f"The sitting {sitting.name} has ended.", sitting_id=sitting.id)
    if sitting.state != "started":
        raise SittingNotStarted(
            "The exam has not started yet. Wait for the invigilator to start it.",
            sitting_id=sitting.id, starts_at=iso(sitting.starts_at))
    seat = read_attendance(connection, sitting_id, live.candidate_id, batch)
    if seat.admitted_at is None:
        if seat.absent_at is not None:
            raise MarkedAbsent("You are marked absent from this exam. Please see the "
                               "invigilator.", sitting_id=sitting.id)
        assert sitting.late_entry_until is not None
        # Late is arriving after the window: a candidate checked in by then (a PC that was off,
        # a page that opened the paper late) is not late, and gets what the policy gives.
        arrived_in_time = (seat.checked_in_at is not None
                           and seat.checked_in_at <= sitting.late_entry_until)
        if now > sitting.late_entry_until and not arrived_in_time:
            return _refuse_late(log, connection, batch, sitting, seat, live, now, on_refused)
    stage_attendance(batch, seat.evolve(checked_in_at=seat.checked_in_at or now,
                                        started_at=seat.started_at or now))
    return _deadline(connection, batch, sitting, seat, duration_seconds, now)

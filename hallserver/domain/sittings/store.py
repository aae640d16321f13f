"""Sittings as stored: the sitting's row and exams, each candidate's attendance, read and staged.

Writes are staged on the write path's batch (statements, rare and small) and remembered in the
batch's scratch, so a later job of the same transaction reads what an earlier one staged. The
`hall sitting` commands stage on a batch of their own and flush it in their transaction.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from hallserver.clock import iso
from hallserver.db.models import attendance, candidates, exam_records, sitting_exams, sittings
from hallserver.db.writer import Batch
from hallserver.errors import NotFound

STATES = ("scheduled", "checking_in", "started", "ended")


@dataclass(frozen=True)
class Sitting:
    """One sitting: its settings and where it stands (`state` as stored; see `state_at`)."""

    id: str
    name: str
    starts_at: float
    check_in_minutes: int
    policy: str
    late_entry_minutes: int
    instructions: str
    state: str                       # scheduled, started, ended
    created_at: float
    everyone: bool                   # for every candidate of its exams (not a list)
    created_by: str
    exam_ids: tuple[str, ...] = ()
    started_at: float | None = None
    started_by: str | None = None
    ended_at: float | None = None
    ended_by: str | None = None

    @property
    def check_in_opens_at(self) -> float:
        """When candidates may check in."""
        return self.starts_at - self.check_in_minutes * 60

    @property
    def late_entry_until(self) -> float | None:
        """The end of the late-entry window, once started (from the server's start time)."""
        return None if self.started_at is None else self.started_at + self.late_entry_minutes * 60

    def state_at(self, now: float) -> str:
        """scheduled, checking_in (check-in has opened, not yet started), started or ended."""
        if self.state == "scheduled" and now >= self.check_in_opens_at:
            return "checking_in"
        return self.state

    def settings(self) -> dict[str, Any]:
        """Its settings, as the log and the console show them."""
        return {"name": self.name, "exams": list(self.exam_ids), "starts_at": iso(self.starts_at),
                "check_in_minutes": self.check_in_minutes, "policy": self.policy,
                "late_entry_minutes": self.late_entry_minutes, "instructions": self.instructions}

    def to_json(self, now: float) -> dict[str, Any]:
        """The sitting for pages and scripts."""
        return {"id": self.id, **self.settings(), "state": self.state_at(now),
                "check_in_opens_at": iso(self.check_in_opens_at),
                "started_at": iso(self.started_at), "started_by": self.started_by,
                "late_entry_until": iso(self.late_entry_until),
                "ended_at": iso(self.ended_at), "ended_by": self.ended_by,
                "server_time": iso(now)}

    def brief(self, now: float) -> dict[str, Any]:
        """What a candidate's login lists of it, beside each exam."""
        return {"id": self.id, "state": self.state_at(now), "starts_at": iso(self.starts_at),
                "policy": self.policy}


@dataclass(frozen=True)
class Attendance:
    """One candidate at one sitting."""

    sitting_id: str
    candidate_id: int
    checked_in_at: float | None = None
    started_at: float | None = None
    absent_at: float | None = None
    absent_by: str | None = None
    admitted_at: float | None = None
    admitted_minutes: int | None = None
    admitted_by: str | None = None
    refused_at: float | None = None
    refusals: int = 0

    def evolve(self, **changes: Any) -> Attendance:
        """A changed copy."""
        return dataclasses.replace(self, **changes)


_COLUMNS = [c.name for c in sittings.columns]


def _sitting_from_row(connection: Connection, row: Any) -> Sitting:
    exam_ids = tuple(connection.execute(select(sitting_exams.c.exam_id).where(
        sitting_exams.c.sitting_id == row.id).order_by(sitting_exams.c.exam_id)).scalars())
    return Sitting(**{name: getattr(row, name) for name in _COLUMNS}, exam_ids=exam_ids)


def read_sitting(connection: Connection, sitting_id: str, batch: Batch | None = None) -> Sitting:
    """The sitting (as staged or read before in this batch, if it was); NotFound naming it.

    Kept in the batch once read: a thousand papers opening at the start read it once.
    """
    known = batch.scratch.get(("sitting", sitting_id)) if batch is not None else None
    if known is not None:
        return known
    row = connection.execute(select(sittings).where(sittings.c.id == sitting_id)).first()
    if row is None:
        raise NotFound(f"There is no sitting {sitting_id} in this hall (`hall sitting list`).")
    found = _sitting_from_row(connection, row)
    if batch is not None:
        batch.remember(("sitting", sitting_id), found)
    return found


def all_sittings(connection: Connection) -> list[Sitting]:
    """Every sitting, by scheduled start."""
    rows = connection.execute(select(sittings).order_by(sittings.c.starts_at, sittings.c.id)).all()
    return [_sitting_from_row(connection, row) for row in rows]


def recent_sittings(connection: Connection, now: float, within: float = 3600) -> list[Sitting]:
    """Sittings not ended, or ended within the last `within` seconds."""
    rows = connection.execute(select(sittings).where(
        (sittings.c.state != "ended") | (sittings.c.ended_at > now - within))).all()
    return [_sitting_from_row(connection, row) for row in rows]


def stage_new_sitting(batch: Batch, sitting: Sitting) -> None:
    """Stages a new sitting and its exams."""
    values = {name: getattr(sitting, name) for name in _COLUMNS}
    batch.statement(sittings.insert().values(values))
    for exam_id in sitting.exam_ids:
        batch.statement(sitting_exams.insert().values(sitting_id=sitting.id, exam_id=exam_id))
    batch.remember(("sitting", sitting.id), sitting)


def stage_sitting(batch: Batch, before: Sitting, after: Sitting) -> None:
    """Stages the changed columns of a sitting (its exams do not change)."""
    changes = {name: getattr(after, name) for name in _COLUMNS
               if getattr(before, name) != getattr(after, name)}
    if changes:
        batch.statement(update(sittings).where(sittings.c.id == after.id).values(changes))
    batch.remember(("sitting", after.id), after)


def stage_records(batch: Batch, sitting_id: str, record_ids: list[int]) -> None:
    """Gives these exam records to the sitting."""
    if record_ids:
        batch.statement(update(exam_records).where(exam_records.c.id.in_(record_ids))
                        .values(sitting_id=sitting_id))


def sitting_of_record(connection: Connection, record_id: int) -> str | None:
    """The sitting that holds an exam record, if any."""
    return connection.execute(select(exam_records.c.sitting_id).where(
        exam_records.c.id == record_id)).scalar_one_or_none()


def read_attendance(connection: Connection, sitting_id: str, candidate_id: int,
                    batch: Batch | None = None) -> Attendance:
    """A candidate's attendance (an empty one before anything happened)."""
    staged = batch.scratch.get(("attendance", sitting_id, candidate_id)) if batch else None
    if staged is not None:
        return staged
    row = connection.execute(select(attendance).where(
        attendance.c.sitting_id == sitting_id, attendance.c.candidate_id == candidate_id)).first()
    if row is None:
        return Attendance(sitting_id, candidate_id)
    return Attendance(**{c.name: getattr(row, c.name) for c in attendance.columns})


def stage_attendance(batch: Batch, after: Attendance) -> None:
    """Stages a candidate's attendance, whole (an upsert)."""
    values = dataclasses.asdict(after)
    changing = {k: v for k, v in values.items() if k not in ("sitting_id", "candidate_id")}
    batch.statement(sqlite_insert(attendance).values(values).on_conflict_do_update(
        index_elements=["sitting_id", "candidate_id"], set_=changing))
    batch.remember(("attendance", after.sitting_id, after.candidate_id), after)


@dataclass(frozen=True)
class Seat:
    """A candidate expected at a sitting."""

    candidate_id: int
    registration_number: str
    name: str


def expected(connection: Connection, sitting_id: str) -> list[Seat]:
    """The sitting's candidates, by registration number."""
    rows = connection.execute(
        select(candidates.c.id, candidates.c.registration_number, candidates.c.name)
        .join(exam_records, exam_records.c.candidate_id == candidates.c.id)
        .where(exam_records.c.sitting_id == sitting_id).distinct()
        .order_by(candidates.c.registration_number)).all()
    return [Seat(r.id, r.registration_number, r.name) for r in rows]


def candidate_id_of(connection: Connection, sitting_id: str, registration_number: str) -> int:
    """The id of a candidate of the sitting; NotFound otherwise."""
    found = connection.execute(
        select(candidates.c.id).join(exam_records, exam_records.c.candidate_id == candidates.c.id)
        .where(exam_records.c.sitting_id == sitting_id,
               candidates.c.registration_number == registration_number)).first()
    if found is None:
        raise NotFound(f"{registration_number} is not a candidate of sitting {sitting_id}.")
    return found.id


def open_sitting_for_everyone(connection: Connection, exam_id: str) -> str | None:
    """The one sitting not ended that holds `exam_id` for every candidate of it, if there is
    exactly one: candidates registered for the exam later join it."""
    found = connection.execute(
        select(sittings.c.id).join(sitting_exams, sitting_exams.c.sitting_id == sittings.c.id)
        .where(sitting_exams.c.exam_id == exam_id, sittings.c.state != "ended",
               sittings.c.everyone.is_(True))).scalars().all()
    return found[0] if len(found) == 1 else None


def sittings_of_candidate(connection: Connection, candidate_id: int) -> dict[str, str]:
    """{exam id: sitting id} of a candidate's exams that a sitting holds."""
    rows = connection.execute(select(exam_records.c.exam_id, exam_records.c.sitting_id).where(
        exam_records.c.candidate_id == candidate_id, exam_records.c.sitting_id.is_not(None))).all()
    return {r.exam_id: r.sitting_id for r in rows}

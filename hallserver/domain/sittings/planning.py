"""Planning a sitting: making one (its exams, its candidates, its settings) and changing it
before the start. Shared by the staff pages and `hall sitting`; each change is logged with who.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from hallserver.db.models import candidates, exam_records, exams, sittings
from hallserver.db.writer import Batch
from hallserver.domain.log.events import EventLog
from hallserver.domain.sittings.store import (
    Sitting, read_sitting, stage_new_sitting, stage_records, stage_sitting,
)
from hallserver.errors import Conflict, Invalid, NotFound
from hallserver.domain.work import Work
from hallserver.runtime.storage import Storage
from examkit import sitting_rules
from examkit.sitting_rules import (  # noqa: F401 - the hall's commands and views read them here
    CHANGEABLE, DEFAULT_CHECK_IN_MINUTES, DEFAULT_LATE_ENTRY_MINUTES,
)


def parse_time(text: str) -> float:
    """ISO 8601 with or without an offset (without: the hall's local time) -> epoch seconds."""
    try:
        return sitting_rules.parse_time(text)
    except ValueError as err:
        raise Invalid(str(err)) from err


def read_registration_numbers(path: Path) -> list[str]:
    """Registration numbers from a CSV whose header names `registration_number`."""
    try:
        return sitting_rules.read_registration_numbers(path)
    except ValueError as err:
        raise Invalid(str(err)) from err


@dataclass(frozen=True)
class Plan:
    """What a new sitting is to be."""

    exam_ids: tuple[str, ...]
    starts_at: float
    name: str = ""
    policy: str = "common_end"
    late_entry_minutes: int = DEFAULT_LATE_ENTRY_MINUTES
    check_in_minutes: int = DEFAULT_CHECK_IN_MINUTES
    instructions: str = ""
    registration_numbers: tuple[str, ...] | None = None  # None: every candidate of the exams
    sitting_id: str | None = None   # given by the central for a sitting it published; else new


def check_settings(values: dict[str, Any]) -> None:
    """Invalid unless each setting given is one a sitting may have (the central checks these too)."""
    try:
        sitting_rules.check_settings(values)
    except ValueError as err:
        raise Invalid(str(err)) from err


def _titles(connection: Connection, exam_ids: tuple[str, ...]) -> dict[str, str]:
    if not exam_ids:
        raise Invalid("A sitting holds at least one exam.")
    titles = dict(connection.execute(select(exams.c.id, exams.c.title).where(
        exams.c.id.in_(exam_ids))).all())
    missing = [e for e in exam_ids if e not in titles]
    if missing:
        raise NotFound(f"There is no exam {', '.join(missing)} in this hall; import it first.")
    return titles


def _records(connection: Connection, plan: Plan) -> list[Any]:
    query = (select(exam_records.c.id, exam_records.c.exam_id, exam_records.c.status,
                    exam_records.c.sitting_id, candidates.c.registration_number)
             .join(candidates, candidates.c.id == exam_records.c.candidate_id)
             .where(exam_records.c.exam_id.in_(plan.exam_ids)))
    if plan.registration_numbers is not None:
        query = query.where(candidates.c.registration_number.in_(plan.registration_numbers))
    rows = connection.execute(query.order_by(exam_records.c.id)).all()
    if plan.registration_numbers is not None:
        unknown = sorted(set(plan.registration_numbers) - {r.registration_number for r in rows})
        if unknown:
            raise Invalid(f"{len(unknown)} candidate(s) sit none of the sitting's exams: "
                          f"{', '.join(unknown[:10])}")
    if not rows:
        raise Invalid("No candidate is registered for the sitting's exams; import candidates "
                      "first (`hall candidates import`).")
    return rows


def _check_free(connection: Connection, rows: list[Any]) -> None:
    held = {r.sitting_id for r in rows if r.sitting_id is not None}
    open_ones = set(connection.execute(select(sittings.c.id).where(
        sittings.c.id.in_(held), sittings.c.state != "ended")).scalars()) if held else set()
    taken = [r for r in rows if r.sitting_id in open_ones]
    if taken:
        raise Conflict(f"{len(taken)} candidate(s) already have this exam in another sitting "
                       f"(e.g. {taken[0].registration_number} in {taken[0].sitting_id}).")
    begun = [r for r in rows if r.status != "assigned"]
    if begun:
        raise Conflict(f"{len(begun)} candidate(s) have already begun their exam "
                       f"(e.g. {begun[0].registration_number}, {begun[0].exam_id}).")


def create_sitting(connection: Connection, batch: Batch, log: EventLog, plan: Plan, by: str,
                   now: float) -> Sitting:
    """Stages a new sitting for the plan's exams and candidates, and its event."""
    titles = _titles(connection, plan.exam_ids)
    name = plan.name.strip() or f"{' + '.join(titles[e] for e in plan.exam_ids)}"
    values = {"name": name, "policy": plan.policy, "instructions": plan.instructions,
              "late_entry_minutes": plan.late_entry_minutes,
              "check_in_minutes": plan.check_in_minutes}
    check_settings(values)
    rows = _records(connection, plan)
    _check_free(connection, rows)
    sitting = Sitting(id=plan.sitting_id or uuid.uuid4().hex[:12], starts_at=plan.starts_at,
                      state="scheduled",
                      created_at=now, created_by=by, exam_ids=tuple(sorted(set(plan.exam_ids))),
                      everyone=plan.registration_numbers is None, **values)
    stage_new_sitting(batch, sitting)
    stage_records(batch, sitting.id, [r.id for r in rows])
    candidates_count = len({r.registration_number for r in rows})
    log.append(connection, batch, "sitting_created", None, {
        "sitting_id": sitting.id, "by": by, **sitting.settings(), "candidates": candidates_count,
        "registration_numbers": sorted({r.registration_number for r in rows})}, now)
    return sitting


def change_sitting(connection: Connection, batch: Batch, log: EventLog, sitting_id: str,
                   changes: dict[str, Any], by: str, now: float) -> Sitting:
    """Changes a sitting's settings before its start; Conflict once started."""
    before = read_sitting(connection, sitting_id, batch)
    if before.state != "scheduled":
        raise Conflict(f"Sitting {sitting_id} has {before.state}; its settings no longer change.")
    unknown = set(changes) - set(CHANGEABLE)
    if unknown:
        raise Invalid(f"A sitting's {', '.join(sorted(unknown))} cannot be changed.")
    check_settings(changes)
    after = replace(before, **changes)
    if after == before:
        return before
    stage_sitting(batch, before, after)
    log.append(connection, batch, "sitting_changed", None, {
        "sitting_id": sitting_id, "by": by, "before": before.settings(),
        "after": after.settings()}, now)
    return after


async def plan_sitting(storage: Storage, by: str, plan: Plan) -> dict[str, Any]:
    """Makes a sitting from the staff pages."""

    def job(work: Work) -> dict[str, Any]:
        connection, batch, now = work.connection, work.batch, work.now
        return create_sitting(connection, batch, storage.log, plan, by, now).to_json(now)

    return await storage.write(job)


async def replan_sitting(storage: Storage, by: str, sitting_id: str,
                         changes: dict[str, Any]) -> dict[str, Any]:
    """Changes a sitting's settings from the staff pages, before its start."""

    def job(work: Work) -> dict[str, Any]:
        connection, batch, now = work.connection, work.batch, work.now
        changed = change_sitting(connection, batch, storage.log, sitting_id, changes, by, now)
        return changed.to_json(now)

    return await storage.write(job)

"""Sittings planned at the central: published to one hall's outbox with what the hall needs (the
bank's exam, its candidates with PIN hashes only, the sitting), changed until the hall reports it
started, then only ended (`end_sitting`), and followed as the hall's log comes up (started,
ended) and its hellos (received).

A sitting's settings are checked by the rules the hall checks too (examkit.sitting_rules), so
what the central publishes is what `hall sitting create` would take.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from examkit.sealing import DataKey
from examkit import sitting_rules
from syncd.central import outbox, sealed_papers
from syncd.central.bank_rows import exam_aad, exam_row
from syncd.central.models import bank_candidates, central_sittings, halls
from syncd.central.store import Store
from syncd.errors import Conflict, Invalid, NotFound

PUBLISHED, STARTED, ENDED = "published", "started", "ended"
REPORTED = {"sitting_started": STARTED, "sitting_ended": ENDED}


class SittingStarted(Conflict):
    """The hall reported the sitting started: it can no longer be changed from here."""

    code = "sitting_started"


class SittingNotStarted(Conflict):
    """The hall has not reported the sitting started: it is changed from here, not ended."""

    code = "sitting_not_started"


@dataclass(frozen=True)
class SittingPlan:
    """A sitting to publish to one hall."""

    hall_id: str
    exam_id: str
    starts_at: float
    name: str = ""
    policy: str = "common_end"
    late_entry_minutes: int = sitting_rules.DEFAULT_LATE_ENTRY_MINUTES
    check_in_minutes: int = sitting_rules.DEFAULT_CHECK_IN_MINUTES
    instructions: str = ""
    registration_numbers: tuple[str, ...] | None = None   # None: every candidate of the exam
    sealed: bool = False                                   # the paper travels encrypted

    def settings(self) -> dict[str, Any]:
        """The settings the hall checks."""
        return {"policy": self.policy, "late_entry_minutes": self.late_entry_minutes,
                "check_in_minutes": self.check_in_minutes, "instructions": self.instructions,
                **({"name": self.name} if self.name else {})}


def parse_starts(text: str) -> float:
    """An ISO 8601 time (no offset: the central's local time) as epoch seconds; Invalid if not."""
    try:
        return sitting_rules.parse_time(text)
    except ValueError as err:
        raise Invalid(str(err)) from err


def plan_of(values: dict[str, Any]) -> SittingPlan:
    """A plan from JSON or the CLI's options: hall_id, exam_id, starts (ISO), and settings."""
    try:
        numbers = values.get("registration_numbers")
        given = {k: values[k] for k in ("name", "policy", "late_entry_minutes",
                                        "check_in_minutes", "instructions")
                 if values.get(k) is not None}
        return SittingPlan(str(values["hall_id"]), str(values["exam_id"]),
                           parse_starts(str(values["starts"])),
                           registration_numbers=tuple(str(n) for n in numbers)
                           if numbers is not None else None,
                           sealed=values.get("sealed") is True, **given)
    except (KeyError, TypeError) as err:
        raise Invalid("A sitting names hall_id, exam_id and starts (ISO 8601).") from err


def _checked(settings: dict[str, Any]) -> None:
    try:
        sitting_rules.check_settings(settings)
    except ValueError as err:
        raise Invalid(str(err)) from err


def _candidates(connection: Connection, plan: SittingPlan) -> list[Any]:
    rows = connection.execute(select(bank_candidates).where(
        bank_candidates.c.exam_id == plan.exam_id)
        .order_by(bank_candidates.c.registration_number)).all()
    if plan.registration_numbers is not None:
        wanted = set(plan.registration_numbers)
        unknown = sorted(wanted - {r.registration_number for r in rows})
        if unknown:
            raise Invalid(f"{len(unknown)} candidate(s) are not candidates of {plan.exam_id} in "
                          f"the bank: {', '.join(unknown[:10])}")
        rows = [r for r in rows if r.registration_number in wanted]
    if not rows:
        raise Invalid(f"Exam {plan.exam_id} has no candidates in the bank; import them with "
                      f"`syncd central candidates import FILE.csv --exam {plan.exam_id}`.")
    without = [r.registration_number for r in rows if not r.pin_hash]
    if without:
        raise Invalid(f"{len(without)} candidate(s) have no PIN yet (e.g. {without[0]}); run "
                      f"`syncd central candidates pins --exam {plan.exam_id}` first.")
    return rows


def _exam_item(connection: Connection, key: DataKey, exam_id: str) -> tuple[dict[str, Any], Any]:
    exam = exam_row(connection, exam_id)
    raw = key.open(exam.file, exam_aad(exam_id))
    return {"exam_id": exam_id, "file_name": exam.file_name, "digest": exam.digest,
            "file": base64.b64encode(raw).decode("ascii"),
            "overrides": json.loads(exam.overrides)}, exam


def _sent_before(connection: Connection, hall_id: str, exam_id: str, digest: str) -> bool:
    """True when this very exam file already went to this hall (a second sitting of it: sending
    it again would replace an exam the hall may have begun)."""
    return connection.execute(select(central_sittings.c.sitting_id).where(
        central_sittings.c.hall_id == hall_id, central_sittings.c.exam_id == exam_id,
        central_sittings.c.exam_digest == digest).limit(1)).first() is not None


def _check_free(connection: Connection, plan: SittingPlan, numbers: list[str]) -> None:
    """Conflict when a candidate already sits this exam at this hall in a sitting not ended (the
    hall would refuse the sitting, and hold up everything published after it)."""
    for row in connection.execute(select(central_sittings).where(
            central_sittings.c.hall_id == plan.hall_id,
            central_sittings.c.exam_id == plan.exam_id, central_sittings.c.state != ENDED)):
        taken = sorted(set(numbers) & set(json.loads(row.registration_numbers)))
        if taken:
            raise Conflict(f"{len(taken)} candidate(s) already sit {plan.exam_id} at this hall "
                           f"in sitting {row.sitting_id}, not ended (e.g. {taken[0]}).")


def _publish(connection: Connection, key: DataKey, plan: SittingPlan, by: str,
             now: float) -> dict[str, Any]:
    outbox.lock_hall(connection, plan.hall_id)
    exam, bank_row = _exam_item(connection, key, plan.exam_id)
    rows = _candidates(connection, plan)
    sitting_id = uuid.uuid4().hex[:12]
    numbers = [r.registration_number for r in rows]
    _check_free(connection, plan, numbers)
    sealing: dict[str, Any] = {}
    if plan.sealed:
        sealed_papers.check_not_sent(connection, plan.hall_id, plan.exam_id)
        sealing = sealed_papers.publish_sealed_paper(connection, key, plan.hall_id, sitting_id,
                                                     exam, bank_row, by, now)
    else:
        sealed_papers.check_not_sealed(connection, plan.hall_id, plan.exam_id)
        if not _sent_before(connection, plan.hall_id, plan.exam_id, exam["digest"]):
            outbox.publish(connection, key, plan.hall_id, "exam", exam, by, now)
    outbox.publish(connection, key, plan.hall_id, "candidates", {
        "exam_id": plan.exam_id, "candidates": [
            {"registration_number": r.registration_number, "name": r.name,
             "pin_hash": r.pin_hash} for r in rows]}, by, now)
    seq = outbox.publish(connection, key, plan.hall_id, "sitting", {
        "sitting_id": sitting_id, "exam_ids": [plan.exam_id], "starts_at": plan.starts_at,
        **plan.settings(), "name": plan.name, "registration_numbers": numbers,
        **({"sealed": True} if plan.sealed else {})}, by, now)
    connection.execute(central_sittings.insert().values(
        sitting_id=sitting_id, hall_id=plan.hall_id, exam_id=plan.exam_id,
        exam_digest=exam["digest"], name=plan.name or bank_row.title, starts_at=plan.starts_at,
        state=PUBLISHED, candidates=len(numbers),
        registration_numbers=json.dumps(numbers), seq=seq, published_at=now, published_by=by,
        **sealing))
    return {"id": sitting_id, "hall_id": plan.hall_id, "exam_id": plan.exam_id,
            "candidates": len(numbers), "seq": seq, "sealed": plan.sealed}


async def publish_sitting(store: Store, plan: SittingPlan, by: str, now: float) -> dict[str, Any]:
    """Publishes a sitting (its exam, candidates and settings) to its hall, in one transaction."""
    _checked(plan.settings())
    return await store.transaction(_publish, store.key, plan, by, now)


def _locked_sitting(connection: Connection, sitting_id: str) -> Any:
    """The sitting's row, read with its hall's row locked (the hall's reports wait for what is
    published now); NotFound when no such sitting was published."""
    found = connection.execute(select(central_sittings.c.hall_id).where(
        central_sittings.c.sitting_id == sitting_id)).first()
    if found is None:
        raise NotFound(f"No sitting {sitting_id} was published here.")
    outbox.lock_hall(connection, found.hall_id)
    return connection.execute(select(central_sittings).where(
        central_sittings.c.sitting_id == sitting_id)).one()


def _change(connection: Connection, key: DataKey, sitting_id: str, changes: dict[str, Any],
            by: str, now: float) -> dict[str, Any]:
    row = _locked_sitting(connection, sitting_id)
    if row.state != PUBLISHED:
        still = (f", only ended (`syncd central sitting end {sitting_id}`)"
                 if row.state == STARTED else "")
        raise SittingStarted(f"Hall {row.hall_id} reported sitting {sitting_id} {row.state}; "
                             f"it can no longer be changed from the central{still}.")
    seq = outbox.publish(connection, key, row.hall_id, "sitting_changed",
                         {"sitting_id": sitting_id, "changes": changes}, by, now)
    shown = {k: v for k, v in changes.items() if k in ("name", "starts_at")}
    connection.execute(update(central_sittings).where(
        central_sittings.c.sitting_id == sitting_id).values(**shown))
    return {"id": sitting_id, "hall_id": row.hall_id, "seq": seq, "changes": changes}


async def change_sitting(store: Store, sitting_id: str, changes: dict[str, Any], by: str,
                         now: float) -> dict[str, Any]:
    """Publishes a change of a sitting's settings; SittingStarted once the hall started it."""
    unknown = set(changes) - set(sitting_rules.CHANGEABLE)
    if unknown or not changes:
        raise Invalid(f"A sitting's {', '.join(sorted(unknown)) or 'settings'} cannot be "
                      f"changed; change one of {', '.join(sitting_rules.CHANGEABLE)}.")
    _checked({k: v for k, v in changes.items() if k != "starts_at"})
    return await store.transaction(_change, store.key, sitting_id, changes, by, now)


def _end(connection: Connection, key: DataKey, sitting_id: str, by: str,
         now: float) -> dict[str, Any]:
    row = _locked_sitting(connection, sitting_id)
    answer = {"id": sitting_id, "hall_id": row.hall_id, "state": row.state}
    if row.state == ENDED:
        return {**answer, "seq": row.end_seq, "already": "ended", "ended_at": row.ended_at}
    if row.end_seq is not None:
        return {**answer, "seq": row.end_seq, "already": "end_sent",
                "end_sent_at": row.end_sent_at, "end_sent_by": row.end_sent_by}
    if row.state != STARTED:
        raise SittingNotStarted(
            f"Hall {row.hall_id} has not reported sitting {sitting_id} started; a sitting not "
            "started is changed (`syncd central sitting change`), not ended.")
    seq = outbox.publish(connection, key, row.hall_id, "sitting_ended",
                         {"sitting_id": sitting_id, "by": by}, by, now)
    connection.execute(update(central_sittings).where(
        central_sittings.c.sitting_id == sitting_id).values(
            end_sent_at=now, end_sent_by=by, end_seq=seq))
    return {**answer, "seq": seq, "already": None, "end_sent_at": now, "end_sent_by": by}


async def end_sitting(store: Store, sitting_id: str, by: str, now: float) -> dict[str, Any]:
    """Publishes `sitting_ended` to the hall of a sitting it reported started; the hall ends it
    as an invigilator's end would. Once sent, or once the hall reported it ended, nothing more is
    sent and the answer says which (`already`); SittingNotStarted before the hall's start."""
    return await store.transaction(_end, store.key, sitting_id, by, now)


def note_reports(connection: Connection, hall_id: str, bodies: list[dict[str, Any]]) -> None:
    """Follows the hall's own log: a sitting it started or ended is marked so here."""
    for body in bodies:
        state = REPORTED.get(str(body.get("kind")))
        if state is None or not isinstance(body.get("sitting_id"), str):
            continue
        connection.execute(update(central_sittings).where(
            central_sittings.c.sitting_id == body["sitting_id"],
            central_sittings.c.hall_id == hall_id, central_sittings.c.state != ENDED)
            .values(state=state, **{f"{state}_at": body.get("at")}))


def list_sittings(connection: Connection, hall_id: str | None = None) -> list[dict[str, Any]]:
    """Every sitting published (of one hall): its state, and whether the hall received it."""
    query = (select(central_sittings, halls.c.down_mark, halls.c.name.label("hall_name"))
             .join(halls, halls.c.hall_id == central_sittings.c.hall_id)
             .order_by(central_sittings.c.starts_at, central_sittings.c.sitting_id))
    if hall_id is not None:
        query = query.where(central_sittings.c.hall_id == hall_id)
    return [{"id": r.sitting_id, "hall_id": r.hall_id, "hall_name": r.hall_name,
             "exam_id": r.exam_id, "name": r.name, "starts_at": r.starts_at, "state": r.state,
             "candidates": r.candidates, "received": r.down_mark >= r.seq,
             "published_at": r.published_at, "published_by": r.published_by,
             "started_at": r.started_at, "ended_at": r.ended_at, "sealed": r.sealed,
             "released_at": r.released_at, "released_by": r.released_by,
             "end_sent_at": r.end_sent_at, "end_sent_by": r.end_sent_by}
            for r in connection.execute(query)]

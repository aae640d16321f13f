"""What a sitting's register says: each candidate's attendance, the counts, the incidents, and
the printed register's rows (seats, extensions, pauses, moves from the log) with the log's head.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from hallserver.clock import iso
from examkit.sealing import DataKey
from hallserver.db import migrate
from hallserver.db.models import (
    attendance, candidates, devices, events, exam_records, exam_sessions, incidents,
)
from hallserver.domain.content import sealed_papers
from hallserver.domain.log.events import GENESIS, read_events
from hallserver.domain.sittings.store import Attendance, Sitting, expected, read_sitting

@dataclass(frozen=True)
class RegisterFacts:
    """What the register says of itself: the hall, the log's head, when it was made."""

    hall_name: str
    hall_id: str
    head_seq: int
    head_hash: str
    made_at: str
    hall_incidents: tuple[str, ...] = ()


EVENT_COUNTS = {"time_extended": "extensions", "session_paused": "pauses", "lease_moved": "moves"}


@dataclass(frozen=True)
class Entry:
    """One candidate's line of the register."""

    registration_number: str
    name: str
    seat: Attendance
    records: tuple[Any, ...]   # their exam records of the sitting

    @property
    def status(self) -> str:
        """expected, checked_in, started, absent or submitted."""
        if self.records and all(r.status == "completed" for r in self.records):
            return "submitted"
        if any(r.status != "assigned" for r in self.records):
            return "started"
        if self.seat.absent_at is not None:
            return "absent"
        return "checked_in" if self.seat.checked_in_at is not None else "expected"

    def attendance_word(self, sitting: Sitting) -> str:
        """present, absent, or expected (before the end, for one not yet come)."""
        if self.status in ("checked_in", "started", "submitted"):
            return "present"
        return "absent" if self.status == "absent" or sitting.state == "ended" else "expected"

    def to_json(self) -> dict[str, Any]:
        """For the console and `hall sitting show`."""
        seat = self.seat
        return {"registration_number": self.registration_number, "name": self.name,
                "attendance": self.status, "checked_in_at": iso(seat.checked_in_at),
                "started_at": iso(seat.started_at),
                "submitted_at": iso(_last(r.completed_at for r in self.records)),
                "absent_by": seat.absent_by, "admitted_at": iso(seat.admitted_at),
                "admitted_minutes": seat.admitted_minutes, "admitted_by": seat.admitted_by,
                "refused_at": iso(seat.refused_at), "refusals": seat.refusals,
                "exams": [{"exam_id": r.exam_id, "status": r.status,
                           "deadline": iso(r.deadline)} for r in self.records]}


def _last(values: Any) -> float | None:
    found = [v for v in values if v is not None]
    return max(found) if found else None


def entries(connection: Connection, sitting_id: str) -> list[Entry]:
    """Every candidate of the sitting with their attendance and exam records."""
    seats = {row.candidate_id: Attendance(**{c.name: getattr(row, c.name) for c in attendance.columns})
             for row in connection.execute(select(attendance).where(
                 attendance.c.sitting_id == sitting_id))}
    records: dict[int, list[Any]] = {}
    for row in connection.execute(select(exam_records, exam_sessions.c.id.label("session_id"))
                                  .outerjoin(exam_sessions,
                                             exam_sessions.c.exam_record_id == exam_records.c.id)
                                  .where(exam_records.c.sitting_id == sitting_id)
                                  .order_by(exam_records.c.exam_id)):
        records.setdefault(row.candidate_id, []).append(row)
    return [Entry(s.registration_number, s.name,
                  seats.get(s.candidate_id, Attendance(sitting_id, s.candidate_id)),
                  tuple(records.get(s.candidate_id, ())))
            for s in expected(connection, sitting_id)]


def counts(found: list[Entry]) -> dict[str, int]:
    """expected, checked_in (or further), missing, started, absent, submitted."""
    by_status = Counter(e.status for e in found)
    present = by_status["checked_in"] + by_status["started"] + by_status["submitted"]
    return {"expected": len(found), "checked_in": present, "missing": len(found) - present,
            "started": by_status["started"] + by_status["submitted"],
            "absent": by_status["absent"], "submitted": by_status["submitted"],
            "refused": sum(1 for e in found if e.seat.refused_at is not None
                           and e.seat.admitted_at is None)}


def sitting_counts(connection: Connection, sitting_id: str) -> dict[str, int]:
    """The counts of a sitting, read now."""
    return counts(entries(connection, sitting_id))


def incident_list(connection: Connection, sitting_id: str) -> list[dict[str, Any]]:
    """The sitting's incidents, in the order they happened."""
    rows = connection.execute(
        select(incidents, candidates.c.registration_number)
        .outerjoin(candidates, candidates.c.id == incidents.c.candidate_id)
        .where(incidents.c.sitting_id == sitting_id)
        .order_by(incidents.c.occurred_at, incidents.c.seq)).all()
    return [{"id": r.id, "category": r.category, "text": r.text,
             "registration_number": r.registration_number, "occurred_at": iso(r.occurred_at),
             "recorded_at": iso(r.recorded_at), "recorded_by": r.recorded_by, "seq": r.seq}
            for r in rows]


def sitting_view(connection: Connection, sitting_id: str, now: float) -> dict[str, Any]:
    """The sitting as the console's panel and `hall sitting show` show it."""
    sitting = read_sitting(connection, sitting_id)
    found = entries(connection, sitting_id)
    return {**sitting.to_json(now), "counts": counts(found),
            "candidates": [e.to_json() for e in found],
            "incidents": incident_list(connection, sitting_id),
            "sealed": sealed_papers.is_sealed(connection, sitting_id)}


def log_head(connection: Connection) -> tuple[int, str]:
    """The log's head: its last sequence number and hash (hex)."""
    row = connection.execute(select(events.c.seq, events.c.hash)
                             .order_by(events.c.seq.desc()).limit(1)).first()
    return (row.seq, row.hash.hex()) if row else (0, GENESIS.hex())


def _seats(connection: Connection, registration_number: str, since: float) -> str:
    rows = connection.execute(
        select(devices.c.address).join(candidates, candidates.c.id == devices.c.candidate_id)
        .where(candidates.c.registration_number == registration_number,
               devices.c.created_at >= since).order_by(devices.c.created_at)).scalars()
    return " ".join(dict.fromkeys(a for a in rows if a))


def _session_counts(connection: Connection, key: DataKey, hall_id: str,
                    entry: Entry) -> Counter[str]:
    counted: Counter[str] = Counter()
    for record in entry.records:
        if record.session_id is None:
            continue
        for event in read_events(connection, key, hall_id, session_id=record.session_id):
            if event.kind in EVENT_COUNTS:
                counted[EVENT_COUNTS[event.kind]] += 1
    return counted


def register_rows(connection: Connection, key: DataKey, hall_id: str,
                  sitting_id: str) -> tuple[Sitting, list[dict[str, Any]]]:
    """One row per candidate, as the printed register has it."""
    sitting = read_sitting(connection, sitting_id)
    by_candidate: dict[str | None, list[str]] = {}
    for incident in incident_list(connection, sitting_id):
        by_candidate.setdefault(incident["registration_number"], []).append(
            f"{incident['occurred_at']} {incident['category']}: {incident['text']} "
            f"({incident['recorded_by']})")
    rows = []
    for entry in entries(connection, sitting_id):
        counted = _session_counts(connection, key, hall_id, entry)
        data = entry.to_json()
        rows.append({"registration_number": entry.registration_number, "name": entry.name,
                     "attendance": entry.attendance_word(sitting), "status": entry.status,
                     "seat": _seats(connection, entry.registration_number,
                                    sitting.check_in_opens_at),
                     "checked_in_at": data["checked_in_at"] or "",
                     "started_at": data["started_at"] or "",
                     "submitted_at": data["submitted_at"] or "",
                     "admitted_late": data["admitted_at"] or "",
                     "extensions": counted["extensions"], "pauses": counted["pauses"],
                     "moves": counted["moves"],
                     "incidents": " | ".join(by_candidate.get(entry.registration_number, []))})
    return sitting, rows


def hall_incidents(connection: Connection, sitting_id: str) -> list[dict[str, Any]]:
    """Incidents of the whole hall (no candidate named)."""
    return [i for i in incident_list(connection, sitting_id) if i["registration_number"] is None]


def read_register(connection: Connection, key: DataKey, hall_name: str, sitting_id: str,
                  now: float) -> tuple[Sitting, list[dict[str, Any]], RegisterFacts]:
    """The register of a sitting: the sitting, its rows, and the facts it ends with."""
    hall_id, _ = migrate.read_identity(connection)
    sitting, rows = register_rows(connection, key, hall_id, sitting_id)
    seq, digest = log_head(connection)
    incidents_of_hall = tuple(f"{i['occurred_at']} {i['category']}: {i['text']} ({i['recorded_by']})"
                              for i in hall_incidents(connection, sitting_id))
    return sitting, rows, RegisterFacts(hall_name, hall_id, seq, digest, iso(now) or "",
                                        incidents_of_hall)

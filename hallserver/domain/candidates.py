"""Candidates: CSV import (PINs hashed slowly), and their assignment to exams (exam records)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Connection

from hallserver.crypto.passwords import hash_secret
from hallserver.db.models import candidates, exam_records, exams
from hallserver.errors import Invalid, NotFound

REQUIRED_COLUMNS = ("registration_number", "name", "pin")


@dataclass(frozen=True)
class CandidateLine:
    """One checked line of a candidates file."""

    line: int
    registration_number: str
    name: str
    pin: str


def read_candidates_csv(path: Path) -> list[CandidateLine]:
    """Reads and checks every line; Invalid naming the line of the first problem."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise Invalid(f"{path.name} is not UTF-8 text (byte {err.start}); save it as CSV UTF-8.") from err
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise Invalid(f"{path.name}: the header must name {', '.join(REQUIRED_COLUMNS)}; "
                      f"missing {', '.join(missing)}")
    lines: list[CandidateLine] = []
    seen: dict[str, int] = {}
    for row in reader:
        number = reader.line_num
        values = {c: (row.get(c) or "").strip() for c in REQUIRED_COLUMNS}
        empty = [c for c, v in values.items() if not v]
        if empty:
            raise Invalid(f"{path.name} line {number}: {', '.join(empty)} is empty")
        registration = values["registration_number"]
        if registration in seen:
            raise Invalid(f"{path.name} line {number}: registration number {registration} "
                          f"is also on line {seen[registration]}")
        seen[registration] = number
        lines.append(CandidateLine(number, registration, values["name"], values["pin"]))
    if not lines:
        raise Invalid(f"{path.name} has no candidates under its header")
    return lines


def hash_pins(lines: list[CandidateLine], log2_cost: int,
              progress: Callable[[int], None] = lambda _: None) -> list[str]:
    """Slow hashes of every PIN, on every core (hashlib's scrypt releases the GIL)."""
    with ThreadPoolExecutor() as pool:
        hashes = []
        for pin_hash in pool.map(lambda line: hash_secret(line.pin, log2_cost), lines):
            hashes.append(pin_hash)
            progress(1)
        return hashes


def import_candidates(connection: Connection, lines: Iterable[CandidateLine], pin_hashes: list[str],
                      exam_id: str, now: float) -> tuple[int, int]:
    """Adds or updates candidates and assigns them to the exam; returns (added, updated)."""
    if connection.execute(select(exams.c.id).where(exams.c.id == exam_id)).first() is None:
        raise NotFound(f"There is no exam {exam_id} in this hall; import the exam first.")
    added = updated = 0
    for line, pin_hash in zip(lines, pin_hashes, strict=True):
        existing = connection.execute(select(candidates.c.id).where(
            candidates.c.registration_number == line.registration_number)).first()
        if existing:
            candidate_id = existing.id
            connection.execute(candidates.update().where(candidates.c.id == candidate_id)
                               .values(name=line.name, pin_hash=pin_hash))
            updated += 1
        else:
            candidate_id = connection.execute(candidates.insert().values(
                registration_number=line.registration_number, name=line.name,
                pin_hash=pin_hash, created_at=now)).inserted_primary_key[0]
            added += 1
        assigned = connection.execute(select(exam_records.c.id).where(
            exam_records.c.candidate_id == candidate_id, exam_records.c.exam_id == exam_id)).first()
        if not assigned:
            connection.execute(exam_records.insert().values(
                candidate_id=candidate_id, exam_id=exam_id, status="assigned"))
    return added, updated


@dataclass(frozen=True)
class CandidateLogin:
    """What login needs of a candidate."""

    id: int
    registration_number: str
    name: str
    pin_hash: str


def find_candidate(connection: Connection, registration_number: str) -> CandidateLogin | None:
    """The candidate with this registration number, if any."""
    row = connection.execute(select(candidates).where(
        candidates.c.registration_number == registration_number)).first()
    if row is None:
        return None
    return CandidateLogin(row.id, row.registration_number, row.name, row.pin_hash)


def exams_of(connection: Connection, candidate_id: int) -> list[dict[str, str]]:
    """The candidate's exams with their status, for the login answer."""
    rows = connection.execute(
        select(exams.c.id, exams.c.title, exam_records.c.status)
        .join(exam_records, exam_records.c.exam_id == exams.c.id)
        .where(exam_records.c.candidate_id == candidate_id).order_by(exams.c.id)).all()
    return [{"id": r.id, "title": r.title, "status": r.status} for r in rows]

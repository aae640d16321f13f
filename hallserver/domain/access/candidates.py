"""Candidates: CSV import (every line checked first), PINs (hashed slowly, sealed for slips), exams.

A candidates file comes out of a spreadsheet: UTF-8 with or without a BOM, comma- or (Excel in
many countries) semicolon-separated, header `registration_number,name,pin` (more columns
allowed, `pin` may be empty or absent: `hall candidates pins` gives those candidates one). Every
line is checked before anything is stored, and an error names the line.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.engine import Connection

from examkit.passwords import hash_secret
from examkit.sealing import DataKey, SealError
from hallserver.db.models import candidates, exam_records, exams
from hallserver.domain.sheets import delimiter, header_columns, sheet_text
from hallserver.domain.sittings.store import open_sitting_for_everyone
from hallserver.errors import Invalid, NotFound

REQUIRED_COLUMNS = ("registration_number", "name")
COLUMNS = (*REQUIRED_COLUMNS, "pin")
NO_PIN = ""  # pin_hash of a candidate who has no PIN yet: no PIN verifies against it
LIMITS = {"registration_number": 64, "name": 200, "pin": 64}
PIN_DIGITS = 6


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def folded(registration_number: str) -> str:
    """A registration number as the hall compares it: trimmed, ASCII letters in lower case.

    Only ASCII is folded, as SQLite's lower() does, so Python and the index agree.
    """
    return registration_number.strip().translate(_ASCII_LOWER)


def same_registration(registration_number: str) -> ColumnElement[bool]:
    """The SQL test for a candidate whose registration number is this one, whatever its case."""
    column = candidates.c.registration_number
    return or_(column == registration_number.strip(),
               func.lower(column) == folded(registration_number))


@dataclass(frozen=True)
class CandidateLine:
    """One checked line of a candidates file (pin None: none given)."""

    line: int
    registration_number: str
    name: str
    pin: str | None


def _line(name: str, number: int, row: list[str], columns: dict[str, int]) -> CandidateLine:
    if len(row) > len(columns):
        raise Invalid(f"{name} line {number}: {len(row)} fields where the header has "
                      f"{len(columns)}; a comma inside a name needs the name in quotes")
    values = {c: (row[i].strip() if i < len(row) else "") for c, i in columns.items() if c in COLUMNS}
    empty = [c for c in REQUIRED_COLUMNS if not values.get(c)]
    if empty:
        raise Invalid(f"{name} line {number}: {', '.join(empty)} is empty")
    for column, limit in LIMITS.items():
        if len(values.get(column, "")) > limit:
            raise Invalid(f"{name} line {number}: {column} is longer than {limit} characters")
    pin = values.get("pin") or None
    if pin is not None and any(ch.isspace() for ch in pin):
        raise Invalid(f"{name} line {number}: the PIN has a space in it")
    return CandidateLine(number, values["registration_number"], values["name"], pin)


def read_candidates_csv(path: Path) -> list[CandidateLine]:
    """Reads and checks every line; Invalid naming the line of the first problem."""
    text = sheet_text(path)
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(first))
    try:
        columns = header_columns(path.name, next(reader, []), REQUIRED_COLUMNS, COLUMNS)
        lines: list[CandidateLine] = []
        seen: dict[str, int] = {}
        start = reader.line_num + 1
        for row in reader:
            number, start = start, reader.line_num + 1
            if not any(field.strip() for field in row):
                continue  # a blank line, or one of only separators
            line = _line(path.name, number, row, columns)
            key = folded(line.registration_number)
            if key in seen:
                raise Invalid(f"{path.name} line {number}: registration number "
                              f"{line.registration_number} is also on line {seen[key]} "
                              "(registration numbers are the same whatever their case)")
            seen[key] = number
            lines.append(line)
    except csv.Error as err:
        raise Invalid(f"{path.name} line {reader.line_num}: {err}") from err
    if not lines:
        raise Invalid(f"{path.name} has no candidates under its header")
    return lines


def hash_pins(lines: list[CandidateLine], log2_cost: int,
              progress: Callable[[int], None] = lambda _: None) -> list[str]:
    """Slow hashes of every PIN ("" where none is given), on every core (scrypt releases the GIL)."""
    def one(line: CandidateLine) -> str:
        return hash_secret(line.pin, log2_cost) if line.pin else NO_PIN

    with ThreadPoolExecutor() as pool:
        hashes = []
        for pin_hash in pool.map(one, lines):
            hashes.append(pin_hash)
            progress(1)
        return hashes


def pin_aad(registration_number: str) -> bytes:
    """A candidate's identity, bound to their sealed PIN."""
    return f"pin|{registration_number}".encode()


def _exam_exists(connection: Connection, exam_id: str) -> None:
    if connection.execute(select(exams.c.id).where(exams.c.id == exam_id)).first() is None:
        raise NotFound(f"There is no exam {exam_id} in this hall; import the exam first.")


def import_candidates(connection: Connection, lines: Iterable[CandidateLine], pin_hashes: list[str],
                      exam_id: str, now: float, key: DataKey | None = None) -> tuple[int, int]:
    """Adds or updates candidates and assigns them to the exam; returns (added, updated).

    A line without a PIN keeps the PIN a candidate already has, unless its hash is given (the
    central sends hashes, never PINs). With `key`, PINs are also sealed, so that login slips can
    be printed later. A candidate new to the exam joins the sitting made for every candidate of
    it, if one is still to end.
    """
    _exam_exists(connection, exam_id)
    added = updated = 0
    for line, pin_hash in zip(lines, pin_hashes, strict=True):
        values = {"name": line.name}
        if line.pin or pin_hash:
            values.update(pin_hash=pin_hash, pin_sealed=key.seal(
                line.pin.encode(), pin_aad(line.registration_number)) if key and line.pin else None)
        existing = connection.execute(select(candidates.c.id).where(
            same_registration(line.registration_number))).first()
        if existing:
            candidate_id = existing.id
            connection.execute(candidates.update().where(candidates.c.id == candidate_id)
                               .values(values))
            updated += 1
        else:
            candidate_id = connection.execute(candidates.insert().values(
                registration_number=line.registration_number, created_at=now,
                **{"pin_hash": NO_PIN, **values})).inserted_primary_key[0]
            added += 1
        assigned = connection.execute(select(exam_records.c.id).where(
            exam_records.c.candidate_id == candidate_id, exam_records.c.exam_id == exam_id)).first()
        if not assigned:
            connection.execute(exam_records.insert().values(
                candidate_id=candidate_id, exam_id=exam_id, status="assigned",
                sitting_id=open_sitting_for_everyone(connection, exam_id)))
    return added, updated


@dataclass(frozen=True)
class Sitting:
    """A candidate who sits an exam, with their PIN when the hall can read it."""

    registration_number: str
    name: str
    has_pin: bool
    pin: str | None


def sitting(connection: Connection, key: DataKey, exam_id: str) -> list[Sitting]:
    """Every candidate of an exam, by registration number, PINs unsealed where the hall keeps them."""
    _exam_exists(connection, exam_id)
    rows = connection.execute(
        select(candidates.c.registration_number, candidates.c.name, candidates.c.pin_hash,
               candidates.c.pin_sealed)
        .join(exam_records, exam_records.c.candidate_id == candidates.c.id)
        .where(exam_records.c.exam_id == exam_id).order_by(candidates.c.registration_number)).all()
    found = []
    for row in rows:
        pin = None
        if row.pin_sealed is not None:
            try:
                pin = key.open(row.pin_sealed, pin_aad(row.registration_number)).decode()
            except SealError:
                pin = None  # damaged: the slip says the PIN is given separately
        found.append(Sitting(row.registration_number, row.name, row.pin_hash != NO_PIN, pin))
    return found


def new_pin(digits: int = PIN_DIGITS) -> str:
    """A random PIN of digits."""
    return "".join(secrets.choice("0123456789") for _ in range(digits))


def without_pin(connection: Connection, exam_id: str) -> list[str]:
    """Registration numbers of the exam's candidates who have no PIN yet."""
    _exam_exists(connection, exam_id)
    return list(connection.execute(
        select(candidates.c.registration_number)
        .join(exam_records, exam_records.c.candidate_id == candidates.c.id)
        .where(exam_records.c.exam_id == exam_id, candidates.c.pin_hash == NO_PIN)
        .order_by(candidates.c.registration_number)).scalars())


def store_pins(connection: Connection, key: DataKey, pins: dict[str, tuple[str, str]]) -> int:
    """Stores new PINs {registration number: (pin, hash)} of candidates who still have none."""
    stored = 0
    for registration, (pin, pin_hash) in pins.items():
        stored += connection.execute(candidates.update().where(
            candidates.c.registration_number == registration, candidates.c.pin_hash == NO_PIN)
            .values(pin_hash=pin_hash, pin_sealed=key.seal(pin.encode(), pin_aad(registration)))
        ).rowcount
    return stored


@dataclass(frozen=True)
class CandidateLogin:
    """What login needs of a candidate."""

    id: int
    registration_number: str
    name: str
    pin_hash: str


def find_candidate(connection: Connection, registration_number: str) -> CandidateLogin | None:
    """The candidate with this registration number, if any (and if they have a PIN to log in with)."""
    row = connection.execute(select(candidates).where(
        same_registration(registration_number))).first()
    if row is None or row.pin_hash == NO_PIN:
        return None
    return CandidateLogin(row.id, row.registration_number, row.name, row.pin_hash)


def exams_of(connection: Connection, candidate_id: int) -> list[dict[str, str]]:
    """The candidate's exams with their status, for the login answer."""
    rows = connection.execute(
        select(exams.c.id, exams.c.title, exam_records.c.status)
        .join(exam_records, exam_records.c.exam_id == exams.c.id)
        .where(exam_records.c.candidate_id == candidate_id).order_by(exams.c.id)).all()
    return [{"id": r.id, "title": r.title, "status": r.status} for r in rows]

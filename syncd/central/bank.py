"""The exam bank at the central: exams and candidates, planned here before they go to halls.

The one place the central uses the hall's content code: an exam file is read and checked by the
hall's own reader (`read_exam`), a candidates CSV by the hall's own CSV rules, and slips are the
hall's slips, so the central takes exactly what `hall exam import` and `hall candidates import`
take, with the same checks. (When the kernel holds these readers, only these imports change.)

An exam is kept as the file imported (sealed with the central's key) with the overrides given, so
what later goes down to a hall is checked there by the same reader again. A candidate's PIN is
kept only as its slow hash (what travels) and sealed for printing slips; never in the clear.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from examkit.passwords import hash_secret
from hallserver.domain.access.candidates import CandidateLine, new_pin, read_candidates_csv
from hallserver.domain.content.exam_content import ExamImport
from hallserver.domain.content.exam_file import Overrides, read_exam
from hallserver.domain.content.slips import Slip
from hallserver.domain.content.slips import SlipSheet, render_html, render_pdf  # noqa: F401 - for the CLI
from hallserver.errors import HallError
from syncd.central.bank_rows import exam_aad, exam_row, list_exams, pin_aad  # noqa: F401 - the CLI reads them here
from syncd.central.models import bank_candidates, bank_exams
from syncd.central.store import Store
from syncd.errors import Invalid

PIN_LOG2_COST = 14               # as the hall's default (a hall checks these hashes as its own)


def read_exam_file(path: Path, overrides: Overrides) -> ExamImport:
    """The exam in FILE as the hall reads it; Invalid (where and why) when it is not one."""
    try:
        return read_exam(path, overrides)
    except HallError as err:
        raise Invalid(err.message) from err


def read_candidates(path: Path) -> list[CandidateLine]:
    """The lines of a candidates CSV as the hall reads it; Invalid for a bad file."""
    try:
        return read_candidates_csv(path)
    except HallError as err:
        raise Invalid(err.message) from err


def _store_exam(connection: Connection, values: dict[str, Any]) -> bool:
    held = connection.execute(select(bank_exams.c.exam_id)
                              .where(bank_exams.c.exam_id == values["exam_id"])).first()
    if held:
        connection.execute(update(bank_exams).where(bank_exams.c.exam_id == values["exam_id"])
                           .values(**values))
    else:
        connection.execute(bank_exams.insert().values(**values))
    return held is None


async def import_exam(store: Store, path: Path, found: ExamImport, overrides: Overrides) -> bool:
    """Keeps a checked exam (its file, sealed, and the overrides); True when it is new."""
    content, raw = found.content, path.read_bytes()
    values = {"exam_id": content.id, "title": content.title, "questions": len(content.questions),
              "duration_minutes": content.duration_minutes, "file_name": path.name,
              "file": store.key.seal(raw, exam_aad(content.id)),
              "digest": hashlib.sha256(raw).hexdigest(),
              "overrides": _overrides_json(overrides), "imported_at": time.time()}
    return await store.transaction(_store_exam, values)


def _overrides_json(overrides: Overrides) -> str:
    return json.dumps({"exam_id": overrides.exam_id, "title": overrides.title,
                       "duration_minutes": overrides.duration_minutes,
                       "shuffle_questions": overrides.shuffle_questions}, sort_keys=True)


def _import_candidates(connection: Connection, exam_id: str,
                       rows: list[dict[str, Any]]) -> tuple[int, int]:
    exam_row(connection, exam_id)
    held = {r.registration_number for r in connection.execute(
        select(bank_candidates.c.registration_number).where(bank_candidates.c.exam_id == exam_id))}
    added = [r for r in rows if r["registration_number"] not in held]
    for row in rows:
        if row["registration_number"] in held:
            changes = {k: v for k, v in row.items() if v is not None}
            connection.execute(update(bank_candidates).where(
                bank_candidates.c.exam_id == exam_id,
                bank_candidates.c.registration_number == row["registration_number"])
                .values(**changes))
    if added:
        connection.execute(bank_candidates.insert(), [
            {"exam_id": exam_id, "pin_hash": None, "pin_sealed": None, **r} for r in added])
    return len(added), len(rows) - len(added)


def _pin_values(store: Store, exam_id: str, registration_number: str,
                pin: str) -> dict[str, Any]:
    return {"pin_hash": hash_secret(pin, PIN_LOG2_COST),
            "pin_sealed": store.key.seal(pin.encode(), pin_aad(exam_id, registration_number))}


async def import_candidates(store: Store, exam_id: str, lines: list[CandidateLine],
                            now: float) -> tuple[int, int]:
    """Adds or updates the exam's candidates (all or nothing); (added, updated)."""
    rows = [{"registration_number": line.registration_number, "name": line.name,
             "imported_at": now,
             **(_pin_values(store, exam_id, line.registration_number, line.pin) if line.pin
                else {"pin_hash": None, "pin_sealed": None})} for line in lines]
    for row in rows:  # a line without a PIN keeps the one the candidate has
        if row["pin_hash"] is None:
            del row["pin_hash"], row["pin_sealed"]
    return await store.transaction(_import_candidates, exam_id, rows)


def _give_pins(connection: Connection, exam_id: str, pins: dict[str, dict[str, Any]]) -> int:
    for registration_number, values in pins.items():
        connection.execute(update(bank_candidates).where(
            bank_candidates.c.exam_id == exam_id,
            bank_candidates.c.registration_number == registration_number,
            bank_candidates.c.pin_hash.is_(None)).values(**values))
    return len(pins)


def _without_pin(connection: Connection, exam_id: str) -> list[str]:
    exam_row(connection, exam_id)
    return [r.registration_number for r in connection.execute(
        select(bank_candidates.c.registration_number).where(
            bank_candidates.c.exam_id == exam_id, bank_candidates.c.pin_hash.is_(None)))]


async def give_pins(store: Store, exam_id: str, digits: int) -> int:
    """A new random PIN for every candidate of the exam who has none; how many got one."""
    waiting = await store.read(_without_pin, exam_id)
    pins = {r: _pin_values(store, exam_id, r, new_pin(digits)) for r in waiting}
    return await store.transaction(_give_pins, exam_id, pins)


@dataclass(frozen=True)
class SlipsOf:
    """An exam's title and its candidates' slips (PINs opened for printing)."""

    title: str
    slips: list[Slip]
    without_pin: list[str]


def _slips(connection: Connection, store: Store, exam_id: str) -> SlipsOf:
    exam = exam_row(connection, exam_id)
    rows = connection.execute(select(bank_candidates).where(bank_candidates.c.exam_id == exam_id)
                              .order_by(bank_candidates.c.registration_number)).all()
    slips = [Slip(r.name, r.registration_number, store.key.open(
        r.pin_sealed, pin_aad(exam_id, r.registration_number)).decode()) for r in rows
        if r.pin_sealed is not None]
    return SlipsOf(exam.title, slips, [r.registration_number for r in rows if r.pin_sealed is None])


async def slips_of(store: Store, exam_id: str) -> SlipsOf:
    """The exam's slips, for `syncd central candidates slips`."""
    return await store.read(_slips, store, exam_id)

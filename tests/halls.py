"""Real halls for tests: a hall directory made by `init_hall`, with an exam and candidates in it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from hallserver.config import HallConfig, load
from hallserver.db import engine as engines
from hallserver.domain.access import candidates as candidate_rules
from hallserver.domain.content import exams as exam_rules
from hallserver.domain.content.exam_file import parse_exam_file
from hallserver.setup_hall import CONFIG_NAME, init_hall

# A cheap scrypt cost keeps logins fast in tests; the hash is still scrypt.
TEST_SETTINGS: dict[tuple[str, str], Any] = {
    ("security", "pin_hash_log2_cost"): 10,
    ("mdns", "enabled"): False,
    ("server", "host"): "127.0.0.1",
    ("server", "port"): 0,
    # One process, whatever the machine's cores (it matters only over HTTPS: plain HTTP always
    # runs one). The default, a worker per core, made the HTTPS test files here a fifth slower
    # on 2 cores, and would start 16 workers a hall on a 16-core laptop; tests/test_workers.py
    # runs 2 workers and the default, tests/test_hostile_wire.py 1 and 2.
    ("server", "workers"): 1,
}

EXAM = {
    "id": "MTH101", "title": "Mathematics", "duration_minutes": 60,
    "questions": [
        {"id": str(n), "text": f"{n} + {n} = ?",
         "options": {"A": str(2 * n - 1), "B": str(2 * n), "C": str(2 * n + 1), "D": "none"},
         "answer": "B"}
        for n in range(1, 21)
    ],
}


def candidate_rows(count: int) -> list[tuple[str, str, str]]:
    """(registration number, name, PIN) of `count` test candidates."""
    return [(f"C{n:04d}", f"Candidate {n}", f"{1000 + n}") for n in range(1, count + 1)]


def make_hall(directory: Path, candidates: int = 5, tls: bool = False,
              exam: dict[str, Any] | None = None, **settings: Any) -> HallConfig:
    """A ready hall: config, keys, database, one exam, `candidates` candidates sitting it."""
    extra = {**TEST_SETTINGS, **{tuple(k.split("__")): v for k, v in settings.items()}}
    init_hall(directory, name="Test Hall", tls=tls, extra=extra)
    config = load(directory / CONFIG_NAME)
    exam_path = directory / "exam.json"
    exam_path.write_text(json.dumps(exam or EXAM), encoding="utf-8")
    csv_path = directory / "candidates.csv"
    csv_path.write_text("registration_number,name,pin\n" + "".join(
        f"{r},{n},{p}\n" for r, n, p in candidate_rows(candidates)), encoding="utf-8")
    parsed = parse_exam_file(exam_path)
    lines = candidate_rules.read_candidates_csv(csv_path)
    hashes = candidate_rules.hash_pins(lines, config.security.pin_hash_log2_cost)
    engine = engines.sync_engine(config.database_path)
    try:
        with engine.begin() as connection:
            exam_rules.import_exam(connection, parsed, time.time())
            candidate_rules.import_candidates(connection, lines, hashes, parsed.id, time.time())
    finally:
        engine.dispose()
    return config


def add_staff_member(config: HallConfig, name: str, role: str, password: str) -> None:
    """A member of staff, as `hall staff add` makes one."""
    from examkit.passwords import hash_secret
    from hallserver.domain.access.staff import add_staff
    engine = engines.sync_engine(config.database_path)
    try:
        with engine.begin() as connection:
            add_staff(connection, name, role, hash_secret(password, 10), time.time())
    finally:
        engine.dispose()

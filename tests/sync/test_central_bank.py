"""The exam bank at the central: `syncd central exam import` takes what `hall exam import` takes,
with the same checks; candidates imported per exam; PINs made at the central and printed on slips,
kept only as slow hashes (and sealed for the slips), never in the clear.

Real `syncd central ...` commands on a central of SQLite and of PostgreSQL.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import select

from examkit.passwords import verify_secret
from syncd.central.config import load
from syncd.central.models import bank_candidates
from syncd.central.store import open_store
from tests.halls import EXAM
from tests.sync.conftest import init_central
from tests.sync.processes import syncd, syncd_ok

CANDIDATES = ("registration_number,name,pin\n"
              "REG-001,Ada Obi,418265\n"
              "REG-002,Bola Ade,907153\n"
              "REG-003,Chi Eze,\n")


def _bank(config: str) -> list[dict]:
    return json.loads(syncd_ok("central", "exam", "list", "--config", config, "--json"))["exams"]


async def _candidate_rows(central_toml: Path) -> list:
    store = await open_store(load(central_toml))
    try:
        return await store.read(lambda c: c.execute(
            select(bank_candidates).order_by(bank_candidates.c.registration_number)).all())
    finally:
        await store.close()


async def test_the_bank_takes_an_exam_and_its_candidates_and_pins_travel_only_as_hashes(
        tmp_path, database):
    directory = init_central(tmp_path / "central", database)
    config = str(directory / "central.toml")
    exam_file = tmp_path / "exam.json"
    exam_file.write_text(json.dumps(EXAM), encoding="utf-8")
    output = syncd_ok("central", "exam", "import", str(exam_file), "--config", config)
    assert f"imported exam {EXAM['id']}" in output
    assert [(e["id"], e["questions"]) for e in _bank(config)] == [
        (EXAM["id"], len(EXAM["questions"]))]

    # The hall's checks: an answer that is not an option refuses the file, and nothing changes.
    broken = {**EXAM, "id": "BAD1", "questions": [{**EXAM["questions"][0], "answer": "Z"}]}
    exam_file.write_text(json.dumps(broken), encoding="utf-8")
    code, output = syncd("central", "exam", "import", str(exam_file), "--config", config)
    assert code != 0 and "Error" in output, output
    assert [e["id"] for e in _bank(config)] == [EXAM["id"]]

    csv_file = tmp_path / "candidates.csv"
    csv_file.write_text(CANDIDATES, encoding="utf-8")
    code, output = syncd("central", "candidates", "import", str(csv_file), "--exam", "NOPE",
                         "--config", config)
    assert code != 0 and "No exam NOPE" in output
    output = syncd_ok("central", "candidates", "import", str(csv_file), "--exam", EXAM["id"],
                      "--config", config)
    assert "3 added, 0 updated" in output and "1 candidate(s) have no PIN" in output
    slips = tmp_path / "slips.html"
    code, output = syncd("central", "candidates", "slips", "--exam", EXAM["id"], "-o", str(slips),
                         "--config", config)
    assert code != 0 and "REG-003" in output and not slips.exists()
    assert "gave 1 candidate(s)" in syncd_ok("central", "candidates", "pins", "--exam",
                                             EXAM["id"], "--config", config)
    output = syncd_ok("central", "candidates", "slips", "--exam", EXAM["id"], "-o", str(slips),
                      "--hall", "Leeds Hall B", "--config", config)
    assert "wrote 3 login slip(s)" in output
    printed = slips.read_text(encoding="utf-8")
    assert all(word in printed for word in ("Ada Obi", "418265", "907153", "Chi Eze", "Leeds"))

    rows = await _candidate_rows(directory / "central.toml")
    pins = {"REG-001": "418265", "REG-002": "907153"}
    for row in rows:
        assert row.pin_hash.startswith("scrypt$") and row.pin_sealed is not None
        if row.registration_number in pins:
            assert verify_secret(pins[row.registration_number], row.pin_hash)
            assert pins[row.registration_number].encode() not in row.pin_sealed
    given = printed.split("REG-003")[1]
    assert any(verify_secret(pin, rows[2].pin_hash) for pin in
               re.findall(r"\b\d{6}\b", given)), "the slip's PIN is the one kept"
    if database is None:  # SQLite: no PIN anywhere in the database's bytes, WAL included
        raw = b"".join(p.read_bytes() for p in directory.glob("central.db*"))
        assert not any(pin.encode() in raw for pin in pins.values())

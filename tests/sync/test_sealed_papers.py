"""Sealed papers: a sitting published `--sealed` reaches the hall with its questions encrypted
under the sitting's own key. Until release the hall's database (file and WAL), the paper
endpoint and `hall exam` hold no question text, and the start is refused (`paper_sealed`); the
release code opens it with the central down (a wrong code refused and logged), the central's
release opens it at the next `syncd once`, and a release survives `kill -9`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from examkit.release_codes import new_code
from hallserver.cli.common import data_key, open_database
from hallserver.db import migrate
from hallserver.domain.log.events import read_events
from tests.halls import add_staff_member
from tests.serving import ServedHall, log_in
from tests.sync.processes import hall_toml, syncd, syncd_ok
from tests.sync.test_downward import BANK_EXAM, _bank, _central_toml, _down_hall, _publish

pytestmark = pytest.mark.slow
QUESTION_TEXT = b"Physics question"


def _hall(*args: str) -> tuple[int, str]:
    done = subprocess.run([str(Path(sys.executable).parent / "hall"), *args],
                          capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


def _events(config, kind: str) -> list[dict]:
    with open_database(config).connect() as connection:
        hall_id, _ = migrate.read_identity(connection)
        return [e.body for e in read_events(connection, data_key(config), hall_id)
                if e.kind == kind]


def _raw_bytes(config) -> bytes:
    """The hall database's file and its WAL, as bytes on disk."""
    path = config.database_path
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def _sealed_sitting(tmp_path: Path, central) -> tuple[object, str, str, dict[str, str]]:
    """A sealed sitting received by its hall: (config, sitting id, release code, PINs)."""
    pins = _bank(tmp_path, central)
    config, hall_id = _down_hall(tmp_path, central)
    sitting_id = _publish(central, hall_id, "--sealed")
    code = syncd_ok("central", "sitting", "code", sitting_id,
                    "--config", _central_toml(central)).strip()
    assert "3 item(s) applied" in syncd_ok("once", "--config", hall_toml(config))
    return config, sitting_id, code, pins


def _listed(config) -> dict:
    listed = json.loads(_hall("exam", "list", "--json", "--config", hall_toml(config))[1])
    return {e["id"]: e for e in listed}[BANK_EXAM["id"]]


def _mistyped(code: str) -> str:
    first = code[0]
    return ("7" if first != "7" else "8") + code[1:]


async def test_a_sealed_paper_shows_nothing_until_its_code_releases_it_offline(tmp_path, central):
    config, sitting_id, code, pins = _sealed_sitting(tmp_path, central)
    add_staff_member(config, "ivy", "invigilator", "ivy-password")
    exam_id = BANK_EXAM["id"]
    failed, output = _hall("exam", "export", exam_id, "-o", str(tmp_path / "out.zip"),
                           "--config", hall_toml(config))
    assert failed and "sealed" in output and not (tmp_path / "out.zip").exists()
    assert _listed(config)["sealed"] and _listed(config)["questions"] == 0
    failed, output = _hall("sitting", "start", sitting_id, "--config", hall_toml(config))
    assert failed and "sealed" in output
    central.kill9()   # from here on, no uplink
    with ServedHall(config) as hall:
        raw = _raw_bytes(config)
        assert QUESTION_TEXT not in raw and BANK_EXAM["title"].encode() in raw  # the right file
        staff, candidate = hall.client(), hall.client()
        async with staff.post("/staff/login", json={"name": "ivy", "password": "ivy-password"}) as r:
            assert r.status == 200
        await log_in(candidate, "P-001", pins["P-001"])
        async with candidate.get(f"/student/exam/{exam_id}") as r:
            body = await r.read()
            assert r.status == 409 and QUESTION_TEXT not in body
            assert json.loads(body)["error"]["code"] == "paper_sealed"
        start = f"/staff/sittings/{sitting_id}/start"
        async with staff.post(start) as r:
            assert r.status == 409 and (await r.json())["error"]["code"] == "paper_sealed"
        release = f"/staff/sittings/{sitting_id}/release"
        async with staff.post(release, json={"code": _mistyped(code)}) as r:
            answer = await r.json()
            assert r.status == 422 and answer["error"]["code"] == "wrong_release_code"
            assert "mistyped" in answer["error"]["message"]
        async with staff.get(f"/staff/sittings/{sitting_id}") as r:
            assert (await r.json())["sealed"] is True
        async with staff.post(release, json={"code": code.lower()}) as r:
            assert r.status == 200, await r.text()
            assert (await r.json())["sealed"] is False
        async with staff.post(start) as r:
            assert r.status == 200, await r.text()
        assert QUESTION_TEXT in _raw_bytes(config)   # opened, imported as any exam
        async with candidate.get(f"/student/exam/{exam_id}") as r:
            assert r.status == 200 and QUESTION_TEXT in await r.read()
        await staff.close()
        await candidate.close()
        hall.kill9()
    failed, output = _hall("sitting", "release", sitting_id, "--code", code,
                           "--config", hall_toml(config))
    assert failed and "released already" in output
    refused = _events(config, "release_code_refused")
    assert [e["by"] for e in refused] == ["ivy"] and "mistyped" in refused[0]["reason"]
    assert [(e["by"], e["via"]) for e in _events(config, "paper_released")] == [("ivy", "code")]
    with ServedHall(config) as hall:   # after kill -9: still released, the paper served
        candidate = hall.client()
        await log_in(candidate, "P-002", pins["P-002"])
        async with candidate.get(f"/student/exam/{exam_id}") as r:
            assert r.status == 200 and QUESTION_TEXT in await r.read()
        await candidate.close()
        hall.stop()


async def test_the_central_releases_a_sealed_paper_at_the_halls_next_contact(tmp_path, central):
    config, sitting_id, code, _ = _sealed_sitting(tmp_path, central)
    failed, output = _hall("sitting", "release", sitting_id, "--code", new_code(),
                           "--config", hall_toml(config))   # well formed, another sitting's
    assert failed and "not the release code" in output
    assert len(_events(config, "release_code_refused")) == 1
    # A fixed key cannot go to a hall that holds the exam sealed (it would open the old paper).
    fixed = tmp_path / "fixed.json"
    fixed.write_text(json.dumps({**BANK_EXAM, "questions": [
        {**q, "answer": "A"} if q["id"] == "1" else q for q in BANK_EXAM["questions"]]}))
    failed, output = syncd("central", "exam", "correct-key", str(fixed),
                           "--config", _central_toml(central))
    assert failed and "sealed at this hall" in output
    syncd_ok("central", "sitting", "release", sitting_id, "--config", _central_toml(central))
    assert "1 item(s) applied" in syncd_ok("once", "--config", hall_toml(config))
    assert [(e["by"], e["via"]) for e in _events(config, "paper_released")] == [("central",
                                                                               "central")]
    listed = _listed(config)
    assert not listed["sealed"] and listed["questions"] == len(BANK_EXAM["questions"])
    code_, output = _hall("sitting", "start", sitting_id, "--config", hall_toml(config))
    assert code_ == 0, output
    rows = json.loads(syncd_ok("central", "sitting", "list", "--json",
                               "--config", _central_toml(central)))["sittings"]
    assert rows[0]["sealed"] and rows[0]["released_by"]

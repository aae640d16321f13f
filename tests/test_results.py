"""Results out: the CSV export matches the database, JSON with per-exam summaries, rescoring with a
corrected answer key (logged), and progress bars only on a terminal."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import select
import subprocess
import sys

import pytest

from hallserver.app import create_app
from examkit.sealing import DataKey
from hallserver.db import engine as engines
from hallserver.db import migrate
from hallserver.domain.content import scoring
from hallserver.domain.access.candidates import find_candidate
from hallserver.domain.log.events import read_events, verify_chain
from hallserver.domain.sessions.live import read_session
from tests.exams_fixtures import add_candidates, empty_hall, hall_cli, ok, sign_in

WRONG_KEY = {"c1": "B"}  # the board's first key has question c1 wrong
KINDS_EXAM = {"id": "KIND1", "title": "Every kind", "duration_minutes": 30, "questions": [
    {"id": "c1", "text": "Capital of France?", "options": {"A": "Paris", "B": "Lyon"}, "answer": "A"},
    {"id": "m1", "kind": "multiple", "text": "Which are prime?",
     "options": {"A": "2", "B": "3", "C": "4"}, "answer": ["A", "B"]},
    {"id": "t1", "kind": "text", "text": "Chemical symbol of gold?", "answer": ["Au"],
     "case_sensitive": True},
    {"id": "t2", "kind": "text", "text": "Largest planet?", "answer": "Jupiter"},
]}
SAT = {  # answers of each candidate, and their score with the right key
    "K1": ({"c1": "A", "m1": ["B", "A"], "t1": "Au", "t2": " jupiter "}, 4),
    "K2": ({"c1": "B", "m1": ["A"], "t1": "au"}, 0),
    "K3": ({"c1": "A", "m1": ["A", "B", "C"], "t1": "Au", "t2": "Saturn"}, 2),
}
PINS = {"K1": "1001", "K2": "1002", "K3": "1003", "K4": "1004"}


def _exam_file(tmp_path, exam: dict, name: str = "exam.json"):
    path = tmp_path / name
    path.write_text(json.dumps(exam), encoding="utf-8")
    return path


def _with_key(changes: dict[str, str]) -> dict:
    return {**KINDS_EXAM, "questions": [{**q, **({"answer": changes[q["id"]]} if q["id"] in changes
                                                 else {})} for q in KINDS_EXAM["questions"]]}


async def _sit(config, aiohttp_client) -> None:
    server = await aiohttp_client(create_app(config))
    for registration, (answers, _) in SAT.items():
        client = await aiohttp_client(server.server)
        await sign_in(client, registration, PINS[registration])
        base = "/student/exam/KIND1/session"
        assert (await client.post(f"{base}/save", json={"answers": answers, "device_seq": 1})).status == 200
        assert (await client.post(f"{base}/complete", json={"time_spent": 600})).status == 200
    unfinished = await aiohttp_client(server.server)
    await sign_in(unfinished, "K4", PINS["K4"])
    await unfinished.post("/student/exam/KIND1/session/save", json={"answers": {"c1": "A"}})
    await server.close()


@pytest.fixture
async def sat_hall(tmp_path, aiohttp_client):
    """KIND1 imported with the right key, sat by K1-K3 (completed) and K4 (not completed)."""
    config = empty_hall(tmp_path / "hall")
    ok(hall_cli(config, "exam", "import", str(_exam_file(tmp_path, KINDS_EXAM))))
    add_candidates(config, "KIND1", [(r, f"Candidate {r}", pin) for r, pin in PINS.items()])
    await _sit(config, aiohttp_client)
    return config


def _database(config):
    """What the database holds, read on its own: {registration: (answers, result, completed_at)}."""
    engine = engines.sync_engine(config.database_path)
    key = DataKey.from_file(config.secrets_dir / "data.key")
    held = {}
    try:
        with engine.connect() as connection:
            for registration in PINS:
                live = read_session(connection, key, find_candidate(connection, registration).id, "KIND1")
                held[registration] = live
    finally:
        engine.dispose()
    return held


def _cell(answer) -> str:
    return "" if answer is None else answer if isinstance(answer, str) else json.dumps(answer)


def test_results_exported_as_csv_match_the_database(sat_hall, tmp_path):
    output = tmp_path / "results.csv"
    ok(hall_cli(sat_hall, "results", "export", "-o", str(output)))
    rows = {row["registration_number"]: row for row in csv.DictReader(
        io.StringIO(output.read_text(encoding="utf-8")))}
    held = _database(sat_hall)
    assert set(rows) == {"K1", "K2", "K3"} and held["K4"].status == "in_progress"
    for registration, row in rows.items():
        live = held[registration]
        assert live.status == "completed"
        assert json.loads(row["answers"]) == live.data.answers == SAT[registration][0]
        assert (int(row["score"]), int(row["max_score"])) == (live.result["score"], 4)
        assert live.result["score"] == SAT[registration][1]
        assert row["revision"] == str(live.revision) and row["reason"] == "submitted"
        for question in KINDS_EXAM["questions"]:
            qid = question["id"]
            answer = live.data.answers.get(qid)
            marks = live.result["marks"][qid]
            assert row[f"{qid} response"] == _cell(answer)
            assert row[f"{qid} marks"] == str(marks)
            assert row[f"{qid} outcome"] == scoring.outcome(marks, live.result["max_marks"][qid], answer)
    assert rows["K3"]["m1 outcome"] == "incorrect" and rows["K2"]["t2 outcome"] == "unanswered"


def test_json_export_and_summary_per_exam(sat_hall):
    exported = json.loads(ok(hall_cli(sat_hall, "results", "export", "--format", "json")).stdout)
    assert exported["format"] == "examhall-results" and exported["version"] == 1
    (summary,) = exported["summaries"]
    assert {k: summary[k] for k in ("exam_id", "count", "mean", "min", "max", "max_score")} == {
        "exam_id": "KIND1", "count": 3, "mean": 2.0, "min": 0, "max": 4, "max_score": 4}
    by_question = {q["id"]: q for q in summary["questions"]}
    assert {q: by_question[q]["facility"] for q in by_question} == {
        "c1": 0.667, "m1": 0.333, "t1": 0.667, "t2": 0.333}
    assert by_question["t2"]["answered"] == 0.667 and by_question["c1"]["correct"] == 0.667
    shown = ok(hall_cli(sat_hall, "results", "summary", "KIND1")).output
    assert "KIND1: 3 completed, mean 2.0 of 4, min 0, max 4" in shown
    assert "m1: facility 0.333" in shown


async def test_a_corrected_key_rescores_completed_sessions_and_is_logged(tmp_path, aiohttp_client):
    config = empty_hall(tmp_path / "hall")
    ok(hall_cli(config, "exam", "import", str(_exam_file(tmp_path, _with_key(WRONG_KEY)))))
    add_candidates(config, "KIND1", [(r, f"Candidate {r}", pin) for r, pin in PINS.items()])
    await _sit(config, aiohttp_client)
    before = {r: live.result["score"] for r, live in _database(config).items() if live.result}
    assert before == {"K1": 3, "K2": 1, "K3": 1}

    right = _exam_file(tmp_path, KINDS_EXAM, "corrected.json")
    replaced = hall_cli(config, "exam", "import", str(right))
    assert replaced.exit_code != 0 and "--correct-key" in replaced.output
    reworded = _exam_file(tmp_path, {**KINDS_EXAM, "questions": [
        {**KINDS_EXAM["questions"][0], "text": "Capital city of France?"}, *KINDS_EXAM["questions"][1:]]},
        "reworded.json")
    changed_paper = hall_cli(config, "exam", "import", str(reworded), "--correct-key")
    assert changed_paper.exit_code != 0 and "not only its key" in changed_paper.output

    corrected = ok(hall_cli(config, "exam", "import", str(right), "--correct-key"))
    assert "1 question(s) changed (key version 2)" in corrected.output
    rescored = ok(hall_cli(config, "results", "rescore", "KIND1"))
    assert "K1: 3 -> 4 of 4" in rescored.output and "K2: 1 -> 0 of 4" in rescored.output
    assert "rescored 3 completed session(s) of KIND1 with answer key version 2: 3 changed" in rescored.output
    after = {r: live.result for r, live in _database(config).items() if live.result}
    assert {r: result["score"] for r, result in after.items()} == {r: s for r, (_, s) in SAT.items()}
    assert all(result["key_version"] == 2 and result["reason"] == "submitted"
               and result["time_spent"] == 600 for result in after.values())
    again = ok(hall_cli(config, "results", "rescore", "KIND1"))
    assert ": 0 changed" in again.output

    engine = engines.sync_engine(config.database_path)
    key = DataKey.from_file(config.secrets_dir / "data.key")
    with engine.connect() as connection:
        hall_id, _ = migrate.read_identity(connection)
        verify_chain(connection, key, hall_id)
        events = [e for e in read_events(connection, key, hall_id)
                  if e.kind in ("answer_key_corrected", "result_rescored")]
    engine.dispose()
    assert [e.kind for e in events] == ["answer_key_corrected"] + ["result_rescored"] * 3
    assert events[0].body["questions"] == ["c1"] and events[0].body["key_version"] == 2
    assert {(e.body["registration_number"], e.body["old_score"], e.body["score"]) for e in events[1:]} == {
        ("K1", 3, 4), ("K2", 1, 0), ("K3", 1, 2)}
    exported = json.loads(ok(hall_cli(config, "results", "export", "--format", "json")).stdout)
    assert {r["registration_number"]: (r["score"], r["key_version"]) for r in exported["results"]} == {
        "K1": (4, 2), "K2": (0, 2), "K3": (2, 2)}


def _on_a_terminal(*args: str) -> str:
    """Runs `hall ARGS` with stderr on a pseudo-terminal; what the terminal showed."""
    main, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-c", "from hallserver.cli import main; main()", *args],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=secondary)
    os.close(secondary)
    shown = b""
    while True:
        ready, _, _ = select.select([main], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert process.wait(timeout=60) == 0, shown
    return shown.decode(errors="replace")


def test_progress_bars_show_on_a_terminal_and_stay_quiet_elsewhere(sat_hall, tmp_path):
    config_path = str(sat_hall.base_dir / "hall.toml")
    shown = _on_a_terminal("results", "export", "-o", str(tmp_path / "r.csv"), "--config", config_path)
    assert "reading results" in shown and "100%" in shown
    quiet = ok(hall_cli(sat_hall, "results", "export", "-o", str(tmp_path / "r2.csv")))
    assert "reading results" not in quiet.output
    assert quiet.output.strip() == f"wrote 3 result(s) to {tmp_path / 'r2.csv'}"

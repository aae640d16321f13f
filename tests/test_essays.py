"""Essays: saved a little at a time (an edit against the text the hall acknowledged, never the
whole essay on every keystroke), kept exactly, logged as edits; marked by a marker, the mark
scored into the result and logged in the hash chain with who gave it; refused to others."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from examkit.edits import checksum
from hallserver.app import create_app
from hallserver.domain.content.exam_file import read_exam
from syncd.central.projection import apply as project
from tests.conftest import login
from tests.exams_fixtures import empty_hall, hall_cli, ok
from tests.halls import add_staff_member, make_hall

ESSAY_EXAM = json.loads((Path(__file__).parent / "content" / "essays" / "essay-exam.json").read_text())
BASE = "/student/exam/ENG201"
WORDS = " ".join(f"word{n % 97}" for n in range(3000))


def edit(before: str, after: str) -> dict:
    """The one splice from `before` to `after`, as the page computes it (common prefix, suffix)."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while (end < min(len(before), len(after)) - start
           and before[len(before) - 1 - end] == after[len(after) - 1 - end]):
        end += 1
    return {"at": start, "delete": len(before) - start - end,
            "insert": after[start:len(after) - end], "base": checksum(before),
            "result": checksum(after)}


@pytest.fixture
def essay_hall(tmp_path):
    config = make_hall(tmp_path / "hall", exam=ESSAY_EXAM)
    add_staff_member(config, "ivy", "invigilator", "ivy-password")
    add_staff_member(config, "mo", "marker", "mo-password")
    add_staff_member(config, "ada", "admin", "ada-password")
    return config


@pytest.fixture
async def essay_client(aiohttp_client, essay_hall, clock):
    client = await aiohttp_client(create_app(essay_hall, clock))
    await login(client)
    return client


async def _save(client, body: dict, status: int = 200) -> dict:
    response = await client.post(f"{BASE}/session/save", json=body)
    assert response.status == status, await response.text()
    return await response.json()


async def _text(client) -> str:
    restored = await (await client.get(f"{BASE}/session/restore")).json()
    return restored["session_data"]["answers"].get("q2", "")


async def test_the_paper_shows_the_word_limit_but_never_the_rubric_or_model_answer(essay_client):
    paper = await (await essay_client.get(BASE)).json()
    essay = next(q for q in paper["questions"] if q["id"] == "q2")
    assert (essay["kind"], essay["marks"], essay["word_limit"]) == ("essay", 20, 3500)
    shown = json.dumps(paper)
    assert "Organisation" not in shown and "market in my town" not in shown


async def test_an_essay_is_saved_by_edits_kept_exactly_and_logged_as_edits(essay_client, essay_hall):
    await essay_client.get(BASE)
    await _save(essay_client, {"answers": {"q2": WORDS}, "device_seq": 1})
    typed = WORDS[:5000] + " (a thought)" + WORDS[5000:] + " The end."
    first = edit(WORDS, WORDS[:5000] + " (a thought)" + WORDS[5000:])
    second = edit(WORDS[:5000] + " (a thought)" + WORDS[5000:], typed)
    assert len(json.dumps({"essay_edits": {"q2": first}, "device_seq": 2})) < 150
    saved = await _save(essay_client, {"essay_edits": {"q2": first}, "device_seq": 2})
    again = await _save(essay_client, {"essay_edits": {"q2": first}, "device_seq": 2})  # a replay
    assert again["revision"] == saved["revision"]
    await _save(essay_client, {"essay_edits": {"q2": second}, "device_seq": 3})
    assert await _text(essay_client) == typed
    history = json.loads(ok(hall_cli(essay_hall, "sessions", "inspect", "C0001")).output)
    saves = [e for e in history["sessions"][0]["history"] if e["kind"] == "answers_saved"]
    assert saves[-1]["changes"] == {"essay_edits": {"q2": second}}  # the log holds the edit, not 18 KB
    assert WORDS[:200] not in json.dumps(saves[1:])


async def test_an_edit_that_does_not_fit_is_refused_and_the_whole_text_then_saves(essay_client):
    await essay_client.get(BASE)
    await _save(essay_client, {"answers": {"q2": "The hall has this."}, "device_seq": 1})
    stale = edit("The page thought this.", "The page thought this, and more.")
    refused = await _save(essay_client, {"essay_edits": {"q2": stale}, "device_seq": 2}, 409)
    assert refused["error"]["code"] == "essay_out_of_step"
    assert refused["error"]["question"] == "q2"
    assert await _text(essay_client) == "The hall has this."  # nothing changed
    await _save(essay_client, {"answers": {"q2": "The page thought this, and more."}, "device_seq": 2})
    assert await _text(essay_client) == "The page thought this, and more."


@pytest.mark.parametrize(("body", "phrase"), [
    ({"essay_edits": {"q1": edit("", "B")}}, "not an essay"),
    ({"essay_edits": {"q2": edit("", "x")}, "answers": {"q2": "x"}}, "both whole and as an edit"),
    ({"essay_edits": {"q2": {**edit("", "x"), "base": "nonsense"}}}, "base"),
])
async def test_a_wrong_edit_is_refused_clearly(essay_client, body, phrase):
    await essay_client.get(BASE)
    refused = await _save(essay_client, body, 422)
    assert phrase in json.dumps(refused["error"])


async def _submitted(client, text: str = WORDS) -> None:
    await client.get(BASE)
    await _save(client, {"answers": {"q1": "B", "q2": text, "q3": "light to sugar"}, "device_seq": 1})
    response = await client.post(f"{BASE}/session/complete", json={})
    assert response.status == 200, await response.text()


async def _staff(aiohttp_client, client, name: str):
    staff = await aiohttp_client(client.server)
    response = await staff.post("/staff/login", json={"name": name, "password": f"{name}-password"})
    assert response.status == 200
    return staff


def _results(config) -> dict:
    exported = ok(hall_cli(config, "results", "export", "--format", "json")).output
    return json.loads(exported[exported.index("{"):])["results"][0]


async def test_a_marker_marks_an_essay_and_the_result_and_the_chain_say_so(
        aiohttp_client, essay_client, essay_hall):
    await _submitted(essay_client)
    before = _results(essay_hall)
    assert (before["score"], before["max_score"], before["unmarked"]) == (1, 23, 2)
    assert {q["id"]: q["outcome"] for q in before["questions"]} == {
        "q1": "correct", "q2": "unmarked", "q3": "unmarked"}
    marker = await _staff(aiohttp_client, essay_client, "mo")
    listed = await (await marker.get("/staff/marking/ENG201")).json()
    assert listed["to_mark"] == 2 and listed["questions"][0]["rubric"].startswith("Content: 8")
    assert listed["responses"][0]["words"] == 3000
    url = "/staff/marking/ENG201/candidates/C0001/questions/q2"
    too_many = await marker.post(url, json={"marks": 21, "comment": ""})
    assert too_many.status == 422 and "between 0 and 20" in (await too_many.json())["error"]["message"]
    given = await marker.post(url, json={"marks": 14.5, "comment": "Clear; paragraphs uneven."})
    assert given.status == 200, await given.text()
    assert (await given.json())["score"] == 15.5
    after = _results(essay_hall)
    assert (after["score"], after["unmarked"]) == (15.5, 1)
    essay = next(q for q in after["questions"] if q["id"] == "q2")
    assert (essay["marks"], essay["outcome"], essay["marked_by"]) == (14.5, "partial", "mo")
    exported = ok(hall_cli(essay_hall, "results", "export")).output
    (row,) = csv.DictReader(io.StringIO(exported[exported.index("exam_id"):]))
    assert (row["score"], row["unmarked"], row["q2 outcome"], row["q3 outcome"]) == (
        "15.5", "1", "partial", "unmarked")
    inspected = json.loads(ok(hall_cli(essay_hall, "sessions", "inspect", "C0001")).output)
    mark = [e for e in inspected["sessions"][0]["history"] if e["kind"] == "mark_given"]
    assert len(mark) == 1 and (mark[0]["by"], mark[0]["marks"], mark[0]["question_id"]) == ("mo", 14.5, "q2")
    assert mark[0]["comment"] == "Clear; paragraphs uneven."
    admin = await _staff(aiohttp_client, essay_client, "ada")
    chain = (await (await admin.get("/admin/candidates/C0001")).json())["chain"]
    assert chain["verified"] is True


async def test_an_essay_over_its_word_limit_is_kept_whole_and_its_marker_is_told(
        aiohttp_client, essay_client):
    """The limit (3,500 words) is never enforced: the 3,600-word essay is saved and kept exactly,
    and the marker's listing says by how much it runs over; a question without a limit never does."""
    longer = " ".join(f"word{n % 97}" for n in range(3600))
    await essay_client.get(BASE)
    await _save(essay_client, {"answers": {"q2": WORDS}, "device_seq": 1})
    await _save(essay_client, {"essay_edits": {"q2": edit(WORDS, longer)}, "device_seq": 2})
    assert await _text(essay_client) == longer
    await _submitted(essay_client, longer)
    marker = await _staff(aiohttp_client, essay_client, "mo")
    listed = await (await marker.get("/staff/marking/ENG201")).json()
    by_question = {r["question_id"]: r for r in listed["responses"]}
    essay, one_line = by_question["q2"], by_question["q3"]
    assert (essay["response"], essay["words"], essay["word_limit"], essay["words_over_limit"]) == (
        longer, 3600, 3500, 100)
    assert (one_line["word_limit"], one_line["words_over_limit"]) == (None, 0)


async def test_a_candidate_or_an_invigilator_cannot_mark(aiohttp_client, essay_client, essay_hall):
    """An invigilator is refused for their role (403); a candidate has no staff login at all
    (401, as every staff route answers a candidate's cookie: tests/test_route_access.py)."""
    await _submitted(essay_client)
    url = "/staff/marking/ENG201/candidates/C0001/questions/q2"
    invigilator = await _staff(aiohttp_client, essay_client, "ivy")
    for client, status in ((essay_client, 401), (invigilator, 403)):
        refused = await client.post(url, json={"marks": 20, "comment": "mine"})
        assert refused.status == status, await refused.text()
        listed = await client.get("/staff/marking/ENG201")
        assert listed.status == status
    assert _results(essay_hall)["score"] == 1  # nothing changed


async def test_an_unsubmitted_session_is_not_marked(aiohttp_client, essay_client):
    await essay_client.get(BASE)
    await _save(essay_client, {"answers": {"q2": "Still writing"}, "device_seq": 1})
    marker = await _staff(aiohttp_client, essay_client, "mo")
    refused = await marker.post("/staff/marking/ENG201/candidates/C0001/questions/q2",
                                json={"marks": 3})
    assert refused.status == 409


def test_the_central_applies_essay_edits_and_marks_in_the_logs_order():
    start = {"kind": "session_started", "session_id": "s1", "exam_id": "ENG201",
             "registration_number": "C0001", "at": 1.0}
    view = project(None, "hall", start, 1, 1)
    view = project(view, "hall", {"kind": "answers_saved", "session_id": "s1", "revision": 1,
                                  "changes": {"answers": {"q2": "Hello world"}}}, 1, 2)
    view = project(view, "hall", {"kind": "answers_saved", "session_id": "s1", "revision": 2,
                                  "changes": {"essay_edits": {"q2": edit("Hello world", "Hello, wide world")}}},
                   1, 3)
    assert view.answers["q2"] == "Hello, wide world"
    view = project(view, "hall", {"kind": "session_completed", "session_id": "s1", "revision": 3,
                                  "answers": view.answers, "result": {"score": 0}}, 1, 4)
    view = project(view, "hall", {"kind": "mark_given", "session_id": "s1",
                                  "result": {"score": 12}}, 1, 5)
    assert view.result == {"score": 12}


def test_an_exam_with_essays_goes_out_as_qti_and_comes_back_the_same(tmp_path):
    source = Path(__file__).parent / "content" / "essays" / "essay-exam.json"
    hall = empty_hall(tmp_path / "hall")
    ok(hall_cli(hall, "exam", "import", str(source)))
    first = tmp_path / "first.zip"
    ok(hall_cli(hall, "exam", "export", "ENG201", "-o", str(first)))
    again = empty_hall(tmp_path / "again")
    ok(hall_cli(again, "exam", "import", str(first)))
    second = tmp_path / "second.zip"
    ok(hall_cli(again, "exam", "export", "ENG201", "-o", str(second)))
    original = read_exam(source).content.questions[1]
    out, back = read_exam(first).content, read_exam(second).content
    assert out.questions == back.questions  # exam -> QTI -> exam -> QTI: identical
    essay = out.questions[1]
    assert (essay.kind, essay.max_score, essay.marking) == ("essay", 20, original.marking)
    assert essay.html == original.html
    assert out.questions[2].manual  # a text question the file marks manual stays manual


async def test_the_qti_results_say_an_unmarked_essay_waits_for_its_marker(essay_client, essay_hall, tmp_path):
    await _submitted(essay_client)
    out = tmp_path / "results.zip"
    ok(hall_cli(essay_hall, "results", "export", "--format", "qti", "-o", str(out)))
    with zipfile.ZipFile(out) as package:
        report = next(package.read(n).decode() for n in package.namelist() if n.endswith(".xml")
                      and "assessmentResult" in package.read(n).decode())
    assert 'identifier="q2" ' in report
    essay = report[report.index('identifier="q2" ') - 200:report.index('identifier="q2" ') + 300]
    assert 'sessionStatus="pendingResponseProcessing"' in essay and 'baseType="string"' in essay

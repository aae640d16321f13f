"""The interactions beyond choice, text entry and match (inline choice, order, gap match, hottext,
associate, hotspot, select point), on the repository's own items: imported, scored by each item's own processing,
answers of the wrong shape refused, and export → import giving the same questions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hallserver.domain.content import scoring
from hallserver.domain.content.exam_file import Overrides, read_exam
from hallserver.domain.content.exams import Exam, check_answers
from hallserver.errors import Invalid
from hallserver.app import create_app
from tests.exams_fixtures import add_candidates, count, empty_hall, hall_cli, ok, sign_in

KINDS = Path(__file__).parent / "content" / "qti-kinds"
KINDS_TEST = KINDS / "kinds_test.xml"


def _question(name: str):
    (question,) = read_exam(KINDS / name).content.questions
    return question


@pytest.mark.parametrize(("name", "kind", "full"), [
    ("inline_choice.xml", "inline", 1), ("order.xml", "order", 2), ("gap_match.xml", "gap_match", 2),
    ("hottext.xml", "hottext", 2), ("associate.xml", "associate", 2), ("hotspot.xml", "hotspot", 2),
    ("select_point.xml", "point", 2),
])
def test_each_kind_imports_with_its_full_marks(name, kind, full):
    question = _question(name)
    assert (question.kind, question.max_score) == (kind, full)
    assert scoring.marks(question, question.answer) == full


@pytest.mark.parametrize(("name", "response", "expected"), [
    # match_correct
    ("inline_choice.xml", "nile", 1), ("inline_choice.xml", "congo", 0), ("inline_choice.xml", None, 0),
    # its own rules: the right order 2, Mars and Earth swapped 1, anything else 0
    ("order.xml", ["mercury", "venus", "earth", "mars"], 2),
    ("order.xml", ["mercury", "venus", "mars", "earth"], 1),
    ("order.xml", ["venus", "mercury", "earth", "mars"], 0), ("order.xml", ["mercury"], 0),
    # map_response on directed pairs, lower bound 0
    ("gap_match.xml", ["melts G1", "boils G2"], 2), ("gap_match.xml", ["melts G1"], 1),
    ("gap_match.xml", ["boils G1", "melts G2"], 0), ("gap_match.xml", ["freezes G1", "boils G2"], 0),
    # map_response on identifiers, a wrong word costs one
    ("hottext.xml", ["jumps", "runs"], 2), ("hottext.xml", ["runs"], 1),
    ("hottext.xml", ["runs", "dog"], 0), ("hottext.xml", [], 0),
    # map_response on pairs: a pair is the same either way round
    ("associate.xml", ["paris france", "rome italy"], 2), ("associate.xml", ["italy rome"], 1),
    ("associate.xml", ["france rome", "paris italy"], 0),
    # map_response on the areas of an image: the two four-cornered shapes, a wrong one costs one
    ("hotspot.xml", ["square", "diamond"], 2), ("hotspot.xml", ["diamond"], 1),
    ("hotspot.xml", ["square", "circle"], 0),
    # its own rules: inside 12 px of the centre 2, elsewhere in the circle 1 (areaMapping), else 0
    ("select_point.xml", ["300 90"], 2), ("select_point.xml", ["309 95"], 2),
    ("select_point.xml", ["330 90"], 1), ("select_point.xml", ["60 90"], 0),
])
def test_responses_score_as_each_item_says(name, response, expected):
    assert scoring.marks(_question(name), response) == expected


def _exam() -> Exam:
    content = read_exam(KINDS_TEST).content
    return Exam(content.id, content.title, 1800, False, False, content.questions)


@pytest.mark.parametrize(("question_id", "answer", "named"), [
    ("rivers-inline", "thames", "takes one of its options"),
    ("rivers-inline", ["nile"], "takes one of its options"),
    ("planets-order", "mercury", "takes a list"),
    ("planets-order", ["mercury", "mercury"], "twice"),
    ("planets-order", ["pluto"], "has no option 'pluto'"),
    ("states-gaps", ["melts G1", "boils G1"], "two texts in gap G1"),
    ("states-gaps", ["melts G9"], "has no pair"),
    ("verbs-hottext", ["dog", "runs", "jumps"], "at most 2"),
    ("capitals-associate", ["paris paris"], "has no pair"),
    ("capitals-associate", ["paris france", "france paris"], "twice"),
    ("shapes-hotspot", ["square", "triangle", "circle"], "at most 2"),
    ("shapes-hotspot", ["lake"], "has no option 'lake'"),
    ("shapes-point", ["300 90", "10 10"], "at most 1 points"),
    ("shapes-point", ["300,90"], "takes points"),
    ("shapes-point", "300 90", "takes a list of points"),
])
def test_an_answer_of_the_wrong_shape_is_refused(question_id, answer, named):
    with pytest.raises(Invalid, match=named):
        check_answers(_exam(), {question_id: answer})


def test_right_answers_are_taken():
    check_answers(_exam(), {"rivers-inline": "nile", "planets-order": ["venus", "mercury"],
                            "states-gaps": ["melts G2"], "verbs-hottext": ["runs"],
                            "capitals-associate": ["italy rome"], "shapes-hotspot": ["circle"],
                            "shapes-point": ["12 190"]})


def test_export_then_import_gives_the_same_questions(tmp_path):
    config = empty_hall(tmp_path / "hall")
    ok(hall_cli(config, "exam", "import", str(KINDS_TEST)))
    package = tmp_path / "out.zip"
    ok(hall_cli(config, "exam", "export", "KINDS-1", "-o", str(package)))
    first = read_exam(KINDS_TEST, Overrides(exam_id="KINDS-1")).content
    second = read_exam(package).content
    assert [q.kind for q in second.questions] == ["inline", "order", "gap_match", "hottext", "associate",
                                                  "hotspot", "point"]
    assert second.questions == first.questions  # text, HTML, options, gaps, areas, key, rules, marks
    assert [a.data for a in second.assets] == [a.data for a in first.assets]  # the hotspot's image
    again = empty_hall(tmp_path / "again")
    ok(hall_cli(again, "exam", "import", str(package)))
    assert count(again, "questions") == 7


def test_check_names_each_kind(tmp_path):
    checked = ok(hall_cli(None, "exam", "check", str(KINDS_TEST)))
    for line in ("rivers-inline: inline", "planets-order: order", "states-gaps: gap_match",
                 "verbs-hottext: hottext", "capitals-associate: associate", "shapes-hotspot: hotspot",
                 "shapes-point: point"):
        assert line in checked.output, checked.output


# --- the same kinds in our JSON exam file -------------------------------------------------------

JSON_EXAM = {
    "id": "kinds-json", "title": "Kinds in JSON", "duration_minutes": 30,
    "questions": [
        {"id": "j-inline", "kind": "inline", "text": "The longest river in Africa is the ___.",
         "options": {"congo": "Congo", "nile": "Nile"}, "answer": "nile"},
        {"id": "j-order", "kind": "order", "text": "Smallest first.",
         "options": {"b": "10", "a": "2", "c": "300"}, "answer": ["a", "b", "c"]},
        {"id": "j-gaps", "kind": "gap_match", "text": "Ice ___ and water ___.",
         "options": {"melts": "melts", "boils": "boils", "sings": "sings"},
         "answer": ["melts G1", "boils G2"]},
        {"id": "j-hottext", "kind": "hottext", "text": "The {dog} {runs} and {jumps}.",
         "options": {"runs": "runs", "dog": "dog", "jumps": "jumps"}, "answer": ["runs", "jumps"]},
        {"id": "j-associate", "kind": "associate", "text": "Pair them.",
         "options": {"paris": "Paris", "france": "France", "rome": "Rome", "italy": "Italy"},
         "answer": ["paris france", "italy rome"]},
    ]}
JSON_TRIALS = {
    "j-inline": [("nile", 1), ("congo", 0)],
    "j-order": [(["a", "b", "c"], 1), (["b", "a", "c"], 0)],
    "j-gaps": [(["boils G2", "melts G1"], 1), (["melts G1"], 0), (["sings G1", "boils G2"], 0)],
    "j-hottext": [(["jumps", "runs"], 1), (["runs"], 0), (["runs", "jumps", "dog"], 0)],
    "j-associate": [(["france paris", "rome italy"], 1), (["paris france"], 0),
                    (["paris italy", "rome france"], 0)],
}


def test_the_json_form_takes_each_kind_and_scores_it_by_the_halls_rule(tmp_path):
    source = tmp_path / "kinds.json"
    source.write_text(json.dumps(JSON_EXAM))
    questions = {q.id: q for q in read_exam(source).content.questions}
    assert '<span class="answer-gap"></span>' in questions["j-inline"].html
    assert questions["j-gaps"].stems == {"G1": "1", "G2": "2"}
    assert list(questions["j-hottext"].options) == ["dog", "runs", "jumps"]  # the text's order
    assert questions["j-hottext"].html.count('class="hottext"') == 3
    for question_id, trials in JSON_TRIALS.items():
        for answer, expected in trials:
            assert scoring.marks(questions[question_id], answer) == expected, (question_id, answer)


@pytest.mark.parametrize(("change", "named"), [
    ({"text": "No gap here."}, "one gap"),
    ({"answer": "thames"}, "not one of the options"),
    ({"kind": "order", "answer": ["nile"]}, "every option key"),
    ({"kind": "gap_match", "answer": ["nile G3"]}, "not a pair"),
    ({"kind": "hottext", "answer": ["nile"]}, "names each option once"),
    ({"kind": "associate", "answer": ["nile nile"]}, "not a pair"),
])
def test_a_json_question_of_these_kinds_that_does_not_fit_is_refused(tmp_path, change, named):
    exam = json.loads(json.dumps(JSON_EXAM))
    exam["questions"][0].update(change)
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(exam))
    with pytest.raises(Invalid, match=named):
        read_exam(source)


def test_a_json_exam_of_these_kinds_comes_back_from_qti_scoring_the_same(tmp_path):
    source = tmp_path / "kinds.json"
    source.write_text(json.dumps(JSON_EXAM))
    config = empty_hall(tmp_path / "hall")
    ok(hall_cli(config, "exam", "import", str(source)))
    package = tmp_path / "out.zip"
    ok(hall_cli(config, "exam", "export", "kinds-json", "-o", str(package)))
    before = {q.id: q for q in read_exam(source).content.questions}
    after = {q.id: q for q in read_exam(package).content.questions}
    for question_id, trials in JSON_TRIALS.items():
        assert after[question_id].kind == before[question_id].kind
        assert (after[question_id].options, after[question_id].stems) == (
            before[question_id].options, before[question_id].stems)
        for answer, expected in trials:
            assert scoring.marks(after[question_id], answer) == expected, (question_id, answer)


def test_a_hotspot_whose_image_is_not_in_the_package_is_refused_saying_so(tmp_path):
    item = (KINDS / "hotspot.xml").read_text().replace('data="shapes.svg"', 'data="gone.svg"')
    (tmp_path / "hotspot.xml").write_text(item)
    checked = hall_cli(None, "exam", "check", str(tmp_path / "hotspot.xml"))
    assert checked.exit_code != 0
    assert "hotspotInteraction's image is not in the package" in checked.output, checked.output


# --- through the hall: the paper, saves refused or kept, the result -----------------------------

RIGHT = {"rivers-inline": "nile", "planets-order": ["mercury", "venus", "earth", "mars"],
         "states-gaps": ["boils G2", "melts G1"], "verbs-hottext": ["jumps", "runs"],
         "capitals-associate": ["italy rome", "france paris"], "shapes-hotspot": ["diamond", "square"],
         "shapes-point": ["301 92"]}


async def test_a_candidate_sits_every_kind_through_the_hall(tmp_path, aiohttp_client):
    config = empty_hall(tmp_path / "hall")
    ok(hall_cli(config, "exam", "import", str(KINDS_TEST)))
    add_candidates(config, "KINDS-1", [("K1", "Kim", "1111")])
    client = await aiohttp_client(create_app(config))
    await sign_in(client, "K1", "1111")
    paper = await (await client.get("/student/exam/KINDS-1")).json()
    shown = {q["id"]: q for q in paper["questions"]}
    assert shown["states-gaps"]["stems"] == {"G1": "1", "G2": "2"}
    assert shown["shapes-hotspot"]["areas"]["circle"] == "circle 300,90,40"
    assert shown["verbs-hottext"]["max_choices"] == 2
    assert not any(key in q for q in paper["questions"] for key in ("answer", "scoring"))

    base = "/student/exam/KINDS-1/session"
    refused = await client.post(f"{base}/save", json={"answers": {"states-gaps": ["melts G1", "boils G1"]}})
    assert refused.status == 422
    assert "two texts in gap G1" in (await refused.json())["error"]["message"]
    assert (await client.post(f"{base}/save", json={"answers": RIGHT, "device_seq": 1})).status == 200
    restored = await (await client.get(f"{base}/restore")).json()
    assert restored["session_data"]["answers"] == RIGHT
    assert (await client.post(f"{base}/complete", json={})).status == 200
    (result,) = json.loads(ok(hall_cli(config, "results", "export", "--format", "json")).stdout)["results"]
    assert (result["score"], result["max_score"]) == (13, 13)
    assert {q["outcome"] for q in result["questions"]} == {"correct"}

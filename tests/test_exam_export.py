"""QTI out: `hall exam list`, and `hall exam export` writing a QTI 2.1 content package that
`hall exam import` takes back as the same exam (questions, keys, marks, images, time, order)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from hallserver.domain.content import scoring
from hallserver.domain.content.exam_file import read_exam
from hallserver.domain.content.qti.xml import local, parse_xml
from tests.exams_fixtures import MIX_TEST, SAMPLES, count, empty_hall, hall_cli, ok
from tests.test_question_banks import MOODLE, OWN, TEMPLATES, shared

JSON_EXAM = {
    "id": "maths-1", "title": "Maths 1", "duration_minutes": 45, "shuffle_questions": True,
    "questions": [
        {"id": "q1", "text": "2 + 2 = ?", "options": {"a": "3", "b": "4"}, "answer": "b"},
        {"id": "q2", "kind": "multiple", "text": "Primes?", "options": {"a": "2", "b": "4", "c": "5"},
         "answer": ["a", "c"]},
        {"id": "q3", "kind": "text", "text": "Capital of Kenya?", "answer": ["Nairobi", "nairobi city"]},
    ]}


def _round_trip(tmp_path: Path, source: Path, *extra: str):
    config = empty_hall(tmp_path / "hall")
    ok(hall_cli(config, "exam", "import", str(source), "--duration", "40", *extra))
    exam_id = json.loads(ok(hall_cli(config, "exam", "list", "--json")).output)[0]["id"]
    package = tmp_path / "out.zip"
    ok(hall_cli(config, "exam", "export", exam_id, "-o", str(package)))
    first = read_exam(source, _overrides(exam_id)).content
    second = read_exam(package).content
    again = empty_hall(tmp_path / "again")
    ok(hall_cli(again, "exam", "import", str(package)))
    assert count(again, "questions") == len(second.questions)
    return first, second, package


def _overrides(exam_id: str):
    from hallserver.domain.content.exam_file import Overrides
    return Overrides(exam_id=exam_id, duration_minutes=40)


@pytest.mark.parametrize("name", ["bank.moodle.xml", "bank.gift", "questions.csv", "questions.xlsx"])
def test_a_bank_exam_comes_back_identical(tmp_path, name):
    first, second, _ = _round_trip(tmp_path, OWN / name, "--skip-unsupported")
    assert (second.id, second.title, second.duration_minutes) == (first.id, first.title, 40)
    assert second.questions == first.questions  # text, HTML, options, key, rules, marks


def test_the_spreadsheet_template_with_its_essay_comes_back_identical(tmp_path):
    first, second, _ = _round_trip(tmp_path, TEMPLATES / "questions.xlsx")
    assert second.questions == first.questions
    assert second.questions[-1].kind == "essay" and second.questions[-1].marking["word_limit"] == 150


def test_a_qti_test_with_its_shuffling_comes_back_identical(tmp_path):
    source = shared(MIX_TEST)
    first, second, _ = _round_trip(tmp_path, source, "--skip-unsupported")
    for before, after in zip(first.questions, second.questions, strict=True):
        assert after.same_paper(before)
        assert (after.answer, after.scoring, after.max_score) == (before.answer, before.scoring, before.max_score)
    assert second.shuffle_questions == first.shuffle_questions


def test_images_travel_in_the_package(tmp_path):
    first, second, package = _round_trip(tmp_path, shared(MOODLE / "xml/multichoice.xml"))
    assert sorted(a.data for a in second.assets) == sorted(a.data for a in first.assets)
    assert second.questions == first.questions
    with zipfile.ZipFile(package) as opened:
        names = opened.namelist()
        manifest = parse_xml(opened.read("imsmanifest.xml"), "imsmanifest.xml")
    assert sum(n.startswith("images/") for n in names) == 4
    assert local(manifest) == "manifest" and "imscp" in manifest.tag


def test_a_json_exam_comes_back_scoring_the_same(tmp_path):
    source = tmp_path / "maths.json"
    source.write_text(json.dumps(JSON_EXAM))
    first, second, _ = _round_trip(tmp_path, source)
    assert second.shuffle_questions and [q.id for q in second.questions] == ["q1", "q2", "q3"]
    trials = {"q1": ["a", "b", None], "q2": [["a", "c"], ["a"], ["c", "a"]],
              "q3": ["Nairobi", "NAIROBI", "nairobi city", "Mombasa", ""]}
    for before, after in zip(first.questions, second.questions, strict=True):
        assert after.text.startswith(before.text)  # a text entry gains its gap: "... _____"
        key = before.answer[0] if before.kind == "text" else before.answer  # the first accepted
        assert (after.options, after.answer) == (before.options, key)
        for answer in trials[before.id]:
            assert scoring.marks(after, answer) == scoring.marks(before, answer), (before.id, answer)


def test_exam_list_names_each_exam(tmp_path):
    config = empty_hall(tmp_path / "hall")
    assert "no exams yet" in ok(hall_cli(config, "exam", "list")).output
    ok(hall_cli(config, "exam", "import", str(OWN / "questions.csv"), "--duration", "25"))
    listed = json.loads(ok(hall_cli(config, "exam", "list", "--json")).output)
    assert listed == [{"id": "questions", "title": "questions", "questions": 5, "max_score": 6,
                       "duration_minutes": 25, "key_version": 1, "shuffle_questions": False,
                       "images": 0, "sealed": False}]
    assert "questions\tquestions\t5 questions, full marks 6, 25 minutes" in ok(
        hall_cli(config, "exam", "list")).output


def test_exporting_an_exam_the_hall_lacks_says_so_and_writes_nothing(tmp_path):
    config = empty_hall(tmp_path / "hall")
    result = hall_cli(config, "exam", "export", "nope", "-o", str(tmp_path / "x.zip"))
    assert result.exit_code != 0 and "There is no exam nope" in result.output
    assert not (tmp_path / "x.zip").exists()


def test_the_shared_single_items_survive_the_round_trip(tmp_path):
    for name in ("items-2.1/choice.xml", "items-2.2/choice_multiple_rtl.xml", "items-2.1/text_entry.xml",
                 "items-2.1/match.xml"):
        source = shared(SAMPLES / name)
        first, second, _ = _round_trip(tmp_path / name.replace("/", "-"), source)
        (before,), (after,) = first.questions, second.questions
        assert after.same_paper(before), name
        assert (after.answer, after.scoring, after.max_score) == (before.answer, before.scoring, before.max_score)


GAP_IMG = OWN / "qti-gap-img"


def test_a_gap_match_of_pictures_comes_back_as_pictures_scoring_the_same(tmp_path):
    source = tmp_path / "states-pictures.zip"
    with zipfile.ZipFile(source, "w") as package:
        for path in GAP_IMG.iterdir():
            package.write(path, path.name)
    first, second, package = _round_trip(tmp_path, source)
    with zipfile.ZipFile(package) as opened:
        item = parse_xml(opened.read("items/item-1.xml"), "item-1.xml")
        names = set(opened.namelist())
    found = {local(e) for e in item.iter()}
    assert "gapText" not in found
    pictures = [e for e in item.iter() if local(e) == "gapImg"]
    assert [p.get("identifier") for p in pictures] == ["ice", "water", "steam"]
    for picture in pictures:
        (shown,) = list(picture)
        assert local(shown) == "object" and shown.get("type") == "image/svg+xml"
        assert shown.get("data", "").removeprefix("../") in names  # its image travels with it
    (before,), (after,) = first.questions, second.questions
    assert after == before
    assert all(h.startswith("<img ") for h in after.options_html.values())
    assert after.options["ice"] == "A block of ice"  # the alt text, as read the first time
    assert sorted(a.data for a in second.assets) == sorted(a.data for a in first.assets)
    for response in (["ice SOLID", "steam GAS"], ["ice SOLID"], ["ice SOLID", "water GAS"],
                     ["water SOLID", "ice GAS"], []):
        assert scoring.marks(after, response) == scoring.marks(before, response)
    assert scoring.marks(after, ["ice SOLID", "steam GAS"]) == 2
    assert scoring.marks(after, ["ice SOLID", "water GAS"]) == 0

"""Question banks in: Moodle XML, GIFT, .xlsx and .csv, from the repository's own files and from
Moodle's (../shared/moodle-samples); each kind scored as its author said; broken files refused
with their line, and nothing imported."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from hallserver.domain.content import scoring
from hallserver.domain.content.exam_file import read_exam
from hallserver.domain.content.formats import sniff
from hallserver.errors import Invalid
from tests.exams_fixtures import count, empty_hall, hall_cli, ok

OWN = Path(__file__).parent / "content"
MOODLE = Path(__file__).parents[1].parent / "shared" / "moodle-samples"


def shared(path: Path) -> Path:
    """A sample beside the checkout; skipped (failed under CI=true) when it is not there."""
    if not path.exists():
        reason = f"{path} is absent: the third-party samples lie beside the checkout"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}, and CI must run them")
        pytest.skip(reason)
    return path


def _questions(path: Path) -> dict:
    return {q.id: q for q in read_exam(path).content.questions}


@pytest.mark.parametrize(("name", "kind"), [
    ("bank.moodle.xml", "moodle-xml"), ("bank.gift", "gift"), ("questions.csv", "csv"),
    ("questions.xlsx", "xlsx")])
def test_the_format_is_told_by_content_not_by_name(tmp_path, name, kind):
    disguised = tmp_path / "upload.txt"
    shutil.copy(OWN / name, disguised)
    assert sniff(OWN / name) == kind
    assert sniff(disguised) == kind


def test_moodle_xml_each_kind_scores_as_its_fractions_say():
    q = _questions(OWN / "bank.moodle.xml")
    assert (q["unit-of-force"].kind, q["unit-of-force"].max_score) == ("choice", 2)
    force = {text: key for key, text in q["unit-of-force"].options.items()}
    assert scoring.marks(q["unit-of-force"], force["newton"]) == 2
    assert scoring.marks(q["unit-of-force"], force["joule"]) == 0
    vectors = {text: key for key, text in q["vector-quantities"].options.items()}
    assert scoring.marks(q["vector-quantities"], [vectors["velocity"], vectors["force"]]) == 1
    assert scoring.marks(q["vector-quantities"], [vectors["velocity"]]) == 0.5
    assert scoring.marks(q["vector-quantities"], [vectors["velocity"], vectors["mass"]]) == 0  # not below 0
    assert scoring.marks(q["light-speed"], "true") == 1 and scoring.marks(q["light-speed"], "false") == 0
    assert scoring.marks(q["symbol-of-current"], "I") == 1
    assert scoring.marks(q["symbol-of-current"], "A") == 0.5
    assert scoring.marks(q["symbol-of-current"], "i") == 0  # usecase=1: case counts
    assert scoring.marks(q["g-on-earth"], "9.84") == 3 and scoring.marks(q["g-on-earth"], "9,76") == 3
    assert scoring.marks(q["g-on-earth"], "10") == 1.5 and scoring.marks(q["g-on-earth"], "9.7") == 0
    assert scoring.marks(q["capital-cloze"], "Paris") == 1
    assert scoring.marks(q["capital-cloze"], "Lyon") == 0
    assert "answer-gap" in q["capital-cloze"].html


def test_gift_each_kind_scores_as_its_weights_say():
    q = _questions(OWN / "bank.gift")
    peru = {text: key for key, text in q["capital-of-peru"].options.items()}
    assert scoring.marks(q["capital-of-peru"], peru["Lima"]) == 1
    assert scoring.marks(q["capital-of-peru"], peru["Cusco"]) == 0
    assert "Arequipa" in q["capital-of-peru"].options.values()  # feedback left out of the option
    land = {text: key for key, text in q["landlocked"].options.items()}
    assert scoring.marks(q["landlocked"], [land["Bolivia"], land["Paraguay"]]) == 1
    assert scoring.marks(q["landlocked"], [land["Bolivia"], land["Chile"]]) == 0
    assert scoring.marks(q["equator"], "true") == 1
    assert scoring.marks(q["longest-river"], "amazon") == 1  # GIFT short answers ignore case
    assert scoring.marks(q["longest-river"], "Amazonas") == 0.5
    assert scoring.marks(q["andes-height"], "6900") == 1 and scoring.marks(q["andes-height"], "6800") == 0


@pytest.mark.parametrize("name", ["questions.csv", "questions.xlsx"])
def test_spreadsheet_each_kind_scores_as_its_answer_column_says(name):
    q = _questions(OWN / name)
    assert scoring.marks(q["add"], "B") == 1 and scoring.marks(q["add"], "A") == 0
    assert scoring.marks(q["primes"], ["A", "C"]) == 2 and scoring.marks(q["primes"], ["A"]) == 1
    assert scoring.marks(q["even"], "true") == 1
    assert scoring.marks(q["word"], "SEVEN") == 1 and scoring.marks(q["word"], "six") == 0
    assert scoring.marks(q["pi"], "3.141") == 1 and scoring.marks(q["pi"], "3.15") == 0
    assert q["add"].options == {"A": "4", "B": "5", "C": "6", "D": "7"}


@pytest.mark.parametrize("name", ["bank.moodle.xml", "bank.gift"])
def test_an_essay_is_imported_as_an_essay_a_person_marks(tmp_path, name):
    config = empty_hall(tmp_path / "hall")
    done = ok(hall_cli(config, "exam", "import", str(OWN / name), "--duration", "20"))
    assert "unsupported" not in done.output
    assert count(config, "questions") == (8 if name.endswith("xml") else 7)
    essay = _questions(OWN / name)["explain-inertia" if name.endswith("xml") else "describe-a-map"]
    assert essay.kind == "essay" and essay.manual and essay.answer is None
    assert scoring.marks(essay, "Anything at all") == 0  # the hall gives no marks of its own
    if name.endswith("xml"):
        assert (essay.max_score, essay.marking) == (5, {
            "rubric": "Full marks: names mass and resistance to change of motion.",
            "model_answer": None, "word_limit": 300})


def test_a_broken_spreadsheet_names_its_line_and_nothing_changes(tmp_path):
    config = empty_hall(tmp_path / "hall")
    ok(hall_cli(config, "exam", "import", str(OWN / "questions.csv"), "--duration", "20"))
    broken = tmp_path / "questions.csv"
    broken.write_bytes((OWN / "broken.csv").read_bytes())
    result = hall_cli(config, "exam", "import", str(broken), "--duration", "20")
    assert result.exit_code != 0
    assert ("questions.csv, line 3, column 'answer': the answer 'E' is not one of its options (A, B, C)"
            in result.output)
    assert count(config, "exams") == 1 and count(config, "questions") == 5  # the old exam stands


def test_a_gift_brace_left_open_names_its_line(tmp_path):
    broken = tmp_path / "open.gift"
    broken.write_text("::ok:: Fine? {T}\n\n// a comment\n::open:: Never closed {=yes ~no\n")
    with pytest.raises(Invalid, match=r"open.gift, line 4: .* never close"):
        read_exam(broken)


def test_a_file_of_no_known_format_is_named(tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("Just some notes, no questions here.\n")
    with pytest.raises(Invalid, match="notes.txt is not an exam file the hall reads"):
        read_exam(other)


# Moodle's own files: what each makes, or a phrase of each refusal.
MOODLE_RULES = {
    "xml/multichoice.xml": ({"Greeting": "choice"}, []),
    "xml/truefalse.xml": ({"Moodle-acronym-False": "choice", "Moodle-acronym-True": "choice"}, []),
    "xml/matching.xml": ({"matching-001": "match"}, []),
    "xml/multianswer.xml": ({}, ["it has 5 gaps"]),
    "xml/broken_cloze_questions.xml": ({}, [
        "has no gaps", "gives no answers", "it has 1 option(s)", "no answer gives full marks",
        "'zero' is not a number"]),
    "gift/questions.gift.txt": ({"Moodle-activities": "match", "Q2": "choice", "colours": "multiple", "Q5": "text",
                                 "Shortanswer": "text", "Q1": "choice", "2-08-TSL": "choice",
                                 "2-08-TSL-2": "choice", "Q8": "essay"},
                                []),
}


def test_the_rules_cover_every_moodle_sample():
    root = shared(MOODLE)
    on_disk = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name != "README.md"}
    assert on_disk == set(MOODLE_RULES)


@pytest.mark.parametrize("name", sorted(MOODLE_RULES))
def test_each_moodle_sample_is_taken_or_refused_as_the_rules_say(tmp_path, name):
    taken, refusals = MOODLE_RULES[name]
    found = read_exam(shared(MOODLE / name))
    assert {q.id: q.kind for q in found.content.questions} == taken
    assert len(found.refused) == len(refusals)
    for refusal, phrase in zip(found.refused, refusals, strict=True):
        assert phrase in refusal.reason
    for question in found.content.questions:  # the key scores full marks, a wrong answer less
        if question.manual:
            continue  # an essay: a person gives its marks
        assert scoring.marks(question, question.answer) == question.max_score
        wrong = {"choice": next((k for k in question.options if k != question.answer), None),
                 "multiple": [], "text": "no such answer", "match": []}[question.kind]
        assert scoring.marks(question, wrong) < question.max_score
    config = empty_hall(tmp_path / "hall")
    result = hall_cli(config, "exam", "import", str(MOODLE / name), "--duration", "20",
                      "--skip-unsupported")
    assert (result.exit_code == 0) == bool(taken), result.output
    assert count(config, "questions") == len(taken)


def test_moodle_images_embedded_in_the_file_are_served_by_the_hall():
    found = read_exam(shared(MOODLE / "xml/multichoice.xml"))
    (question,) = found.content.questions
    assert len(found.content.assets) == 4 and all(a.media_type == "image/jpeg" for a in found.content.assets)
    assert all("/exam-assets/multichoice/" in html for html in question.options_html.values())
    assert scoring.marks(question, next(k for k, t in question.options.items() if "French" in t)) == 1


def test_gift_numerical_range_and_true_false_forms():
    q = _questions(shared(MOODLE / "gift/questions.gift.txt"))
    assert scoring.marks(q["Q5"], "1") == 1 and scoring.marks(q["Q5"], "5") == 1
    assert scoring.marks(q["Q5"], "6") == 0
    assert scoring.marks(q["Q1"], "false") == 1 and scoring.marks(q["2-08-TSL"], "true") == 1
    assert scoring.marks(q["Shortanswer"], "frog") == 1 and scoring.marks(q["Shortanswer"], "Cat") == 0.5


def test_reading_a_bank_shows_a_bar_on_a_terminal_only(tmp_path):
    from tests.test_results import _on_a_terminal
    config = empty_hall(tmp_path / "hall")
    shown = _on_a_terminal("exam", "import", str(OWN / "bank.gift"), "--duration", "20",
                           "--skip-unsupported", "--config", str(config.base_dir / "hall.toml"))
    assert "reading questions" in shown and "100%" in shown
    quiet = ok(hall_cli(config, "exam", "import", str(OWN / "questions.csv"), "--duration", "20"))
    assert "reading questions" not in quiet.output
    assert quiet.output.strip() == "imported exam questions (questions): 5 questions, 20 minutes"


def test_matching_earns_each_stems_share():
    moodle, gift = _questions(OWN / "bank.moodle.xml"), _questions(OWN / "bank.gift")
    for question, right in ((moodle["units-match"], {"force": "newton", "energy": "joule",
                                                     "power": "watt"}),
                            (gift["rivers"], {"Nile": "Africa", "Amazon": "South America",
                                              "Danube": "Europe"})):
        assert question.kind == "match" and len(question.options) == 4  # one answer a distractor
        stem = {text: key for key, text in question.stems.items()}
        option = {text: key for key, text in question.options.items()}
        pairs = [f"{stem[s]} {option[o]}" for s, o in right.items()]
        assert scoring.marks(question, pairs) == question.max_score
        assert scoring.marks(question, pairs[:2]) == question.max_score * 2 / 3
        wrong = f"{stem[next(iter(right))]} {option[list(right.values())[1]]}"
        assert scoring.marks(question, [wrong]) == 0


def test_a_spreadsheet_with_only_its_header_is_refused_by_name(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("question,answer\n")
    with pytest.raises(Invalid, match="empty.csv has no questions below its first row"):
        read_exam(empty)


TEMPLATES = Path(__file__).parents[1] / "docs" / "templates"
ESSAY_HEADER = ["id", "type", "question", "A", "B", "answer", "marks", "Word limit", "rubric"]
ESSAY_ROWS = [["add", "choice", "What is 2 + 3?", "4", "5", "B", "1", "", ""],
              ["fractions", "essay", "Explain why 1/2 and 2/4 are equal.", "", "", "", "6", "150",
               "Equal parts: 3. An example: 3."]]


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook
    book = Workbook()
    for row in rows:
        book.active.append([None if c == "" else c for c in row])
    book.save(path)
    return path


def _stored(config, exam_id: str):
    from sqlalchemy import create_engine

    from hallserver.domain.content.exams import load_exam
    engine = create_engine(f"sqlite:///{config.database_path}")
    try:
        with engine.connect() as connection:
            return load_exam(connection, exam_id)
    finally:
        engine.dispose()


def _csv(path: Path, rows: list[list[object]]) -> Path:
    import csv
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.mark.parametrize("write", [_xlsx, _csv], ids=["xlsx", "csv"])
def test_a_spreadsheet_essay_row_is_an_essay_with_its_marks_and_word_limit(tmp_path, write):
    # a teacher's sheet: the limit typed as a number in Excel, a choice row beside the essay
    rows = [ESSAY_HEADER, ESSAY_ROWS[0], [*ESSAY_ROWS[1][:6], 6, 150, ESSAY_ROWS[1][8]]]
    source = write(tmp_path / f"essays.{write.__name__[1:]}", rows)
    config = empty_hall(tmp_path / "hall")
    done = ok(hall_cli(config, "exam", "import", str(source), "--duration", "30"))
    assert "unsupported" not in done.output and count(config, "questions") == 2
    listed = json.loads(ok(hall_cli(config, "exam", "list", "--json")).output)[0]
    assert (listed["questions"], listed["max_score"]) == (2, 7)
    essay = _stored(config, "essays").questions[1]
    assert (essay.kind, essay.manual, essay.answer, essay.max_score) == ("essay", True, None, 6)
    assert essay.marking == {"rubric": "Equal parts: 3. An example: 3.", "model_answer": None,
                             "word_limit": 150}
    assert scoring.marks(essay, "Any text at all") == 0  # a marker gives its marks


def test_a_sheet_of_essays_alone_needs_no_answer_column(tmp_path):
    source = _csv(tmp_path / "essays.csv", [["type", "question", "marks", "model answer"],
                                            ["essay", "Describe your town.", "10", "Mine has a market."]])
    assert sniff(source) == "csv"
    (essay,) = read_exam(source).content.questions
    assert (essay.kind, essay.max_score, essay.marking["model_answer"], essay.marking["word_limit"]) == (
        "essay", 10, "Mine has a market.", None)


@pytest.mark.parametrize(("row", "named"), [
    (["bad", "essay", "Explain.", "yes", "", "", "5", "", ""],
     "row 3, column 'A': an essay has no options (a person marks it): leave it empty"),
    (["bad", "essay", "Explain.", "", "", "Because.", "5", "", ""],
     "row 3, column 'answer': an essay has no answer to match (a person marks it): leave it empty; "
     "a model answer for its marker goes in a 'model answer' column"),
    (["bad", "essay", "Explain.", "", "", "", "5", "many", ""],
     "row 3, column 'Word limit': the word limit 'many' is not a whole number of words from 1 to 20000"),
    (["bad", "essay", "Explain.", "", "", "", "5", "0", ""],
     "row 3, column 'Word limit': the word limit '0' is not a whole number"),
    (["bad", "choice", "What is 1 + 1?", "2", "3", "A", "1", "100", ""],
     "row 3, column 'Word limit': only an essay has a word limit"),
    (["bad", "essay", "Explain.", "", "", "", "none", "", ""],
     "row 3, column 'marks': marks 'none' is not a number"),
    (["bad", "choice", "What is 1 + 1?", "2", "3", "", "1", "", ""],
     "row 3, column 'answer': the question has no answer"),
])
def test_a_bad_essay_row_is_refused_naming_its_row_and_column_and_nothing_is_stored(tmp_path, row, named):
    config = empty_hall(tmp_path / "hall")
    ok(hall_cli(config, "exam", "import", str(OWN / "questions.csv"), "--duration", "20"))
    source = _xlsx(tmp_path / "questions.xlsx", [ESSAY_HEADER, ESSAY_ROWS[0], row])
    result = hall_cli(config, "exam", "import", str(source), "--duration", "20")
    assert result.exit_code != 0 and f"questions.xlsx, {named}" in result.output, result.output
    assert count(config, "exams") == 1 and count(config, "questions") == 5  # the old exam stands


def test_rows_keep_the_numbers_the_sheet_shows_past_blank_rows(tmp_path):
    source = _xlsx(tmp_path / "gaps.xlsx", [ESSAY_HEADER, ESSAY_ROWS[0], [], [],
                                            ["bad", "essay", "Explain.", "x", "", "", "5", "", ""]])
    with pytest.raises(Invalid, match=r"gaps.xlsx, row 5, column 'A'"):
        read_exam(source)
    quoted = _csv(tmp_path / "quoted.csv", [ESSAY_HEADER, ["add", "choice", "Two\nlines?", "4", "5", "B"],
                                            ["bad", "choice", "What?", "4", "5", "C"]])
    with pytest.raises(Invalid, match=r"quoted.csv, line 4, column 'answer'"):
        read_exam(quoted)


@pytest.mark.parametrize("name", ["questions.csv", "questions.xlsx"])
def test_the_readmes_templates_import_with_their_essay(name):
    questions = _questions(TEMPLATES / name)
    assert [q.kind for q in questions.values()] == ["choice", "multiple", "choice", "text", "text", "essay"]
    assert questions["fractions"].marking["word_limit"] == 150 and questions["fractions"].max_score == 5

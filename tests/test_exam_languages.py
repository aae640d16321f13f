"""An exam file's language and tools: checked on import, stored, on the candidate's paper; the
marks of the tools saved with the session only where the exam allows them, never scored."""

from __future__ import annotations

import json
import re

import pytest

from hallserver.app import create_app
from hallserver.domain.content.exam_file import parse_exam_file, read_exam
from hallserver.errors import Invalid
from tests.conftest import login
from tests.halls import EXAM, make_hall

SAVE = "/student/exam/MTH101/session/save"
RESTORE = "/student/exam/MTH101/session/restore"
TOOLS = {"calculator": "basic", "eliminator": True, "highlighter": True}


@pytest.fixture
def hall_config(tmp_path):
    """The tests' hall, its exam in French with every tool but the scientific calculator."""
    return make_hall(tmp_path / "hall", exam={**EXAM, "language": "fr", "tools": TOOLS})


@pytest.mark.parametrize(("field", "value", "where"), [
    ("language", "français", "language"),
    ("language", 42, "language"),
    ("tools", {"calculator": "graphing"}, "tools.calculator"),
    ("tools", {"eliminator": "yes"}, "tools.eliminator"),
    ("tools", {"ruler": True}, "tools.ruler"),
])
def test_a_wrong_language_or_tool_is_refused_saying_where(tmp_path, field, value, where):
    """The file's problem names its place: `language`, `tools.calculator`..."""
    path = tmp_path / "exam.json"
    path.write_text(json.dumps({**EXAM, field: value}), encoding="utf-8")
    with pytest.raises(Invalid, match=rf"^exam\.json: {re.escape(where)}: "):
        parse_exam_file(path)


def test_without_the_fields_an_exam_is_english_without_tools(tmp_path):
    """Absent fields: English, no tools (CONTRACT.md)."""
    path = tmp_path / "exam.json"
    path.write_text(json.dumps(EXAM), encoding="utf-8")
    content = parse_exam_file(path).to_content()
    assert content.language == "en" and content.tools.to_json() == {}


async def test_the_paper_carries_the_language_and_the_tools(hall_client):
    """The candidate's paper says which language the exam starts in and which tools it allows."""
    await login(hall_client)
    paper = await (await hall_client.get("/student/exam/MTH101")).json()
    assert paper["exam"]["language"] == "fr"
    assert paper["exam"]["tools"] == TOOLS


async def test_tool_marks_are_kept_with_the_session_and_never_scored(hall_client):
    """Struck-out options, highlights and the chosen language come back in restore; the score
    counts answers only."""
    await login(hall_client)
    marks = {"eliminated": {"1": ["A", "C"]}, "highlights": {"1": [[0, 5]]}, "language": "ar"}
    response = await hall_client.post(SAVE, json={"answers": {"1": "B"}, "tool_state": marks, "device_seq": 1})
    assert response.status == 200, await response.text()
    data = (await (await hall_client.get(RESTORE)).json())["session_data"]
    assert data["tool_state"] == marks and data["answers"] == {"1": "B"}
    done = await (await hall_client.post("/student/exam/MTH101/session/complete", json={})).json()
    assert done["completed"] is True


@pytest.mark.parametrize(("marks", "field"), [
    ({"eliminated": {"99": ["A"]}}, "tool_state.eliminated.99"),
    ({"eliminated": {"1": ["Z"]}}, "tool_state.eliminated.1"),
    ({"highlights": {"1": [[0]]}}, None),
    ({"language": "not a tag"}, None),
])
async def test_wrong_tool_marks_get_the_error_shape_and_change_nothing(hall_client, marks, field):
    """Marks of a question or option the exam lacks, or of a wrong shape: 422, nothing saved."""
    await login(hall_client)
    response = await hall_client.post(SAVE, json={"answers": {"2": "B"}, "tool_state": marks})
    body = await response.json()
    assert response.status == 422 and set(body["error"]) >= {"code", "message"}
    if field:
        assert body["error"].get("field") == field
    data = (await (await hall_client.get(RESTORE)).json()).get("session_data") or {}
    assert not data.get("answers") and data.get("tool_state") is None


async def test_marks_of_a_tool_the_exam_does_not_allow_are_refused(aiohttp_client, tmp_path, clock):
    """An exam without the eliminator refuses struck-out options."""
    config = make_hall(tmp_path / "plain")
    client = await aiohttp_client(create_app(config, clock))
    await login(client)
    response = await client.post(SAVE, json={"tool_state": {"eliminated": {"1": ["A"]}}})
    body = await response.json()
    assert response.status == 422
    assert body["error"]["message"] == "Exam MTH101 does not allow the eliminator."


ARABIC_ITEM = """<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p2" identifier="q1" title="جمع"
    adaptive="false" timeDependent="false" xml:lang="ar">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>B</value></correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">
      <prompt>كم يساوي 2 + 2؟</prompt>
      <simpleChoice identifier="A">3</simpleChoice>
      <simpleChoice identifier="B">4</simpleChoice>
    </choiceInteraction>
  </itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p2/rptemplates/match_correct"/>
</assessmentItem>
"""


def test_a_qti_items_xml_lang_sets_the_exams_language(tmp_path):
    """QTI's xml:lang is the exam's language; without one, English."""
    path = tmp_path / "item.xml"
    path.write_text(ARABIC_ITEM, encoding="utf-8")
    assert read_exam(path).content.language == "ar"
    path.write_text(ARABIC_ITEM.replace(' xml:lang="ar"', ""), encoding="utf-8")
    assert read_exam(path).content.language == "en"

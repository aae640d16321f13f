"""QTI 2.1 results reporting: one `assessmentResult` per candidate and exam, in a zip.

Each holds the context (the candidate's registration number, the hall's session), the test's
result (SCORE, MAXSCORE, completion) and an itemResult per question with the candidate's
response and the question's SCORE and MAXSCORE, as the imsqti_result_v2p1 schema orders them.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from hallserver.domain.content.answer_kinds import RESPONSES
from hallserver.domain.content.exam_content import Question

RESULT = "http://www.imsglobal.org/xsd/imsqti_result_v2p1"
SCHEMA = f"{RESULT} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_result_v2p1.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _response_shape(question: Question | None) -> tuple[str, str, str]:
    """(identifier, cardinality, baseType) of a question's response, as its item declares it."""
    if question is not None and question.scoring is not None:
        name = question.scoring["response"]
        declared = question.scoring["declarations"]["responses"][name]
        return name, declared["cardinality"], declared["base_type"]
    if question is None or question.kind in ("text", "essay"):
        return "RESPONSE", "single", "string"
    if question.kind in RESPONSES:
        return "RESPONSE", *RESPONSES[question.kind]
    return "RESPONSE", ("multiple" if question.kind == "multiple" else "single"), "identifier"


def _values(parent: Element, values: Iterable[Any]) -> None:
    for value in values:
        SubElement(parent, "value").text = str(value)


def _outcome(parent: Element, name: str, value: Any, base_type: str = "float") -> None:
    element = SubElement(parent, "outcomeVariable", identifier=name, cardinality="single",
                         baseType=base_type)
    _values(element, [value])


def assessment_result(row: dict[str, Any], questions: dict[str, Question], hall_id: str) -> bytes:
    """The assessmentResult of one completed session (a row of `completed_results`)."""
    stamp = row["completed_at"] or row["started_at"] or "1970-01-01T00:00:00Z"
    root = Element("assessmentResult", {"xmlns": RESULT, "xmlns:xsi": XSI, "xsi:schemaLocation": SCHEMA})
    context = SubElement(root, "context", sourcedId=row["registration_number"])
    SubElement(context, "sessionIdentifier", sourceID=f"urn:examhall:hall:{hall_id}",
               identifier=f"{row['exam_id']}/{row['registration_number']}")
    test = SubElement(root, "testResult", identifier=row["exam_id"], datestamp=stamp)
    _outcome(test, "SCORE", row["score"])
    _outcome(test, "MAXSCORE", row["max_score"])
    _outcome(test, "completionStatus", "completed", "identifier")
    for shown in row["questions"]:
        waiting = shown["outcome"] == "unmarked"  # an essay a marker has not marked yet
        item = SubElement(root, "itemResult", identifier=shown["id"], datestamp=stamp,
                          sessionStatus="pendingResponseProcessing" if waiting else "final")
        name, cardinality, base_type = _response_shape(questions.get(shown["id"]))
        variable = SubElement(item, "responseVariable", identifier=name,
                              cardinality=cardinality, baseType=base_type)
        response = shown["response"]
        given = response if isinstance(response, list) else ([] if response is None else [response])
        _values(SubElement(variable, "candidateResponse"), given)
        _outcome(item, "SCORE", shown["marks"])
        _outcome(item, "MAXSCORE", shown["max_marks"])
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode").encode()


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "_"


def write_results(target: Path, rows: Iterable[dict[str, Any]],
                  questions: Callable[[str], dict[str, Question]], hall_id: str) -> int:
    """A zip of `EXAM/REGISTRATION.xml` assessmentResults; how many it holds."""
    written = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for row in rows:
            name = f"{_safe(row['exam_id'])}/{_safe(row['registration_number'])}.xml"
            package.writestr(name, assessment_result(row, questions(row["exam_id"]), hall_id))
            written += 1
    return written

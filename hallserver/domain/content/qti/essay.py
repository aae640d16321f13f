"""An essay in QTI: an item with one extendedTextInteraction, read and written back the same.

Read: the stem (the interaction's prompt stays in it), full marks from MAXSCORE's default (else
SCORE's normalMaximum, else 1 with a warning), the marker's rubric from `rubricBlock`s viewed by
the scorer, and the model answer from the response's correctResponse. QTI has no word limit: the
hall writes it as a class on the interaction (`examhall-word-limit-N`, a class any QTI player
ignores) and reads it back; likewise `examhall-manual` on another interaction says a person marks
that question. Refused: responses other than one string (several strings, a file).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from hallserver.domain.content import essays
from hallserver.domain.content.exam_content import Question
from hallserver.domain.content.qti.processing import Unsupported
from hallserver.domain.content.qti.xml import child, children, local
from hallserver.domain.content.sanitise import sanitise_html

INTERACTION = "extendedTextInteraction"
MANUAL_CLASS = "examhall-manual"   # on any other interaction: a person marks it
_LIMIT = re.compile(r"\bexamhall-word-limit-(\d+)\b")


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _full_marks(item: Element, question_id: str, warnings: list[str]) -> float:
    for declared in children(item, "outcomeDeclaration"):
        name = declared.get("identifier")
        default = child(declared, "defaultValue")
        value = child(default, "value") if default is not None else None
        if name == "MAXSCORE" and value is not None and (_number(value.text) or 0) > 0:
            return float(value.text or 0)
        if name == "SCORE" and (_number(declared.get("normalMaximum")) or 0) > 0:
            return float(declared.get("normalMaximum") or 0)
    warnings.append(f"{question_id}: an essay without MAXSCORE or normalMaximum; marked out of 1")
    return 1.0


def _rubric(item: Element) -> str | None:
    body = child(item, "itemBody")
    blocks = [b for b in (body.iter() if body is not None else ())
              if local(b) == "rubricBlock" and "scorer" in (b.get("view") or "").split()]
    lines = []
    for block in blocks:
        paragraphs = list(children(block, "p"))
        lines += ["".join(p.itertext()) for p in paragraphs] if paragraphs else \
            ["".join(block.itertext()).strip()]
    return "\n".join(lines) or None


def _model_answer(declaration: Element | None) -> str | None:
    correct = child(declaration, "correctResponse") if declaration is not None else None
    value = child(correct, "value") if correct is not None else None
    return (value.text or None) if value is not None else None


def read_essay(item: Element, interaction: Element, response: dict[str, Any], stem_html: str,
               question_id: str) -> tuple[Question, list[str]]:
    """The essay an item makes, and warnings; Unsupported when its response is not one text."""
    if response["cardinality"] != "single" or response["base_type"] != "string":
        raise Unsupported(f"its extended text is {response['cardinality']} {response['base_type']}; "
                          "the hall takes one string (an essay)")
    declaration = next((d for d in children(item, "responseDeclaration")
                        if d.get("identifier") == interaction.get("responseIdentifier")), None)
    warnings: list[str] = []
    limit = _LIMIT.search(interaction.get("class") or "")
    stem = sanitise_html(stem_html)
    question = essays.essay(question_id, stem, _full_marks(item, question_id, warnings),
                            rubric=_rubric(item), model_answer=_model_answer(declaration),
                            word_limit=int(limit.group(1)) if limit else None)
    if not question.text:
        question = replace(question, text=item.get("title", question_id))
    return question, warnings


def _declarations(item: Element, question: Question) -> None:
    declared = SubElement(item, "responseDeclaration", identifier="RESPONSE", cardinality="single",
                          baseType="string")
    model = (question.marking or {}).get("model_answer")
    if model:
        SubElement(SubElement(declared, "correctResponse"), "value").text = model
    SubElement(item, "outcomeDeclaration", identifier="SCORE", cardinality="single",
               baseType="float")
    maximum = SubElement(item, "outcomeDeclaration", identifier="MAXSCORE", cardinality="single",
                         baseType="float")
    SubElement(SubElement(maximum, "defaultValue"), "value").text = f"{question.max_score:.10g}"


def essay_interaction(question: Question) -> Element:
    """The extendedTextInteraction of an essay (its word limit as a class)."""
    limit = (question.marking or {}).get("word_limit")
    attributes = {"responseIdentifier": "RESPONSE"}
    if limit:
        attributes["class"] = f"examhall-word-limit-{limit}"
    return Element(INTERACTION, attributes)


def essay_item(item: Element, question: Question, append_body: Callable[[Element, Element], None]) -> Element:
    """Fills `item` (an assessmentItem) as the essay: declarations, body, the scorer's rubric.

    `append_body(body, interaction)` writes the stem with the interaction in it."""
    _declarations(item, question)
    body = SubElement(item, "itemBody")
    append_body(body, essay_interaction(question))
    rubric = (question.marking or {}).get("rubric")
    if rubric:
        block = SubElement(body, "rubricBlock", view="scorer")
        for line in rubric.split("\n"):
            SubElement(block, "p").text = line
    return item


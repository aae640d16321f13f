"""Scoring: the marks of each answer, and the result of a whole paper with each question's outcome.

A QTI item is scored by its own response processing (`qti.evaluate`); a question of a JSON exam
by the hall's rule for its kind: the key for a choice, the same set of keys for a multiple, one of
the expected texts (spaces and, unless asked, case ignored) for a text entry. A result records
the marks of every question and the answer-key version it was scored with, so that a corrected
key can rescore it (`results.rescore`). A question a person marks (an essay, or one its exam file
marks as manual) earns what its marker gave (`given`, kept in the result) and, until then,
nothing: the result lists it as `unmarked` while an answer waits for its mark.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hallserver.domain.content import answer_kinds
from hallserver.domain.content.exam_content import Question
from hallserver.domain.content.qti.evaluate import ScoringError, score

def number(value: float) -> int | float:
    """A mark as JSON shows it best: 2, not 2.0; no float noise."""
    rounded = round(float(value), 6)
    return int(rounded) if rounded.is_integer() else rounded


def answered(answer: Any) -> bool:
    """True when the candidate gave something (not None, not an empty text or list)."""
    if isinstance(answer, str):
        return answer.strip() != ""
    return bool(answer)


def _normal(text: str, case_sensitive: bool) -> str:
    text = " ".join(text.split())
    return text if case_sensitive else text.casefold()


def _own_rule(question: Question, answer: Any) -> float:
    key = question.answer
    if key is None:
        return 0.0
    if question.kind in answer_kinds.KINDS:
        right = answer_kinds.right(question, answer)
    elif question.kind == "multiple":
        right = isinstance(answer, list) and sorted(answer) == sorted(key)
    elif question.kind == "text":
        expected = key if isinstance(key, list) else [key]
        right = isinstance(answer, str) and _normal(answer, question.case_sensitive) in {
            _normal(e, question.case_sensitive) for e in expected}
    else:
        right = answer == key
    return question.max_score if right else 0.0


def marks(question: Question, answer: Any) -> float:
    """The marks an answer earns; 0 for no answer and for one the rules cannot take."""
    if not answered(answer):
        answer = None
    if question.scoring is None:
        return _own_rule(question, answer)
    try:
        return score(question.scoring, answer)
    except ScoringError:
        return 0.0  # e.g. an answer of a shape an item's rules cannot compare: no marks


def outcome(earned: float, full: float, answer: Any, unmarked: bool = False) -> str:
    """"correct", "partial", "incorrect", "unanswered" or "unmarked" (waiting for a marker)."""
    if not answered(answer):
        return "unanswered"
    if unmarked:
        return "unmarked"
    if earned >= full:
        return "correct"
    return "partial" if earned > 0 else "incorrect"


def score_answers(questions: Iterable[Question], answers: dict[str, Any],
                  key_version: int = 1, given: dict[str, Any] | None = None) -> dict[str, Any]:
    """The result of a paper: total, full marks, and per question its marks and outcome.

    `given`: {question id: {"marks", "comment", "by", "at"}} of the questions a person marks."""
    earned: dict[str, int | float] = {}
    full: dict[str, int | float] = {}
    outcomes: dict[str, bool] = {}
    given = given or {}
    unmarked = []
    for question in questions:
        if question.manual:
            mark = given.get(question.id)
            got = float(mark["marks"]) if mark else 0.0
            if mark is None and answered(answers.get(question.id)):
                unmarked.append(question.id)
        else:
            got = marks(question, answers.get(question.id))
        earned[question.id] = number(got)
        full[question.id] = number(question.max_score)
        outcomes[question.id] = got >= question.max_score
    return {"score": number(sum(earned.values())), "max_score": number(sum(full.values())),
            "outcomes": outcomes, "marks": earned, "max_marks": full, "key_version": key_version,
            **({"given": given, "unmarked": unmarked} if given or unmarked else {})}

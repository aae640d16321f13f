"""Matching questions: the answer is a list of pairs "STEM OPTION", each stem joined to one option."""

from __future__ import annotations

from typing import Any

from hallserver.domain.content.exam_content import Question


def pairs_error(question: Question, answer: Any) -> str | None:
    """Why an answer is not pairs of this question's stems and options; None when it is."""
    qid = question.id
    if not isinstance(answer, list) or not all(isinstance(p, str) for p in answer):
        return f"Question {qid} takes a list of pairs \"STEM OPTION\", not {type(answer).__name__}."
    joined: set[str] = set()
    for pair in answer:
        parts = pair.split(" ")
        if len(parts) != 2 or parts[0] not in question.stems or parts[1] not in question.options:
            return (f"Question {qid} has no pair {pair!r}; a pair is a stem ({', '.join(question.stems)}) "
                    f"and an option ({', '.join(question.options)}) apart by a space.")
        if parts[0] in joined and question.max_choices == 1:
            return f"The answer to question {qid} joins {parts[0]} to more than one option."
        if pair in answer[:answer.index(pair)]:
            return f"The answer to question {qid} gives the pair {pair!r} twice."
        joined.add(parts[0])
    return None

"""Questions a person marks: essays, and any question an exam file marks as manual.

An essay's answer is the candidate's text (up to `MAX_ESSAY` characters). The hall gives it no
marks of its own: it waits for a marker (`domain/content/marking.py`). What the marker needs
travels with the question as its `marking`: a rubric, a model answer, and the word limit the
candidate was shown. None of it ever reaches a candidate's page except the word limit.
"""

from __future__ import annotations

import re
from typing import Any

from hallserver.domain.content.exam_content import Question
from hallserver.domain.content.sanitise import plain_text, sanitise_html

MAX_ESSAY = 50_000           # characters: about 8,000 words, well past any exam essay
_WORD = re.compile(r"\S+")


def marking_of(rubric: str | None = None, model_answer: str | None = None,
               word_limit: int | None = None) -> dict[str, Any]:
    """What a marker is shown beside a response (and the candidate's word limit)."""
    return {"rubric": rubric or None, "model_answer": model_answer or None,
            "word_limit": word_limit or None}


def essay(qid: str, stem_html: str, marks: float, **marking: Any) -> Question:
    """An essay question: the stem, full marks, and what its marker is shown."""
    stem = sanitise_html(stem_html)
    return Question(id=qid, kind="essay", text=plain_text(stem), html=stem, options={},
                    answer=None, max_score=marks, marking=marking_of(**marking))


def word_count(text: str) -> int:
    """Words as the candidate's page counts them: runs of non-space characters."""
    return len(_WORD.findall(text))


def words_over_limit(question: Question, text: object) -> int:
    """How many words an essay's text runs past its word limit (0 within it, or with none).

    The limit is never enforced on the candidate: the page warns, the text is kept whole, and
    the marker is shown the overrun to weigh as the rubric says."""
    limit = (question.marking or {}).get("word_limit")
    if not limit or not isinstance(text, str):
        return 0
    return max(0, word_count(text) - limit)


def shape_error(question: Question, answer: Any) -> str | None:
    """Why an answer is not an essay's text; None when it is."""
    if not isinstance(answer, str):
        return f"Question {question.id} takes typed text (a string), not {type(answer).__name__}."
    if len(answer) > MAX_ESSAY:
        return f"The answer to question {question.id} is longer than {MAX_ESSAY} characters."
    return None

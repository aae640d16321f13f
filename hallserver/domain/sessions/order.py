"""Each candidate's order of questions and options: deterministic, then stored with the session.

The order is drawn from (hall id, exam id, registration number), so the same candidate gets the
same order on any PC, and two candidates (almost always) different ones. It is computed once, when
the session starts, and stored with it: a later change of this algorithm or of the hall id never
reorders a running session. Options (and questions) marked fixed keep their places; the others
are shuffled among the remaining places. Without fixed items the draw is the one schema 0002 made.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import Any

from hallserver.domain.content.exam_content import Question

ORDER_VERSION = 1


def shuffled(items: Sequence[str], seed: str, fixed: Sequence[str] = ()) -> list[str]:
    """`items` shuffled by `seed`; those in `fixed` stay where they are."""
    rng = random.Random(hashlib.sha256(seed.encode()).digest())
    movable = [item for item in items if item not in fixed]
    rng.shuffle(movable)
    drawn = iter(movable)
    return [item if item in fixed else next(drawn) for item in items]


def _shuffles_options(question: Question, exam_shuffles: bool) -> bool:
    return question.kind != "text" and (exam_shuffles if question.shuffle is None else question.shuffle)


def question_order(exam: Any, hall_id: str, registration_number: str) -> dict[str, Any]:
    """This candidate's order of questions and of each question's options."""
    seed = f"{hall_id}|{exam.id}|{registration_number}"
    ids = [q.id for q in exam.questions]
    if exam.shuffle_questions:
        ids = shuffled(ids, seed, [q.id for q in exam.questions if q.fixed])
    options = {}
    for question in exam.questions:
        keys = list(question.options)
        if _shuffles_options(question, exam.shuffle_options):
            keys = shuffled(keys, f"{seed}|{question.id}", question.fixed_options)
        options[question.id] = keys
    return {"version": ORDER_VERSION, "questions": ids, "options": options}


def frozen(order: dict[str, Any]) -> dict[str, Any]:
    """The order as a cached session holds it: tuples instead of lists. Tuples of strings drop
    out of the garbage collector's sight; lists never do, and a hall of 10,000 cached sessions
    would otherwise add ~20 lists each to every collection's work."""
    return {**order, "questions": tuple(order.get("questions", ())),
            "options": {question_id: tuple(keys)
                        for question_id, keys in order.get("options", {}).items()}}


def in_order(exam: Any, order: dict[str, Any]) -> list[tuple[Question, list[str]]]:
    """The exam's questions, each with its option keys, in a stored order.

    A question or option the order does not name (it cannot change once a session has started,
    but a stored order is data) is put after those it names, in the author's order.
    """
    by_id = {q.id: q for q in exam.questions}
    ids = [i for i in order.get("questions", []) if i in by_id]
    ids += [q.id for q in exam.questions if q.id not in ids]
    laid_out = []
    for question_id in ids:
        question = by_id[question_id]
        keys = [k for k in order.get("options", {}).get(question_id, []) if k in question.options]
        keys += [k for k in question.options if k not in keys]
        laid_out.append((question, keys))
    return laid_out

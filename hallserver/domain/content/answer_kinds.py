"""The question kinds beyond choice, text and match: the answers each takes, what the paper shows.

    inline      one option key, chosen in the gap of the text
    order       option keys in the candidate's order (each at most once)
    hottext     keys of the words chosen in the text (at most `max_choices` when it is set)
    gap_match   pairs "TEXT GAP": a gap text (an option) put in a gap (a stem), one text a gap
    associate   pairs "A B" of two different options, each pair once (A B is B A)
    hotspot     keys of the areas chosen on the image (at most `max_choices` when it is set)
    point       points "X Y" put on the image, whole pixels of the image (at most `max_choices`)

Answers are whole values like every other answer: saved, journaled and merged the same way.
"""

from __future__ import annotations

from typing import Any

from hallserver.domain.content.exam_content import Question
from hallserver.domain.content.qti.points import point

KINDS = ("inline", "order", "hottext", "gap_match", "associate", "hotspot", "point")
# The QTI response each kind answers: (cardinality, baseType).
RESPONSES = {"inline": ("single", "identifier"), "order": ("ordered", "identifier"),
             "hottext": ("multiple", "identifier"), "gap_match": ("multiple", "directedPair"),
             "associate": ("multiple", "pair"), "hotspot": ("multiple", "identifier"),
             "point": ("multiple", "point")}


def _list_of_strings(question: Question, answer: Any, what: str) -> str | None:
    if not isinstance(answer, list) or not all(isinstance(item, str) for item in answer):
        return f"Question {question.id} takes a list of {what}, not {type(answer).__name__}."
    if len(set(answer)) != len(answer):
        return f"The answer to question {question.id} gives the same {what[:-1]} twice."
    return None


def _keys_error(question: Question, answer: list[str]) -> str | None:
    for key in answer:
        if key not in question.options:
            return (f"Question {question.id} has no option {key!r}; its options are "
                    f"{', '.join(question.options)}.")
    if question.max_choices and len(answer) > question.max_choices:
        return f"Question {question.id} takes at most {question.max_choices} options."
    return None


def _gap_pairs_error(question: Question, answer: list[str]) -> str | None:
    filled: set[str] = set()
    for pair in answer:
        parts = pair.split(" ")
        if len(parts) != 2 or parts[0] not in question.options or parts[1] not in question.stems:
            return (f"Question {question.id} has no pair {pair!r}; a pair is a gap text "
                    f"({', '.join(question.options)}) and a gap ({', '.join(question.stems)}).")
        if parts[1] in filled:
            return f"The answer to question {question.id} puts two texts in gap {parts[1]}."
        filled.add(parts[1])
    return None


def _associations_error(question: Question, answer: list[str]) -> str | None:
    seen: set[frozenset[str]] = set()
    for pair in answer:
        parts = pair.split(" ")
        if len(parts) != 2 or parts[0] == parts[1] or not all(p in question.options for p in parts):
            return (f"Question {question.id} has no pair {pair!r}; a pair is two different options "
                    f"({', '.join(question.options)}) apart by a space.")
        if frozenset(parts) in seen:
            return f"The answer to question {question.id} gives the pair {pair!r} twice."
        seen.add(frozenset(parts))
    if question.max_choices and len(answer) > question.max_choices:
        return f"Question {question.id} takes at most {question.max_choices} pairs."
    return None


def _points_error(question: Question, answer: list[str]) -> str | None:
    for where in answer:
        if point(where) != where:
            return f"Question {question.id} takes points \"X Y\" in whole pixels, not {where!r}."
    if question.max_choices and len(answer) > question.max_choices:
        return f"Question {question.id} takes at most {question.max_choices} points."
    return None


def shape_error(question: Question, answer: Any) -> str | None:
    """Why an answer does not fit its question of one of these kinds; None when it does."""
    if question.kind == "inline":
        if isinstance(answer, str) and answer in question.options:
            return None
        return f"Question {question.id} takes one of its options ({', '.join(question.options)})."
    what = {"gap_match": "pairs", "associate": "pairs", "point": "points"}.get(question.kind, "option keys")
    problem = _list_of_strings(question, answer, what)
    if problem:
        return problem
    if question.kind == "gap_match":
        return _gap_pairs_error(question, answer)
    if question.kind == "associate":
        return _associations_error(question, answer)
    if question.kind == "point":
        return _points_error(question, answer)
    return _keys_error(question, answer)


def paper_fields(question: Question) -> dict[str, Any]:
    """What the paper adds for these kinds: how many may be chosen, a gap match's gaps."""
    if question.kind == "gap_match":
        return {"stems": question.stems}
    if question.kind in ("hotspot", "point"):
        return {"areas": question.areas, "min_choices": question.min_choices,
                "max_choices": question.max_choices}
    if question.kind in ("order", "hottext", "associate"):
        return {"min_choices": question.min_choices, "max_choices": question.max_choices}
    return {}


def right(question: Question, answer: Any) -> bool:
    """The hall's own rule (questions of our JSON format): the answer is the key."""
    key = question.answer
    if question.kind in ("inline", "order"):
        return answer == key
    if not isinstance(answer, list):
        return False
    if question.kind == "associate":
        return sorted(" ".join(sorted(p.split())) for p in answer) == sorted(
            " ".join(sorted(p.split())) for p in key)
    return sorted(answer) == sorted(key)

"""The other kinds (`answer_kinds`) as our JSON exam file writes them (CONTRACT.md "Exam files").

    inline      "text" has one gap, three or more underscores (___); "options" are the words for
                it; "answer" is one option key
    order       "options" in any order; "answer" is every option key in the right order
    gap_match   "text" has gaps (___), named G1, G2... in reading order; "options" are the words
                for them; "answer" is pairs "KEY G1"
    hottext     "text" names each option where it stands, {key}; "answer" is the keys to choose
    associate   "options"; "answer" is pairs "KEY KEY" that go together

Each is scored by the hall's own rule: the whole answer right, full marks; otherwise none.
"""

from __future__ import annotations

import html
import re
from typing import Any

from hallserver.domain.content.answer_kinds import KINDS
from hallserver.domain.content.exam_content import Question
from hallserver.domain.content.sanitise import GAP_CLASS, HOTTEXT_CLASS, INTERACTION_CLASS

GAP = re.compile(r"_{3,}")
PLACE = re.compile(r"\{([^{}\s]+)\}")

__all__ = ["KINDS", "check", "to_question"]


def _gaps(text: str) -> list[str]:
    return [f"G{n}" for n in range(1, len(GAP.findall(text)) + 1)]


def _pairs(answer: Any, first: set[str], second: set[str], what: str) -> None:
    if not isinstance(answer, list):
        raise ValueError(f"the answer of {what} question is a list of pairs")
    for pair in answer:
        parts = pair.split(" ")
        if len(parts) != 2 or parts[0] not in first or parts[1] not in second or parts[0] == parts[1]:
            raise ValueError(f"answer {pair!r} is not a pair of {what} question")


def check(kind: str, text: str, options: dict[str, str], answer: Any) -> None:
    """ValueError saying what is wrong with a question of one of these kinds."""
    keys = set(options)
    if kind != "hottext" and len(options) < (1 if kind == "gap_match" else 2):
        raise ValueError(f"a question of kind {kind} needs at least 2 options")
    if kind == "inline":
        if len(GAP.findall(text)) != 1:
            raise ValueError("an inline question's text has one gap, written ___")
        if answer not in keys:
            raise ValueError(f"answer {answer!r} is not one of the options {', '.join(options)}")
    elif kind == "order":
        if not isinstance(answer, list) or sorted(answer) != sorted(keys):
            raise ValueError("the answer of an order question is every option key, in order")
    elif kind == "gap_match":
        if not _gaps(text):
            raise ValueError("a gap_match question's text has gaps, each written ___")
        _pairs(answer, keys, set(_gaps(text)), "a gap_match")
    elif kind == "hottext":
        placed = PLACE.findall(text)
        if not keys or sorted(placed) != sorted(keys):
            raise ValueError("a hottext question's text names each option once, as {key}")
        if not isinstance(answer, list) or not set(answer) <= keys:
            raise ValueError("the answer of a hottext question is a list of option keys")
    else:
        _pairs(answer, keys, keys, "an associate")


def _html(kind: str, text: str, options: dict[str, str]) -> str:
    parts = GAP.split(text) if kind in ("inline", "gap_match") else PLACE.split(text)
    gap = f'<span class="{GAP_CLASS}"></span>'
    if kind == "hottext":  # PLACE.split gives text, key, text, key, ... text
        body = "".join(html.escape(part) if n % 2 == 0 else
                       f'<span class="{HOTTEXT_CLASS}">{html.escape(options[part])}</span>'
                       for n, part in enumerate(parts))
    else:
        body = gap.join(html.escape(part) for part in parts)
    body = "<p>" + body.replace("\n", "<br>") + "</p>"
    return f'<div class="{INTERACTION_CLASS}">{body}</div>' if kind in ("gap_match", "hottext") else body


def to_question(question_id: str, kind: str, text: str, options: dict[str, str], answer: Any,
                shuffle: bool | None = None) -> Question:
    """The question as the hall holds it (checked by `check` before)."""
    if kind == "hottext":  # the options in the order the text has them, as the page pairs them
        options = {key: options[key] for key in PLACE.findall(text)}
        shuffle = False
    plain = PLACE.sub(lambda found: options[found.group(1)], text) if kind == "hottext" else text
    return Question(id=question_id, kind=kind, text=plain, html=_html(kind, text, options),
                    options=dict(options), options_html={k: html.escape(v) for k, v in options.items()},
                    answer=answer, stems={g: g[1:] for g in _gaps(text)} if kind == "gap_match" else {},
                    shuffle=shuffle, max_choices=1 if kind == "inline" else 0)

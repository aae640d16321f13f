"""Questions of a question bank (Moodle, GIFT, a spreadsheet) built as the hall holds them.

Every kind is scored by QTI response processing written out here, so a bank's question is scored
by the same engine as a QTI item, and `hall exam export` writes it back as the QTI it stands for:

    choice, multiple   map_response: each option's share of the marks (Moodle's fractions),
                       the total kept between 0 and the question's marks
    true/false         a choice of "true" and "false"
    short answer       map_response over the accepted texts (case as the author asks)
    numerical          each accepted value with its tolerance, best first (equal, absolute)

A builder raises `Unsupported` with the reason when the question cannot be taken as written.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hallserver.domain.content.exam_content import Question
from hallserver.domain.content.qti.evaluate import score, typed
from hallserver.domain.content.qti.items import MAX_KEY
from hallserver.domain.content.qti.processing import Unsupported, template_rules
from hallserver.domain.content.sanitise import GAP_CLASS, plain_text, sanitise_html

RESPONSE = "RESPONSE"
GAP = f'<p><span class="{GAP_CLASS}"></span></p>'


@dataclass(frozen=True)
class Option:
    """One answer of a bank's question: its HTML and its share of the marks (1.0: all)."""

    html: str
    fraction: float


@dataclass(frozen=True)
class Accepted:
    """A typed answer the author accepts: text (or a number), its share, a tolerance for numbers."""

    value: str
    fraction: float
    tolerance: float = 0.0


def _number_text(value: float) -> str:
    return f"{value:.10g}"


def _outcomes(marks: float) -> dict[str, Any]:
    return {"SCORE": {"cardinality": "single", "base_type": "float", "default": []},
            "MAXSCORE": {"cardinality": "single", "base_type": "float",
                         "default": [_number_text(marks)]}}


def _spec(response: dict[str, Any], rules: list[dict[str, Any]], marks: float) -> dict[str, Any]:
    return {"version": 1, "response": RESPONSE,
            "declarations": {"responses": {RESPONSE: response}, "outcomes": _outcomes(marks)},
            "rules": rules}


def _mapping(entries: Iterable[tuple[str, float, bool]], marks: float) -> dict[str, Any]:
    return {"default": 0.0, "lower": 0.0, "upper": marks,
            "entries": [{"key": key, "value": round(value * marks, 6), "case_sensitive": case}
                        for key, value, case in entries]}


def _stem(stem_html: str, gap: bool = False) -> tuple[str, str]:
    """The stem's HTML and text; with `gap`, a gap marker where the answer goes unless it has one."""
    clean = sanitise_html(stem_html)
    if gap and f'class="{GAP_CLASS}"' not in clean:
        clean = sanitise_html(clean + GAP)
    return clean, plain_text(clean)


def _checked(question: Question) -> Question:
    """Full marks must be reachable: the key scores the question's marks."""
    if question.max_score <= 0:
        raise Unsupported(f"its marks would be {question.max_score:g}")
    if question.answer is None or abs(score(question.scoring, question.answer) - question.max_score) > 1e-6:
        raise Unsupported("no answer gives full marks (fractions that never reach 100%)")
    return question


def choice(qid: str, stem_html: str, options: list[Option], *, multiple: bool, marks: float,
           shuffle: bool = False, keys: list[str] | None = None) -> Question:
    """A multiple-choice question, single or multiple answer, each option worth its fraction."""
    if len(options) < 2:
        raise Unsupported(f"it has {len(options)} option(s); a choice needs at least 2")
    keys = keys or [chr(ord("A") + i) if i < 26 else f"O{i + 1}" for i in range(len(options))]
    options_html = {k: sanitise_html(o.html) for k, o in zip(keys, options, strict=True)}
    if len(set(options_html.values())) < len(options_html):
        raise Unsupported("two of its options say the same")
    best = max(o.fraction for o in options)
    if multiple:
        correct = [k for k, o in zip(keys, options, strict=True) if o.fraction > 0]
    else:
        correct = [k for k, o in zip(keys, options, strict=True) if o.fraction == best][:1]
    response = {"cardinality": "multiple" if multiple else "single", "base_type": "identifier",
                "correct": correct,
                "mapping": _mapping(((k, o.fraction, True) for k, o in zip(keys, options, strict=True)),
                                    marks)}
    stem, text = _stem(stem_html)
    return _checked(Question(
        id=qid, kind="multiple" if multiple else "choice", text=text, html=stem,
        options={k: plain_text(h) or "[image]" for k, h in options_html.items()},
        options_html=options_html, answer=correct if multiple else correct[0],
        scoring=_spec(response, template_rules("map_response", RESPONSE), marks),
        max_score=marks, shuffle=shuffle, max_choices=0 if multiple else 1))


def true_false(qid: str, stem_html: str, truth: bool, marks: float) -> Question:
    """A true/false question: a choice of "true" and "false"."""
    return choice(qid, stem_html, [Option("True", 1.0 if truth else 0.0),
                                   Option("False", 0.0 if truth else 1.0)],
                  multiple=False, marks=marks, shuffle=False, keys=["true", "false"])


def short_answer(qid: str, stem_html: str, accepted: list[Accepted], *, marks: float,
                 case_sensitive: bool = False) -> Question:
    """A typed answer matched against the accepted texts; a catch-all (`*`) worth 0 is dropped."""
    kept = [a for a in accepted if not (a.value.strip() == "*" and a.fraction <= 0)]
    wild = [a.value for a in kept if "*" in a.value]
    if wild:
        raise Unsupported(f"its answer {wild[0]!r} has a wildcard (*), which the hall does not match")
    kept = [Accepted(" ".join(a.value.split()), a.fraction) for a in kept if a.value.strip()]
    if not kept:
        raise Unsupported("it accepts no answer")
    best = max(kept, key=lambda a: a.fraction)
    response = {"cardinality": "single", "base_type": "string", "correct": [best.value],
                "mapping": _mapping(((a.value, a.fraction, case_sensitive) for a in kept), marks)}
    stem, text = _stem(stem_html, gap=True)
    return _checked(Question(
        id=qid, kind="text", text=text, html=stem, options={}, answer=best.value, scoring=_spec(response, template_rules("map_response", RESPONSE), marks),
        max_score=marks))  # case is in the mapping: Question.case_sensitive is our JSON's rule


def _node(op: str, *args: dict[str, Any], **attrs: str) -> dict[str, Any]:
    return {"op": op, "attrs": attrs, "args": list(args)}


def _base(value: float) -> dict[str, Any]:
    return {"op": "baseValue", "attrs": {"baseType": "float"}, "text": _number_text(value)}


def _set_score(value: float) -> dict[str, Any]:
    return _node("setOutcomeValue", _base(value), identifier="SCORE")


def numerical(qid: str, stem_html: str, accepted: list[Accepted], *, marks: float) -> Question:
    """A number typed by the candidate, right within each accepted value's tolerance."""
    kept = [a for a in accepted if a.value.strip() != "*"]
    for a in kept:
        if not isinstance(typed(a.value, "float"), float):
            raise Unsupported(f"its answer {a.value!r} is not a number")
    if not kept:
        raise Unsupported("it accepts no number")
    kept.sort(key=lambda a: -a.fraction)
    branches = []
    for position, a in enumerate(kept):
        exact = a.tolerance == 0
        tolerance = {} if exact else {"toleranceMode": "absolute",
                                      "tolerance": _number_text(abs(a.tolerance))}
        test = _node("equal", _base(float(typed(a.value, "float"))), _node("variable", identifier=RESPONSE),
                     **({"toleranceMode": "exact"} if exact else tolerance))
        branches.append(_node("responseIf" if position == 0 else "responseElseIf",
                              test, _set_score(round(a.fraction * marks, 6))))
    branches.append(_node("responseElse", _set_score(0.0)))
    best = _number_text(float(typed(kept[0].value, "float")))
    response = {"cardinality": "single", "base_type": "float", "correct": [best], "mapping": None}
    stem, text = _stem(stem_html, gap=True)
    return _checked(Question(
        id=qid, kind="text", text=text, html=stem, options={}, answer=best,
        scoring=_spec(response, [_node("responseCondition", *branches)], marks), max_score=marks,
        numeric=True))


def question_id(name: str, taken: set[str], position: int) -> str:
    """An id from a question's name: letters, digits, '-', '_' and '.', unique, at most 64."""
    base = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.")[:MAX_KEY - 6] or f"q{position}"
    found, n = base, 2
    while found in taken:
        found, n = f"{base}-{n}", n + 1
    taken.add(found)
    return found


def plain(text: str) -> str:
    """Plain text an author wrote, as HTML."""
    return "<p>" + html.escape(text.strip()).replace("\n", "<br>") + "</p>"


def matching(qid: str, stem_html: str, pairs: list[tuple[str, str]], *, marks: float,
             shuffle: bool = False) -> Question:
    """Stems each joined to one answer (pairs of HTML; a stem of "" adds a distractor answer).

    Each stem rightly joined earns its share of the marks, as Moodle scores matching."""
    answers: list[str] = []
    for _, answer in pairs:
        if sanitise_html(answer) not in answers:
            answers.append(sanitise_html(answer))
    stems = [(sanitise_html(s), sanitise_html(a)) for s, a in pairs if plain_text(sanitise_html(s))]
    if len(stems) < 2 or len(answers) < 2:
        raise Unsupported("matching needs at least two stems and two answers")
    if len({s for s, _ in stems}) < len(stems):
        raise Unsupported("two of its stems say the same")
    stem_keys = {f"S{i}": s for i, (s, _) in enumerate(stems, start=1)}
    option_keys = {f"C{i}": a for i, a in enumerate(answers, start=1)}
    by_answer = {a: k for k, a in option_keys.items()}
    correct = [f"{k} {by_answer[a]}" for k, (_, a) in zip(stem_keys, stems, strict=True)]
    mapping = {"default": 0.0, "lower": 0.0, "upper": None,
               "entries": [{"key": pair, "value": 1.0, "case_sensitive": True} for pair in correct]}
    response = {"cardinality": "multiple", "base_type": "directedPair", "correct": correct,
                "mapping": mapping}
    # SCORE = pairs right x marks / pairs: exact when all are right (no 0.333... x 3)
    share = _node("divide", _node("product", _node("mapResponse", identifier=RESPONSE), _base(marks)),
                  _base(len(correct)))
    stem, text = _stem(stem_html)
    return _checked(Question(
        id=qid, kind="match", text=text, html=stem,
        options={k: plain_text(h) or "[image]" for k, h in option_keys.items()},
        options_html=option_keys, answer=correct,
        scoring=_spec(response, [_node("setOutcomeValue", share, identifier="SCORE")], marks),
        max_score=marks, shuffle=shuffle, max_choices=1, stems_html=stem_keys,
        stems={k: plain_text(h) or "[image]" for k, h in stem_keys.items()}))

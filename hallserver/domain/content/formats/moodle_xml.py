"""Moodle XML (a `<quiz>` of `<question type=...>`) read into an exam.

Taken: multichoice (single and multiple, each answer's fraction its share of the marks),
truefalse, essay (marked by a person: graderinfo is its rubric, maxwordlimit its word limit),
matching (each stem rightly joined its share), shortanswer (its case setting; a catch-all `*` worth nothing is dropped), numerical
(each answer with its tolerance), and cloze (multianswer) with exactly one gap, which is a
choice or a typed answer. Images embedded as base64 `<file>` are kept. Refused with the reason: cloze with several gaps, every other type, and
questions whose answers never give full marks. Categories are read past; descriptions are not
questions and are left out with a warning.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from xml.etree.ElementTree import Element

from hallserver.domain.content import essays
from hallserver.domain.content.exam_content import ExamImport, Question
from hallserver.domain.content.sanitise import plain_text
from hallserver.domain.content.formats import items
from hallserver.domain.content.formats.bank import Bank, Report, exam_id_for
from hallserver.domain.content.formats.items import Accepted, Option
from hallserver.domain.content.qti.processing import Unsupported
from hallserver.domain.content.qti.xml import child, children, local, parse_xml
from hallserver.errors import Invalid

REFUSED = {
    "ddmatch": "drag-and-drop matching is not supported by the hall yet",
    "randomsamatch": "random short-answer matching draws questions per candidate, which the "
                     "hall does not do",
    "random": "a random question draws from a category per candidate, which the hall does not do",
}
_GAP = re.compile(r"\{(\d*):(MULTICHOICE\w*|MC\w*|SHORTANSWER\w*|SA|MW|NUMERICAL|NM)(?::(.*?))?(?<!\\)\}",
                  re.DOTALL)


def _text(element: Element | None, name: str = "text") -> str:
    found = child(element, name) if element is not None else None
    return (found.text or "") if found is not None else ""


def _files(question: Element) -> dict[str, bytes]:
    found = {}
    for element in question.iter():
        if local(element) == "file" and element.get("encoding") == "base64":
            try:
                found[element.get("name", "")] = base64.b64decode(element.text or "", validate=False)
            except (binascii.Error, ValueError):
                continue
    return found


def _number(text: str, default: float, what: str) -> float:
    try:
        return float(text.strip()) if text.strip() else default
    except ValueError as err:
        raise Unsupported(f"its {what} {text.strip()!r} is not a number") from err


class _Question:
    """One `<question>` element and what every type reads of it."""

    def __init__(self, bank: Bank, element: Element, where: str) -> None:
        self.bank, self.element, self.where = bank, element, where
        self.type = element.get("type", "")
        self.name = " ".join(_text(child(element, "name")).split()) or where
        self.files = _files(element)

    def html(self, holder: Element | None) -> str:
        """The HTML of a text holder (questiontext, answer), whatever its format."""
        if holder is None:
            return ""
        text = _text(holder)
        if holder.get("format", "html") not in ("html", "moodle_auto_format"):
            return items.plain(text)
        if holder.get("format") == "moodle_auto_format" and "<" not in text:
            return items.plain(text)
        return self.bank.embed(text, self.files, self.name)

    @property
    def stem(self) -> str:
        """The question text."""
        return self.html(child(self.element, "questiontext"))

    @property
    def marks(self) -> float:
        """The question's marks (defaultgrade; 1 when not given)."""
        return _number(_text(self.element, "defaultgrade"), 1.0, "defaultgrade") or 1.0

    def answers(self) -> list[Element]:
        """Its `<answer>` elements."""
        return list(children(self.element, "answer"))

    def fraction(self, answer: Element) -> float:
        """An answer's share of the marks (Moodle writes percent)."""
        return _number(answer.get("fraction", "0"), 0.0, "fraction") / 100


def _multichoice(q: _Question, qid: str) -> Question:
    single = _text(q.element, "single").strip().lower() not in ("false", "0")
    shuffle = _text(q.element, "shuffleanswers").strip().lower() in ("true", "1")
    options = [Option(q.html(a), q.fraction(a)) for a in q.answers()]
    return items.choice(qid, q.stem, options, multiple=not single, marks=q.marks, shuffle=shuffle)


def _truefalse(q: _Question, qid: str) -> Question:
    truth = None
    for answer in q.answers():
        if q.fraction(answer) >= 1:
            truth = _text(answer).strip().lower() == "true"
    if truth is None:
        raise Unsupported("neither true nor false is marked right")
    return items.true_false(qid, q.stem, truth, q.marks)


def _shortanswer(q: _Question, qid: str) -> Question:
    accepted = [Accepted(_text(a), q.fraction(a)) for a in q.answers()]
    case = _text(q.element, "usecase").strip() == "1"
    return items.short_answer(qid, q.stem, accepted, marks=q.marks, case_sensitive=case)


def _numerical(q: _Question, qid: str) -> Question:
    if child(q.element, "units") is not None and any(True for _ in q.element.iter("unit")):
        q.bank.warnings.append(f"{q.name}: its units are left out; the candidate types the number")
    accepted = [Accepted(_text(a), q.fraction(a), _number(_text(a, "tolerance"), 0.0, "tolerance"))
                for a in q.answers()]
    return items.numerical(qid, q.stem, accepted, marks=q.marks)


def _matching(q: _Question, qid: str) -> Question:
    pairs = [(q.html(sub), _text(child(sub, "answer")) if child(sub, "answer") is not None else "")
             for sub in children(q.element, "subquestion")]
    shuffle = _text(q.element, "shuffleanswers").strip().lower() in ("true", "1")
    return items.matching(qid, q.stem, [(s, items.plain(a)) for s, a in pairs], marks=q.marks,
                          shuffle=shuffle)


def _essay(q: _Question, qid: str) -> Question:
    grader = child(q.element, "graderinfo")
    rubric = plain_text(q.html(grader)) if grader is not None else ""
    limit = _text(q.element, "maxwordlimit").strip()
    if _text(q.element, "attachmentsrequired").strip() not in ("", "0"):
        raise Unsupported("it requires attached files, which the hall does not take")
    return essays.essay(qid, q.stem, q.marks, rubric=rubric or None,
                        word_limit=int(limit) if limit.isdigit() and int(limit) > 0 else None)


def _cloze(q: _Question, qid: str) -> Question:
    stem = q.stem
    gaps = list(_GAP.finditer(stem))
    if not gaps:
        raise Unsupported("its text has no gaps ({1:MULTICHOICE:...}) to answer")
    if len(gaps) > 1:
        raise Unsupported(f"it has {len(gaps)} gaps; the hall takes one answer per question, so a "
                          "cloze question is taken only with one gap")
    gap = gaps[0]
    kind, body = gap.group(2).upper(), gap.group(3) or ""
    marks = q.marks
    parts = [p for p in re.split(r"(?<!\\)~", body) if p.strip()]
    if not parts:
        raise Unsupported(f"its gap {gap.group(0)!r} gives no answers")
    answers = [_gap_answer(p) for p in parts]
    if kind.startswith(("MULTICHOICE", "MC")):
        rest = stem[:gap.start()] + "_____" + stem[gap.end():]
        return items.choice(qid, rest, [Option(items.plain(t), f) for t, f, _ in answers],
                            multiple=False, marks=marks, shuffle="S" in kind[2:])
    stem = stem[:gap.start()] + f'<span class="{items.GAP_CLASS}"></span>' + stem[gap.end():]
    if kind in ("NUMERICAL", "NM"):
        return items.numerical(qid, stem, [Accepted(t, f, tol) for t, f, tol in answers], marks=marks)
    case = kind.endswith("_C")
    return items.short_answer(qid, stem, [Accepted(t, f) for t, f, _ in answers], marks=marks,
                              case_sensitive=case)


def _gap_answer(part: str) -> tuple[str, float, float]:
    answer = re.split(r"(?<!\\)#", part, maxsplit=1)[0]
    fraction = 0.0
    if answer.startswith("="):
        answer, fraction = answer[1:], 1.0
    found = re.match(r"%(-?\d+(?:\.\d+)?)%", answer)
    if found:
        answer, fraction = answer[found.end():], float(found.group(1)) / 100
    value, _, tolerance = answer.partition(":")
    if tolerance and re.fullmatch(r"[-+0-9.eE]+", value.strip()):
        return value.strip(), fraction, _number(tolerance, 0.0, "tolerance")
    return answer.replace("\\", "").strip(), fraction, 0.0


READERS = {"multichoice": _multichoice, "truefalse": _truefalse, "shortanswer": _shortanswer,
           "numerical": _numerical, "matching": _matching, "essay": _essay, "cloze": _cloze, "multianswer": _cloze}


def is_moodle_xml(root: Element) -> bool:
    """True for Moodle's question-bank XML."""
    return local(root) == "quiz"


def read_moodle_xml(path: Path, data: bytes, exam_id: str | None,
                    report: Report | None = None) -> ExamImport:
    """A Moodle XML file as an exam: each question taken, or refused with its reason."""
    root = parse_xml(data, path.name)
    if not is_moodle_xml(root):
        raise Invalid(f"{path.name} is not Moodle XML: its root is <{local(root)}>, not <quiz>.")
    bank = Bank(path, exam_id_for(path, exam_id), "Moodle XML", report=report)
    bank.total = sum(1 for e in children(root, "question") if e.get("type") in READERS)
    title = ""
    for position, element in enumerate(children(root, "question"), start=1):
        where = f"question {position}"
        kind = element.get("type", "")
        if kind == "category":
            title = _text(child(element, "category")).strip().rsplit("/", 1)[-1] or title
            continue
        q = _Question(bank, element, where)
        if kind == "description":
            bank.warnings.append(f"{q.name} ({where}): a description, not a question; left out")
        elif kind in READERS:
            bank.take(q.name, where, lambda qid, q=q, kind=kind: READERS[kind](q, qid))
        else:
            bank.refuse(q.name, where, REFUSED.get(
                kind, f"Moodle question type {kind or '(none)'} is not supported by the hall"))
    if not bank.questions and not bank.refused:
        raise Invalid(f"{path.name}: the quiz has no questions.")
    return bank.result(title or path.stem)

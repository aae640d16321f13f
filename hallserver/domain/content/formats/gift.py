"""GIFT, Moodle's plain-text question format, read into an exam (no library reads it well).

A question is `::name:: text {answers}`, questions apart by a blank line, `//` comments, `\\`
escaping `~ = # { } :`. Taken: single choice (`=right ~wrong`), multiple choice (`~%50%a
~%50%b ~%-100%c`), true/false (`T`, `TRUE`, `F`, `FALSE`), short answer (only `=` answers; a
catch-all `*` worth nothing is dropped), numerical (`#3:2`, `#1..5`, `#=3:0 =%50%4:1`). Matching
(`=stem -> answer`, a stem left empty adds a distractor). Essays (`{}`), marked by a person.
Refused with the reason: wildcards. Feedback is left out: an exam
shows none. Each question is named by its title or its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from hallserver.domain.content import essays
from hallserver.domain.content.exam_content import ExamImport, Question
from hallserver.domain.content.formats import items
from hallserver.domain.content.formats.bank import Bank, Report, exam_id_for
from hallserver.domain.content.formats.items import Accepted, Option
from hallserver.domain.content.qti.processing import Unsupported
from hallserver.errors import Invalid

_ESCAPED = re.compile(r"\\([~=#{}:\\n])")
_FORMAT = re.compile(r"^\s*\[(html|plain|markdown|moodle)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TRUE, _FALSE = ("T", "TRUE"), ("F", "FALSE")


@dataclass(frozen=True)
class Block:
    """One question's source: its first line, title, text around the braces, what is inside."""

    line: int
    title: str
    text: str
    answers: str | None


def _unescape(text: str) -> str:
    return _ESCAPED.sub(lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def _split(text: str, marks: str) -> list[str]:
    """Splits at every unescaped character of `marks`, each part keeping the mark it starts with."""
    parts, current, escaped = [], "", False
    for char in text:
        if escaped:
            current, escaped = current + "\\" + char, False
        elif char == "\\":
            escaped = True
        elif char in marks:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current + ("\\" if escaped else ""))
    return [p for p in parts if p.strip()]


def _unescaped(text: str, char: str) -> int:
    """Where `char` first stands unescaped in `text` (-1: nowhere)."""
    escaped = False
    for position, found in enumerate(text):
        if escaped:
            escaped = False
        elif found == "\\":
            escaped = True
        elif found == char:
            return position
    return -1


def as_html(text: str) -> str:
    """GIFT text as HTML: [html] as written, every other format as plain text."""
    found = _FORMAT.match(text)
    kind = found.group(1).lower() if found else "moodle"
    text = text[found.end():] if found else text
    return _unescape(text).strip() if kind == "html" else items.plain(_unescape(text))


def blocks(source: str) -> list[Block]:
    """The questions of a GIFT file, each with the line it starts on."""
    found: list[Block] = []
    lines: list[tuple[int, str]] = []
    for number, line in enumerate([*source.splitlines(), ""], start=1):
        stripped = line.strip()
        if stripped.startswith("//") or stripped.startswith("$CATEGORY:"):
            continue
        if stripped:
            lines.append((number, line))
            continue
        whole = "\n".join(text for _, text in lines)
        if lines and (_unescaped(whole, "{") < 0 or _unescaped(whole, "}") >= 0):
            found.append(_block(lines[0][0], whole))
            lines = []
    if lines:
        found.append(_block(lines[0][0], "\n".join(text for _, text in lines)))
    return found


def _block(line: int, text: str) -> Block:
    title = ""
    found = re.match(r"^\s*::(.*?)::", text, re.DOTALL)
    if found:
        title, text = _unescape(found.group(1)).strip(), text[found.end():]
    start = _unescaped(text, "{")
    if start < 0:
        return Block(line, title, text, None)
    end = _unescaped(text[start:], "}")
    if end < 0:
        raise Invalid(f"line {line}: the question's answers open with '{{' and never close.")
    after = text[start + end + 1:]
    if re.fullmatch(r"[\s\";]*", after):  # a stray '";' some exports leave after the brace
        after = ""
    stem = text[:start] + (" _____ " + after if after.strip() else "")
    return Block(line, title, stem, text[start + 1:start + end])


def _answer(part: str) -> tuple[str, str, float]:
    """One answer: its mark ('=' or '~'), its text (feedback left out), its weight."""
    mark, body = part[0], part[1:]
    feedback = _unescaped(body, "#")
    body = body[:feedback] if feedback >= 0 else body
    weight = 1.0 if mark == "=" else 0.0
    found = _WEIGHT.match(body.strip())
    if found:
        weight, body = float(found.group(1)) / 100, body.strip()[found.end():]
    return mark, body.strip(), weight


def _numerical(qid: str, stem: str, inside: str) -> Question:
    accepted = []
    for part in _split(inside[1:], "=~"):
        if part.startswith("~"):
            continue  # a wrong answer with its feedback: worth nothing, as any other number
        _, body, weight = _answer(part if part.startswith("=") else "=" + part)
        low, dots, high = body.partition("..")
        if dots:
            try:
                a, b = float(low), float(high)
            except ValueError as err:
                raise Unsupported(f"its range {body!r} is not two numbers") from err
            accepted.append(Accepted(f"{(a + b) / 2:.10g}", weight, abs(b - a) / 2))
            continue
        value, _, tolerance = body.partition(":")
        try:
            accepted.append(Accepted(value.strip(), weight, float(tolerance or 0)))
        except ValueError as err:
            raise Unsupported(f"its tolerance {tolerance!r} is not a number") from err
    return items.numerical(qid, stem, accepted, marks=1.0)


def build(qid: str, block: Block) -> Question:
    """The question a block makes; Unsupported with the reason when the hall cannot take it."""
    stem = as_html(block.text)
    inside = (block.answers or "").strip()
    generic = re.split(r"(?<!\\)#", inside, maxsplit=1)[0].strip()
    if block.answers is None:
        raise Unsupported("it has no answers in braces (a description, not a question)")
    if not inside:
        return essays.essay(qid, stem, 1.0)
    if generic.upper() in _TRUE + _FALSE:
        return items.true_false(qid, stem, generic.upper() in _TRUE, 1.0)
    if inside.startswith("#"):
        return _numerical(qid, stem, inside)
    answers = [_answer(p) for p in _split(inside, "=~")]
    if any(re.search(r"(?<!\\)->", text) for _, text, _ in answers):
        pairs = [re.split(r"(?<!\\)->", text, maxsplit=1) for _, text, _ in answers]
        if any(len(p) != 2 for p in pairs):
            raise Unsupported("some of its matching answers have no '->'")
        return items.matching(qid, stem, [(as_html(s) if s.strip() else "", as_html(a))
                                          for s, a in pairs], marks=1.0)
    if all(mark == "=" for mark, _, _ in answers):
        return items.short_answer(qid, stem, [Accepted(_unescape(t), w) for _, t, w in answers],
                                  marks=1.0)
    positive = sum(1 for _, _, w in answers if w > 0)
    multiple = positive > 1 and not any(m == "=" for m, _, _ in answers)
    return items.choice(qid, stem, [Option(as_html(t), w) for _, t, w in answers],
                        multiple=multiple, marks=1.0)


def looks_like_gift(text: str) -> bool:
    """True when the text has a question with answers in braces outside comments."""
    body = "\n".join(line for line in text.splitlines() if not line.strip().startswith("//"))
    return re.search(r"(?<!\\)\{[^{}]*(?<!\\)\}", body) is not None


def read_gift(path: Path, data: bytes, exam_id: str | None,
              report: Report | None = None) -> ExamImport:
    """A GIFT file as an exam: each question taken, or refused with its line and reason."""
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise Invalid(f"{path.name} is not UTF-8 text (byte {err.start}); save it as UTF-8.") from err
    try:
        found = blocks(source)
    except Invalid as err:
        raise Invalid(f"{path.name}, {err.message}") from err
    if not found:
        raise Invalid(f"{path.name}: the GIFT file has no questions.")
    bank = Bank(path, exam_id_for(path, exam_id), "GIFT", report=report, total=len(found))
    for block in found:
        name = block.title or f"line {block.line}"
        bank.take(name, f"line {block.line}", lambda qid, block=block: build(qid, block))
    return bank.result(path.name.split(".")[0])

"""Spreadsheets of questions (.xlsx through openpyxl, .csv), one row a question.

The first row names the columns (any order, any case):

    id           optional; the question's id (default: q + its line)
    type         choice (default), multiple, truefalse, text, number, essay
    question     the question's text (plain text)
    A, B, ...    the options of a choice or multiple (also "option A" or "option_a")
    answer       choice: a letter; multiple: letters ("A,C"); truefalse: true or false;
                 text: the accepted answers apart by "|"; number: the value; essay: empty
    marks        optional; 1 when empty
    tolerance    optional; for a number, how far off is still right
    word limit   optional; for an essay, the words its candidate is asked to keep within
    rubric       optional; for an essay, what its marker is shown
    model answer optional; for an essay, shown to its marker

The first row needs `question`, and `answer` or `type` (a sheet of essays has no answers). A row
that breaks these rules stops the import with its row (a CSV's line) and the column at fault;
an unknown type is refused by name, as any format's unsupported question is.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from hallserver.domain.content import essays
from hallserver.domain.content.exam_content import ExamImport, Question
from hallserver.domain.content.formats import items
from hallserver.domain.content.formats.bank import Bank, Report, exam_id_for
from hallserver.domain.content.formats.items import Accepted, Option
from hallserver.domain.content.qti.processing import Unsupported
from hallserver.errors import Invalid

KINDS = ("choice", "multiple", "truefalse", "text", "number", "essay")
_OPTION = re.compile(r"^(?:option[\s_-]*)?([a-z])$")
_ALIASES = {"wordlimit": "word limit", "words": "word limit", "maxwords": "word limit",
            "modelanswer": "model answer"}
_ESSAY_ONLY = ("word limit", "rubric", "model answer")
MAX_WORD_LIMIT = 20_000  # as a JSON exam file's essay
_TRUE, _FALSE = ("true", "t", "yes", "1"), ("false", "f", "no", "0")
MAX_ROWS = 5000


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


Rows = list[tuple[int, list[str]]]  # (row number as the author sees it, cells)


def rows_of_xlsx(path: Path) -> Rows:
    """The first sheet's rows as text, each with its row number."""
    from openpyxl import load_workbook  # imported here: only this format needs it
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a damaged file
        raise Invalid(f"{path.name} is not a spreadsheet openpyxl can read: {err}") from err
    try:
        sheet = book.worksheets[0]
        return [(number, [_cell(v) for v in row])
                for number, row in enumerate(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1),
                                             start=1)]
    finally:
        book.close()


def rows_of_csv(path: Path, data: bytes) -> Rows:
    """The rows of a CSV file (UTF-8; comma, semicolon or tab), each with the line it starts on."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise Invalid(f"{path.name} is not UTF-8 text (byte {err.start}); save it as UTF-8.") from err
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows, line = [], 1
    for row in reader:
        rows.append((line, [c.strip() for c in row]))
        line = reader.line_num + 1
    return rows


def is_question_header(row: list[str]) -> bool:
    """True when a first row names a question column and an answer column."""
    names = {c.strip().lower() for c in row}
    return "question" in names and ("answer" in names or "type" in names)


class _Row:
    def __init__(self, columns: dict[str, int], titles: list[str], cells: list[str], where: str) -> None:
        self.columns, self.titles, self.cells, self.where = columns, titles, cells, where

    def get(self, name: str) -> str:
        index = self.columns.get(name)
        return self.cells[index].strip() if index is not None and index < len(self.cells) else ""

    def wrong(self, what: str, column: str | None = None) -> Invalid:
        """The row's error, naming the column (as its first row titles it) when one is at fault."""
        if column is None or column not in self.columns:
            return Invalid(f"{self.where}: {what}")
        return Invalid(f"{self.where}, column {self.titles[self.columns[column]].strip()!r}: {what}")


def _columns(header: list[str], name: str) -> tuple[dict[str, int], list[str]]:
    columns: dict[str, int] = {}
    letters = []
    for index, title in enumerate(header):
        key = title.strip().lower()
        key = _ALIASES.get(re.sub(r"[\s_-]+", "", key), re.sub(r"[\s_-]+", " ", key))
        option = _OPTION.match(key)
        if option:
            key = option.group(1).upper()
            letters.append(key)
        if key and key in columns:
            raise Invalid(f"{name}, line 1: the column {title!r} appears twice.")
        columns[key] = index
    if not is_question_header(header):
        raise Invalid(f"{name}, line 1: the first row must name the columns, with at least "
                      "'question' and 'answer' (or 'type', for essays) (see the README's "
                      "spreadsheet template).")
    return columns, letters


def _marks(row: _Row) -> float:
    text = row.get("marks") or "1"
    try:
        marks = float(text.replace(",", "."))
    except ValueError as err:
        raise row.wrong(f"marks {text!r} is not a number", "marks") from err
    if marks <= 0:
        raise row.wrong(f"marks {text!r} must be more than 0", "marks")
    return marks


def _choice(qid: str, row: _Row, letters: list[str], kind: str, stem: str) -> Question:
    options = [(k, row.get(k)) for k in letters if row.get(k)]
    keys = [k for k, _ in options]
    chosen = [c.upper() for c in re.split(r"[\s,;]+", row.get("answer")) if c]
    for key in chosen:
        if key not in keys:
            raise row.wrong(f"the answer {key!r} is not one of its options ({', '.join(keys) or 'none'})",
                            "answer")
    if kind == "choice" and len(chosen) != 1:
        raise row.wrong("a choice has one letter as its answer (type multiple for several)", "answer")
    share = 1 / len(chosen)
    return items.choice(qid, stem, [Option(items.plain(text), share if k in chosen else 0.0)
                                    for k, text in options],
                        multiple=kind == "multiple", marks=_marks(row), keys=keys)


def _essay(qid: str, row: _Row, letters: list[str], stem: str) -> Question:
    """An essay row: no options, no answer; marks, and optionally a word limit, rubric, model answer."""
    for column in [*letters, "answer", "tolerance"]:
        if row.get(column):
            what = "options" if column in letters else f"{column} to match"
            hint = ("; a model answer for its marker goes in a 'model answer' column"
                    if column == "answer" else "")
            raise row.wrong(f"an essay has no {what} (a person marks it): leave it empty{hint}", column)
    limit = row.get("word limit")
    if limit and not (limit.isdigit() and 0 < int(limit) <= MAX_WORD_LIMIT):
        raise row.wrong(f"the word limit {limit!r} is not a whole number of words from 1 to "
                        f"{MAX_WORD_LIMIT}", "word limit")
    return essays.essay(qid, stem, _marks(row), rubric=row.get("rubric") or None,
                        model_answer=row.get("model answer") or None,
                        word_limit=int(limit) if limit else None)


def _build(qid: str, row: _Row, letters: list[str]) -> Question:
    kind = (row.get("type") or "choice").lower().replace("/", "").replace("-", "").replace(" ", "")
    kind = {"single": "choice", "mcq": "choice", "truefalse": "truefalse", "tf": "truefalse",
            "shortanswer": "text", "numerical": "number", "numeric": "number"}.get(kind, kind)
    stem = items.plain(row.get("question"))
    answer = row.get("answer")
    if kind not in KINDS:
        raise Unsupported(f"its type {row.get('type')!r} is not one the hall takes ({', '.join(KINDS)})")
    if kind == "essay":
        return _essay(qid, row, letters, stem)
    for column in _ESSAY_ONLY:
        if row.get(column):
            raise row.wrong(f"only an essay has a {column}", column)
    if not answer:
        raise row.wrong("the question has no answer", "answer")
    if kind in ("choice", "multiple"):
        return _choice(qid, row, letters, kind, stem)
    if kind == "truefalse":
        if answer.lower() not in _TRUE + _FALSE:
            raise row.wrong(f"a true/false answer is true or false, not {answer!r}", "answer")
        return items.true_false(qid, stem, answer.lower() in _TRUE, _marks(row))
    if kind == "text":
        return items.short_answer(qid, stem, [Accepted(a, 1.0) for a in answer.split("|")],
                                  marks=_marks(row))
    tolerance = row.get("tolerance") or "0"
    try:
        return items.numerical(qid, stem, [Accepted(answer, 1.0, float(tolerance))], marks=_marks(row))
    except ValueError as err:
        raise row.wrong(f"tolerance {tolerance!r} is not a number", "tolerance") from err


def read_rows(path: Path, rows: Rows, exam_id: str | None, source: str,
              report: Report | None = None, unit: str = "row") -> ExamImport:
    """The questions of a sheet's rows; Invalid naming the row (`unit`: a CSV's "line") and
    column of the first broken row."""
    rows = [(n, r) for n, r in rows if any(c.strip() for c in r)]
    if not rows:
        raise Invalid(f"{path.name} is empty.")
    if len(rows) > MAX_ROWS + 1:
        raise Invalid(f"{path.name} has more than {MAX_ROWS} questions.")
    titles = rows[0][1]
    columns, letters = _columns(titles, path.name)
    if len(rows) == 1:
        raise Invalid(f"{path.name} has no questions below its first row.")
    bank = Bank(path, exam_id_for(path, exam_id), source, report=report, total=len(rows) - 1)
    for position, (number, cells) in enumerate(rows[1:], start=1):
        row = _Row(columns, titles, cells, f"{unit} {number}")
        if not row.get("question"):
            raise Invalid(f"{path.name}, {row.wrong('the question has no text.', 'question').message}")
        name = row.get("id") or f"q{position}"
        try:
            bank.take(name, row.where, lambda qid, row=row: _build(qid, row, letters))
        except Invalid as err:
            raise Invalid(f"{path.name}, {err.message}") from err
    return bank.result(path.stem)

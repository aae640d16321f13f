"""Exam files: the JSON format of CONTRACT.md, checked field by field, and the choice of reader.

`read_exam` takes any file `hall exam import` accepts: our JSON, a QTI 2.1/2.2 item or
assessmentTest (items beside it), a content package (a zip with imsmanifest.xml), or a question
bank (`formats`: Moodle XML, GIFT, .xlsx, .csv), told apart by content.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
import html
import json
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from hallserver.domain.content import essays, formats, kinds_json, qti
from hallserver.domain.content.exam_content import (
    DEFAULT_LANGUAGE, ExamContent, ExamImport, ExamTools, LanguageTag, Question,
)
from hallserver.domain.content.sanitise import text_as_html
from hallserver.errors import Invalid

Key = Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]
Expected = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class QuestionFile(BaseModel):
    """One question: text, options by key (not for text entry), and the key (other kinds:
    `kinds_json`).

    An essay has no key: a person marks it (`marking` "manual" makes any question so), out of
    `marks`, with the `rubric` and `model_answer` shown to its marker."""

    model_config = ConfigDict(extra="forbid", strict=True)
    id: Key
    kind: Literal["choice", "multiple", "text", "inline", "order", "gap_match", "hottext",
                  "associate", "essay"] = "choice"
    text: Annotated[str, StringConstraints(min_length=1)]
    options: dict[Key, str] = Field(default_factory=dict)
    answer: Key | Annotated[list[Expected], Field(min_length=1)] | None = None
    case_sensitive: bool = False
    marks: Annotated[float, Field(gt=0, le=1000)] | Annotated[int, Field(gt=0, le=1000)] = 1
    marking: Literal["auto", "manual"] = "auto"
    rubric: Annotated[str, StringConstraints(min_length=1, max_length=20_000)] | None = None
    model_answer: Annotated[str, StringConstraints(min_length=1, max_length=50_000)] | None = None
    word_limit: Annotated[int, Field(gt=0, le=20_000)] | None = None

    @model_validator(mode="after")
    def _answer_fits_the_kind(self) -> QuestionFile:
        if self.kind == "essay":
            if self.options or self.answer is not None:
                raise ValueError("an essay has no options and no answer (a person marks it)")
            return self
        if self.word_limit is not None:
            raise ValueError("only an essay has a word limit")
        if self.kind in kinds_json.KINDS:
            kinds_json.check(self.kind, self.text, self.options, self.answer)
            return self
        if self.answer is None:
            raise ValueError("this kind of question needs its answer")
        if self.kind == "text":
            if self.options:
                raise ValueError("a text question has no options")
            return self
        if len(self.options) < 2:
            raise ValueError("a choice question needs at least 2 options")
        keys = [self.answer] if isinstance(self.answer, str) else self.answer
        if self.kind == "choice" and not isinstance(self.answer, str):
            raise ValueError("the answer of a choice question is one option key")
        if self.kind == "multiple" and isinstance(self.answer, str):
            raise ValueError("the answer of a multiple question is a list of option keys")
        for key in keys:
            if key not in self.options:
                raise ValueError(f"answer {key!r} is not one of the options {', '.join(self.options)}")
        return self

    def to_question(self) -> Question:
        """The question as the hall holds it."""
        if self.kind in kinds_json.KINDS:
            return kinds_json.to_question(self.id, self.kind, self.text, self.options, self.answer)
        manual = self.kind == "essay" or self.marking == "manual"
        return Question(id=self.id, kind=self.kind, text=self.text, html=text_as_html(self.text),
                        options=dict(self.options),
                        options_html={k: html.escape(v) for k, v in self.options.items()},
                        answer=self.answer, case_sensitive=self.case_sensitive,
                        max_score=float(self.marks),
                        marking=essays.marking_of(self.rubric, self.model_answer, self.word_limit)
                        if manual else None)


class ToolsFile(BaseModel):
    """The candidate tools an exam allows (CONTRACT.md "Languages and candidate tools")."""

    model_config = ConfigDict(extra="forbid", strict=True)
    calculator: Literal["basic", "scientific"] | None = None
    eliminator: bool = False
    highlighter: bool = False

    def to_tools(self) -> ExamTools:
        """The tools as the hall holds them."""
        return ExamTools(calculator=self.calculator, eliminator=self.eliminator,
                         highlighter=self.highlighter)


class ExamFile(BaseModel):
    """A whole exam as an exam board or centre writes it."""

    model_config = ConfigDict(extra="forbid", strict=True)
    id: Key
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    duration_minutes: int = Field(gt=0, le=24 * 60)
    shuffle_questions: bool = False
    shuffle_options: bool = False
    questions: list[QuestionFile] = Field(min_length=1)
    language: LanguageTag = DEFAULT_LANGUAGE
    tools: ToolsFile = Field(default_factory=ToolsFile)

    @model_validator(mode="after")
    def _unique_question_ids(self) -> ExamFile:
        seen: set[str] = set()
        for question in self.questions:
            if question.id in seen:
                raise ValueError(f"question id {question.id!r} appears twice")
            seen.add(question.id)
        return self

    def to_content(self) -> ExamContent:
        """The exam as the hall holds it."""
        return ExamContent(id=self.id, title=self.title, duration_minutes=self.duration_minutes,
                           questions=tuple(q.to_question() for q in self.questions),
                           shuffle_questions=self.shuffle_questions,
                           shuffle_options=self.shuffle_options,
                           language=self.language, tools=self.tools.to_tools())


def describe(error: ValidationError) -> str:
    """The first problem of a file, as a sentence naming where it is."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "the file"
    return f"{where}: {first['msg']}"


def parse_exam_file(path: Path) -> ExamFile:
    """Reads and checks an exam file; Invalid with the place and the reason when it is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise Invalid(f"{path.name} is not a JSON exam file: {err}") from err
    try:
        return ExamFile.model_validate(data)
    except ValidationError as err:
        raise Invalid(f"{path.name}: {describe(err)}") from err


@dataclasses.dataclass(frozen=True)
class Overrides:
    """What the command line may set over the file: id, title, duration, question shuffling."""

    exam_id: str | None = None
    title: str | None = None
    duration_minutes: int | None = None
    shuffle_questions: bool | None = None


def read_exam(path: Path, overrides: Overrides | None = None,
              report: Callable[[int, int], None] | None = None) -> ExamImport:
    """Reads any exam file the hall takes; Invalid (with where and why) when it is not one.

    `report` hears (questions read, questions in the file) as a question bank is read."""
    overrides = overrides or Overrides()
    kind = formats.sniff(path)
    if kind == "qti-package":
        found = qti.load_package(path, overrides.exam_id)
    elif kind == "json":
        found = ExamImport(parse_exam_file(path).to_content(), "JSON exam file")
    elif kind == "qti":
        found = qti.load_xml(path, overrides.exam_id)
    else:
        found = formats.read_bank(path, kind, overrides.exam_id, report)
    changes = {name: value for name, value in (
        ("id", overrides.exam_id), ("title", overrides.title),
        ("duration_minutes", overrides.duration_minutes),
        ("shuffle_questions", overrides.shuffle_questions)) if value is not None}
    if changes:
        found = dataclasses.replace(found, content=dataclasses.replace(found.content, **changes))
    return found


def read_exam_bytes(file_name: str, raw: bytes, overrides: Overrides | None = None) -> ExamImport:
    """`read_exam` of a file held as bytes (an exam the central keeps or sends), under its name."""
    with tempfile.TemporaryDirectory(prefix="examhall-exam-") as folder:
        path = Path(folder) / (Path(file_name).name or "exam")
        path.write_bytes(raw)
        return read_exam(path, overrides)

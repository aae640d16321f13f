"""The exam file format of CONTRACT.md (JSON), checked field by field before anything is stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from hallserver.errors import Invalid

Key = Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]


class QuestionFile(BaseModel):
    """One question: text, options by key, and the key of the right option."""

    model_config = ConfigDict(extra="forbid", strict=True)
    id: Key
    text: Annotated[str, StringConstraints(min_length=1)]
    options: dict[Key, str] = Field(min_length=2)
    answer: Key

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> QuestionFile:
        if self.answer not in self.options:
            raise ValueError(f"answer {self.answer!r} is not one of the options "
                             f"{', '.join(self.options)}")
        return self


class ExamFile(BaseModel):
    """A whole exam as an exam board or centre writes it."""

    model_config = ConfigDict(extra="forbid", strict=True)
    id: Key
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    duration_minutes: int = Field(gt=0, le=24 * 60)
    shuffle_questions: bool = False
    shuffle_options: bool = False
    questions: list[QuestionFile] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_question_ids(self) -> ExamFile:
        seen: set[str] = set()
        for question in self.questions:
            if question.id in seen:
                raise ValueError(f"question id {question.id!r} appears twice")
            seen.add(question.id)
        return self


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

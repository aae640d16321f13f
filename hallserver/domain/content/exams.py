"""Exams: import into the hall, key corrections, the paper a candidate sees (never the key), answer checks."""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from hallserver.db.models import exam_assets, exam_records, exams, questions
from hallserver.domain.content import answer_kinds, essays, scoring
from hallserver.domain.content import sealed_papers as seals  # each uses the other's functions
from hallserver.domain.content.exam_content import (
    DEFAULT_LANGUAGE, ExamContent, ExamTools, Question,
)
from hallserver.domain.content.matching import pairs_error
from hallserver.domain.sessions.order import in_order, question_order
from hallserver.domain.content.sanitise import text_as_html
from hallserver.errors import Conflict, Invalid, NotFound

MAX_TEXT_ANSWER = 2000
__all__ = ["Exam", "Question", "import_exam", "correct_key", "load_exam", "paper_for",
           "question_order", "check_answers", "check_marked", "check_tool_state", "score"]


@dataclass(frozen=True)
class Exam:
    """An exam with its questions in the author's order."""

    id: str
    title: str
    duration_seconds: int
    shuffle_questions: bool
    shuffle_options: bool
    questions: tuple[Question, ...]
    key_version: int = 1
    language: str = DEFAULT_LANGUAGE
    tools: ExamTools = ExamTools()

    def question(self, question_id: str) -> Question | None:
        """The question with this id, if the exam has one."""
        return self.by_id.get(question_id)

    @property
    def by_id(self) -> dict[str, Question]:
        """The questions by id (built once: every save checks its answers against it)."""
        cached = self.__dict__.get("_index")
        if cached is None:
            cached = {q.id: q for q in self.questions}
            object.__setattr__(self, "_index", cached)
        return cached


def _content(exam: Any) -> ExamContent:
    """Our JSON's parsed file (ExamFile) or any reader's ExamContent, as ExamContent."""
    return exam if isinstance(exam, ExamContent) else exam.to_content()


def _question_row(exam_id: str, position: int, q: Question) -> dict[str, Any]:
    return {"exam_id": exam_id, "id": q.id, "position": position, "kind": q.kind, "text": q.text,
            "options": json.dumps(q.options, ensure_ascii=False),
            "answer": json.dumps(q.answer, ensure_ascii=False), "html": q.html,
            "content": json.dumps(q.presentation(), ensure_ascii=False),
            "scoring": json.dumps(q.scoring, ensure_ascii=False) if q.scoring is not None else None,
            "max_score": q.max_score}


def _started(connection: Connection, exam_id: str) -> bool:
    return connection.execute(select(exam_records.c.id).where(
        exam_records.c.exam_id == exam_id, exam_records.c.status != "assigned").limit(1)).first() is not None


def import_exam(connection: Connection, exam: Any, now: float) -> str:
    """Stores an exam; replaces one of the same id only while nobody has started it."""
    content = _content(exam)
    if content.duration_minutes is None:
        raise Invalid(f"Exam {content.id} has no time limit in its file; give one (--duration MINUTES).")
    if _started(connection, content.id):
        raise Conflict(f"Exam {content.id} has sessions already started; it cannot be replaced. "
                       "To correct only its answer key, import it with --correct-key, then run "
                       f"`hall results rescore {content.id}`.")
    values = {"title": content.title, "duration_seconds": content.duration_minutes * 60,
              "shuffle_questions": content.shuffle_questions,
              "shuffle_options": content.shuffle_options, "language": content.language,
              "tools": json.dumps(content.tools.to_json()) if content.tools.to_json() else None}
    if connection.execute(select(exams.c.id).where(exams.c.id == content.id)).first():
        connection.execute(exams.update().where(exams.c.id == content.id).values(values))
        connection.execute(delete(questions).where(questions.c.exam_id == content.id))
        connection.execute(delete(exam_assets).where(exam_assets.c.exam_id == content.id))
    else:
        connection.execute(exams.insert().values(id=content.id, created_at=now, **values))
    connection.execute(questions.insert(), [_question_row(content.id, i, q)
                                            for i, q in enumerate(content.questions)])
    if content.assets:
        connection.execute(exam_assets.insert(), [
            {"exam_id": content.id, "name": a.name, "media_type": a.media_type, "data": a.data,
             "sha256": hashlib.sha256(a.data).hexdigest()} for a in content.assets])
    return content.id


def key_changes(stored: Sequence[Question], new: Sequence[Question], exam_id: str) -> list[str]:
    """The questions whose key (answer, scoring, marks) the new ones change; Conflict when a
    candidate would see other questions (that is a new exam, not a corrected key)."""
    if [q.id for q in stored] != [q.id for q in new] or not all(
            old.same_paper(q) for old, q in zip(stored, new, strict=True)):
        raise Conflict(f"The file changes the questions of exam {exam_id}, not only its key; "
                       "an exam already sat cannot be changed.")
    return [q.id for old, q in zip(stored, new, strict=True)
            if (old.answer, old.scoring, old.max_score) != (q.answer, q.scoring, q.max_score)]


def correct_key(connection: Connection, exam: Any) -> tuple[int, list[str]]:
    """Replaces only the answer key (and scoring) of an exam; (new key version, questions changed).

    Conflict when the questions a candidate sees differ: that is a new exam, not a corrected key.
    """
    content = _content(exam)
    stored = load_exam(connection, content.id)
    changed = key_changes(stored.questions, content.questions, content.id)
    for position, question in enumerate(content.questions):
        if question.id in changed:
            row = _question_row(content.id, position, question)
            connection.execute(questions.update().where(
                questions.c.exam_id == content.id, questions.c.id == question.id).values(
                answer=row["answer"], scoring=row["scoring"], max_score=row["max_score"]))
    version = stored.key_version + (1 if changed else 0)
    connection.execute(exams.update().where(exams.c.id == content.id).values(key_version=version))
    return version, changed


def _question(row: Any) -> Question:
    extra = json.loads(row.content) if row.content else {}
    options = json.loads(row.options)
    return Question(
        id=row.id, kind=row.kind, text=row.text, html=row.html or text_as_html(row.text),
        options=options, answer=json.loads(row.answer),
        options_html=extra.get("options_html") or {k: html.escape(v) for k, v in options.items()},
        scoring=json.loads(row.scoring) if row.scoring else None,
        max_score=row.max_score if row.max_score is not None else 1.0,
        fixed_options=tuple(extra.get("fixed_options", ())), shuffle=extra.get("shuffle"),
        fixed=extra.get("fixed", False), min_choices=extra.get("min_choices", 0),
        max_choices=extra.get("max_choices", 1 if row.kind == "choice" else 0),
        expected_length=extra.get("expected_length"), numeric=extra.get("numeric", False),
        case_sensitive=extra.get("case_sensitive", False), stems=extra.get("stems", {}),
        stems_html=extra.get("stems_html", {}), marking=extra.get("marking"),
        areas=extra.get("areas", {}))


def load_exam(connection: Connection, exam_id: str) -> Exam:
    """An exam with its questions; NotFound when the hall has none of that id, PaperSealed
    while its paper is sealed (the one reader of questions: nothing shows a sealed paper)."""
    row = connection.execute(select(exams).where(exams.c.id == exam_id)).first()
    if row is None:
        raise NotFound(f"There is no exam {exam_id} in this hall.")
    seals.check_open(connection, [exam_id])
    rows = connection.execute(select(questions).where(questions.c.exam_id == exam_id)
                              .order_by(questions.c.position)).all()
    return Exam(row.id, row.title, row.duration_seconds, row.shuffle_questions, row.shuffle_options,
                tuple(_question(q) for q in rows), row.key_version,
                row.language or DEFAULT_LANGUAGE, ExamTools.from_json(json.loads(row.tools or "null")))


def key_versions(connection: Connection) -> dict[str, int]:
    """Each exam's key version (it moves when a key is corrected)."""
    return {row.id: row.key_version for row in connection.execute(
        select(exams.c.id, exams.c.key_version))}


def exam_ids(connection: Connection) -> list[str]:
    """Every exam of the hall."""
    return list(connection.execute(select(exams.c.id).order_by(exams.c.id)).scalars())


def _paper_question(question: Question, keys: list[str]) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "id": question.id, "kind": question.kind, "text": question.text, "html": question.html,
        "options": {k: question.options[k] for k in keys},
        "options_html": {k: question.options_html.get(k, "") for k in keys},
        "marks": scoring.number(question.max_score)}
    if question.kind == "multiple":
        shown.update(min_choices=question.min_choices, max_choices=question.max_choices)
    if question.kind == "text":
        shown.update(expected_length=question.expected_length, numeric=question.numeric)
    if question.kind == "match":
        shown.update(stems=question.stems, stems_html=question.stems_html,
                     max_choices=question.max_choices)
    shown.update(answer_kinds.paper_fields(question))
    if question.kind == "essay":
        shown.update(word_limit=(question.marking or {}).get("word_limit"))
    return shown


def paper_for(exam: Exam, order: dict[str, Any]) -> dict[str, Any]:
    """The paper as this candidate sees it, in their stored order, without any key."""
    return {"exam": {"id": exam.id, "title": exam.title, "duration_seconds": exam.duration_seconds,
                     "language": exam.language, "tools": exam.tools.to_json()},
            "questions": [_paper_question(q, keys) for q, keys in in_order(exam, order)]}


def _shape_error(question: Question, answer: Any) -> str | None:
    if question.kind == "choice" and isinstance(answer, str) and answer in question.options:
        return None  # the common case, first: every save checks every answer it carries
    qid = question.id
    if question.kind == "text":
        if not isinstance(answer, str):
            return f"Question {qid} takes typed text (a string), not {type(answer).__name__}."
        if len(answer) > MAX_TEXT_ANSWER:
            return f"The answer to question {qid} is longer than {MAX_TEXT_ANSWER} characters."
        return None
    if question.kind == "match":
        return pairs_error(question, answer)
    if question.kind in answer_kinds.KINDS:
        return answer_kinds.shape_error(question, answer)
    if question.kind == "essay":
        return essays.shape_error(question, answer)
    keys = answer if question.kind == "multiple" else [answer]
    if question.kind == "multiple" and not isinstance(answer, list):
        return f"Question {qid} takes a list of option keys, not {type(answer).__name__}."
    if question.kind == "choice" and not isinstance(answer, str):
        return f"Question {qid} takes one option key (a string), not a list."
    for key in keys:
        if key not in question.options:
            return (f"Question {qid} has no option {key!r}; its options are "
                    f"{', '.join(question.options)}.")
    if len(set(keys)) != len(keys):
        return f"The answer to question {qid} names an option twice."
    if question.kind == "multiple" and question.max_choices and len(keys) > question.max_choices:
        return f"Question {qid} takes at most {question.max_choices} options."
    return None


def check_answers(exam: Exam, answers: dict[str, Any]) -> None:
    """Invalid (422) for an unknown question, or an answer of the wrong shape for its question."""
    by_id = exam.by_id
    for question_id, answer in answers.items():
        question = by_id.get(question_id)
        if question is None:
            raise Invalid(f"Exam {exam.id} has no question {question_id!r}.",
                          field=f"answers.{question_id}")
        problem = None if answer is None else _shape_error(question, answer)
        if problem:
            raise Invalid(problem, field=f"answers.{question_id}")


def check_marked(exam: Exam, marked: Iterable[str]) -> None:
    """Invalid (422) for a marked question the exam does not have."""
    by_id = exam.by_id
    for question_id in marked:
        if question_id not in by_id:
            raise Invalid(f"Exam {exam.id} has no question {question_id!r} to mark.",
                          field="marked_questions")


def check_tool_state(exam: Exam, tool_state: dict[str, Any] | None) -> None:
    """Invalid (422) for marks of a tool the exam does not allow, or of a question or option it lacks."""
    if not tool_state:
        return
    for tool, name, allowed in (("eliminated", "eliminator", exam.tools.eliminator),
                                ("highlights", "highlighter", exam.tools.highlighter)):
        marks = tool_state.get(tool) or {}
        if marks and not allowed:
            raise Invalid(f"Exam {exam.id} does not allow the {name}.", field=f"tool_state.{tool}")
        for question_id in marks:
            if question_id not in exam.by_id:
                raise Invalid(f"Exam {exam.id} has no question {question_id!r}.",
                              field=f"tool_state.{tool}.{question_id}")
    for question_id, keys in (tool_state.get("eliminated") or {}).items():
        for key in keys:
            if key not in exam.by_id[question_id].options:
                raise Invalid(f"Question {question_id} has no option {key!r} to strike out.",
                              field=f"tool_state.eliminated.{question_id}")


def score(exam: Exam, answers: dict[str, Any],
          given: dict[str, Any] | None = None) -> dict[str, Any]:
    """The result of a set of answers: total, full marks, each question's marks and outcome.

    `given`: the marks markers gave the questions a person marks (see `marking`)."""
    return scoring.score_answers(exam.questions, answers, exam.key_version, given)

"""Exams: import into the hall, the paper a candidate sees (never the key), answer checks."""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from hallserver.db.models import exam_records, exams, questions
from hallserver.domain.exam_file import ExamFile
from hallserver.errors import Conflict, Invalid, NotFound


@dataclass(frozen=True)
class Question:
    """A question as stored: options in the author's order, and the key."""

    id: str
    text: str
    options: dict[str, str]
    answer: str


@dataclass(frozen=True)
class Exam:
    """An exam with its questions in the author's order."""

    id: str
    title: str
    duration_seconds: int
    shuffle_questions: bool
    shuffle_options: bool
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question | None:
        """The question with this id, if the exam has one."""
        return self._by_id.get(question_id)

    @property
    def _by_id(self) -> dict[str, Question]:
        cached = self.__dict__.get("_index")
        if cached is None:
            cached = {q.id: q for q in self.questions}
            object.__setattr__(self, "_index", cached)
        return cached


def import_exam(connection: Connection, exam: ExamFile, now: float) -> str:
    """Stores an exam; replaces one of the same id only while nobody has started it."""
    started = connection.execute(
        select(exam_records.c.id).where(exam_records.c.exam_id == exam.id,
                                        exam_records.c.status != "assigned").limit(1)).first()
    if started:
        raise Conflict(f"Exam {exam.id} has sessions already started; it cannot be replaced.")
    existing = connection.execute(select(exams.c.id).where(exams.c.id == exam.id)).first()
    values = {"title": exam.title, "duration_seconds": exam.duration_minutes * 60,
              "shuffle_questions": exam.shuffle_questions, "shuffle_options": exam.shuffle_options}
    if existing:
        connection.execute(exams.update().where(exams.c.id == exam.id).values(values))
        connection.execute(delete(questions).where(questions.c.exam_id == exam.id))
    else:
        connection.execute(exams.insert().values(id=exam.id, created_at=now, **values))
    connection.execute(questions.insert(), [
        {"exam_id": exam.id, "id": q.id, "position": i, "kind": "choice", "text": q.text,
         "options": json.dumps(q.options), "answer": json.dumps(q.answer)}
        for i, q in enumerate(exam.questions)])
    return exam.id


def load_exam(connection: Connection, exam_id: str) -> Exam:
    """An exam with its questions; NotFound when the hall has none of that id."""
    row = connection.execute(select(exams).where(exams.c.id == exam_id)).first()
    if row is None:
        raise NotFound(f"There is no exam {exam_id} in this hall.")
    rows = connection.execute(select(questions).where(questions.c.exam_id == exam_id)
                              .order_by(questions.c.position)).all()
    return Exam(row.id, row.title, row.duration_seconds, row.shuffle_questions, row.shuffle_options,
                tuple(Question(q.id, q.text, json.loads(q.options), json.loads(q.answer))
                      for q in rows))


def _order(items: list[Any], seed: str) -> list[Any]:
    rng = random.Random(hashlib.sha256(seed.encode()).digest())
    shuffled = list(items)
    rng.shuffle(shuffled)
    return shuffled


def paper_for(exam: Exam, hall_id: str, registration_number: str) -> dict[str, Any]:
    """The paper as this candidate sees it: their order, and no answer key."""
    seed = f"{hall_id}|{exam.id}|{registration_number}"
    ordered = _order(list(exam.questions), seed) if exam.shuffle_questions else list(exam.questions)
    paper = []
    for question in ordered:
        keys = list(question.options)
        if exam.shuffle_options:
            keys = _order(keys, f"{seed}|{question.id}")
        paper.append({"id": question.id, "text": question.text,
                      "options": {k: question.options[k] for k in keys}})
    return {"exam": {"id": exam.id, "title": exam.title, "duration_seconds": exam.duration_seconds},
            "questions": paper}


def check_answers(exam: Exam, answers: dict[str, Any]) -> None:
    """Invalid (422) for an unknown question or an option the question does not have."""
    for question_id, answer in answers.items():
        question = exam.question(question_id)
        if question is None:
            raise Invalid(f"Exam {exam.id} has no question {question_id!r}.",
                          field=f"answers.{question_id}")
        if answer is not None and answer not in question.options:
            raise Invalid(f"Question {question_id} has no option {answer!r}; "
                          f"its options are {', '.join(question.options)}.",
                          field=f"answers.{question_id}")


def check_marked(exam: Exam, marked: list[str]) -> None:
    """Invalid (422) for a marked question the exam does not have."""
    for question_id in marked:
        if exam.question(question_id) is None:
            raise Invalid(f"Exam {exam.id} has no question {question_id!r} to mark.",
                          field="marked_questions")


def score(exam: Exam, answers: dict[str, Any]) -> dict[str, Any]:
    """Score of a set of answers: one mark per right answer, with each question's outcome."""
    outcomes = {q.id: answers.get(q.id) == q.answer for q in exam.questions}
    return {"score": sum(outcomes.values()), "max_score": len(outcomes), "outcomes": outcomes}

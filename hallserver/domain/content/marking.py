"""Marking: the responses a person must mark (essays, and questions an exam file marks manual),
and each mark a marker gives, written through the unit of work and logged in the hash chain.

A mark belongs to a completed session: it goes into the session's result (`given`, sealed with
the rest of the result), the result is scored again with it (`exams.score`), and a `mark_given`
event records who gave which mark, the comment, the mark it replaced and the new score, in the
same transaction. Markers see registration numbers, never names: marking is anonymous.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from examkit.sealing import DataKey
from hallserver.clock import iso
from hallserver.db.models import exam_records
from hallserver.domain.access.staff import StaffMember
from hallserver.domain.content import essays
from hallserver.domain.content import exams as exam_rules
from hallserver.domain.content.exams import Exam, exam_ids, load_exam
from hallserver.domain.content.scoring import answered, number
from hallserver.domain.invigilation.actions import target_session
from hallserver.domain.sessions.live import LiveSession, read_session
from hallserver.domain.work import Work
from hallserver.errors import Conflict, Invalid, NotFound
from hallserver.runtime.exams import ExamShelf
from hallserver.runtime.storage import Storage

MAX_COMMENT = 4000


def _manual(exam: Exam) -> list[Any]:
    return [q for q in exam.questions if q.manual]


def _completed(connection: Connection, key: DataKey, exam_id: str) -> Iterator[LiveSession]:
    rows = connection.execute(select(exam_records.c.candidate_id).where(
        exam_records.c.exam_id == exam_id, exam_records.c.status == "completed")
        .order_by(exam_records.c.id)).scalars().all()
    for candidate_id in rows:
        live = read_session(connection, key, candidate_id, exam_id)
        if live is not None and live.result is not None:
            yield live


def _response(live: LiveSession, question: Any) -> dict[str, Any]:
    answer = live.data.answers.get(question.id)
    mark = ((live.result or {}).get("given") or {}).get(question.id)
    return {"registration_number": live.registration_number, "question_id": question.id,
            "response": answer, "words": essays.word_count(answer) if isinstance(answer, str) else 0,
            "word_limit": (question.marking or {}).get("word_limit"),
            "words_over_limit": essays.words_over_limit(question, answer),
            "marks": mark["marks"] if mark else None, "comment": mark.get("comment", "") if mark else "",
            "marked_by": mark["by"] if mark else None, "marked_at": mark["at"] if mark else None,
            "score": live.result["score"], "max_score": live.result["max_score"]}


def responses_to_mark(connection: Connection, key: DataKey, exam_id: str) -> dict[str, Any]:
    """An exam's questions a person marks (with rubric and model answer) and every answered
    response to them in completed sessions, marked or not."""
    exam = load_exam(connection, exam_id)
    manual = _manual(exam)
    responses = [_response(live, q) for live in _completed(connection, key, exam_id)
                 for q in manual if answered(live.data.answers.get(q.id))]
    return {"exam": {"id": exam.id, "title": exam.title},
            "questions": [{"id": q.id, "text": q.text, "html": q.html,
                           "max_marks": number(q.max_score), **(q.marking or {})} for q in manual],
            "responses": responses,
            "to_mark": sum(r["marks"] is None for r in responses),
            "marked": sum(r["marks"] is not None for r in responses)}


def marking_overview(connection: Connection, key: DataKey) -> list[dict[str, Any]]:
    """Every exam with questions a person marks: how many responses wait, how many are marked."""
    found = []
    for exam_id in exam_ids(connection):
        exam = load_exam(connection, exam_id)
        if _manual(exam):
            listed = responses_to_mark(connection, key, exam_id)
            found.append({"exam_id": exam_id, "title": exam.title, "to_mark": listed["to_mark"],
                          "marked": listed["marked"]})
    return found


def _checked_mark(exam: Exam, question_id: str, marks: float, comment: str) -> Any:
    question = exam.question(question_id)
    if question is None or not question.manual:
        raise NotFound(f"Exam {exam.id} has no question {question_id} that a person marks.")
    if not 0 <= marks <= question.max_score:
        raise Invalid(f"A mark for question {question_id} is between 0 and "
                      f"{number(question.max_score)}, not {number(marks)}.", field="marks")
    if len(comment) > MAX_COMMENT:
        raise Invalid(f"A comment is at most {MAX_COMMENT} characters.", field="comment")
    return question


async def give_mark(storage: Storage, exams: ExamShelf, member: StaffMember, exam_id: str,
                    registration_number: str, question_id: str, marks: float,
                    comment: str = "") -> dict[str, Any]:
    """Gives (or changes) the mark of one response; answers after the mark and its event commit."""
    exam = await exams.exam(exam_id)
    question = _checked_mark(exam, question_id, marks, comment)

    def job(work: Work) -> dict[str, Any]:
        live = target_session(work, registration_number, exam_id)
        if live.status != "completed" or live.result is None:
            raise Conflict(f"{live.registration_number}'s exam {exam_id} is not submitted yet; "
                           "it is marked once it is.")
        if not answered(live.data.answers.get(question_id)):
            raise Conflict(f"{live.registration_number} gave no answer to question {question_id}; "
                           "there is nothing to mark.")
        earlier = (live.result.get("given") or {}).get(question_id)
        mark = {"marks": number(marks), "comment": comment, "by": member.name, "at": iso(work.now)}
        given = {**(live.result.get("given") or {}), question_id: mark}
        result = {**live.result, **exam_rules.score(exam, live.data.answers, given)}
        work.record("mark_given", live.session_id, {
            "exam_id": exam_id, "registration_number": live.registration_number,
            "question_id": question_id, "marks": mark["marks"],
            "max_marks": number(question.max_score), "comment": comment, "by": member.name,
            "previous_marks": earlier["marks"] if earlier else None,
            "score": result["score"], "max_score": result["max_score"], "result": result})
        after = live.evolve(result=result)
        work.stage(live, after)
        return _response(after, question)

    return await storage.write(job)

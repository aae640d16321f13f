"""How events move a session at the central: only forward, and never once it is completed.

The hall's log says everything: `session_started` opens a session, `answers_saved` carries the
fields that changed and the new revision, `lease_moved` names the device, `session_completed`
carries the final answers and the result. A save applies only when its revision is newer than
the one held; a completed session is final at the central, so whatever comes after it (a save
from a restored hall, a second completion) is kept in the log, counted, and changes nothing.
The exceptions are `result_rescored` (an answer key corrected after the exam) and `mark_given`
(a marker's mark of an essay): each replaces the result of a completed session, never its
answers. An essay saved a little at a time comes as `essay_edits` (see `examkit.edits`),
applied in the log's order to the text the central holds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from examkit.edits import EditMismatch, apply_edit

ACTIVE, COMPLETED, SUPERSEDED = "active", "completed", "superseded"
_MOVES = ("session_started", "answers_saved", "lease_moved", "session_completed", "result_rescored",
          "mark_given")


@dataclass
class SessionView:
    """One session as the central holds it."""

    hall_id: str
    session_id: str
    exam_id: str
    registration_number: str
    state: str = ACTIVE
    revision: int = 0
    epoch: int = 0
    last_seq: int = 0
    answers: dict[str, Any] = field(default_factory=dict)
    current_question: Any = None
    marked_questions: list[Any] = field(default_factory=list)
    time_remaining: Any = None
    lease_device: str | None = None
    result: dict[str, Any] | None = None
    started_at: float | None = None
    completed_at: float | None = None
    updated_at: float = 0.0
    ignored_after_final: int = 0

    def sealed_part(self) -> dict[str, Any]:
        """What is sealed in the row."""
        return {"answers": self.answers, "current_question": self.current_question,
                "marked_questions": self.marked_questions, "time_remaining": self.time_remaining,
                "lease_device": self.lease_device, "result": self.result}

    def copy(self) -> SessionView:
        """A deep-enough copy (values are replaced, never mutated in place)."""
        return dataclasses.replace(self, answers=dict(self.answers),
                                   marked_questions=list(self.marked_questions))


def moves_sessions(kind: str) -> bool:
    """Whether events of this kind change a session."""
    return kind in _MOVES


def apply(view: SessionView | None, hall_id: str, body: dict[str, Any], epoch: int,
          seq: int) -> SessionView | None:
    """The session after one event (a new object when it changed; the same one when not)."""
    kind, session_id = body.get("kind"), body.get("session_id")
    if kind not in _MOVES or not isinstance(session_id, str):
        return view
    if kind in ("result_rescored", "mark_given"):
        return _rescored(view, body, epoch, seq)
    if view is None:
        view = SessionView(hall_id, session_id, str(body.get("exam_id", "")),
                           str(body.get("registration_number", "")), started_at=body.get("at"))
    elif view.state == COMPLETED:
        if kind != "session_started":
            view = view.copy()
            view.ignored_after_final += 1
        return view
    else:
        view = view.copy()
    view.state = ACTIVE if view.state == SUPERSEDED else view.state
    if kind == "answers_saved":
        _save(view, body)
    elif kind == "lease_moved":
        view.lease_device = body.get("to_device")
    elif kind == "session_completed":
        _complete(view, body)
    elif kind == "session_started":
        view.lease_device = view.lease_device or body.get("device")
    view.epoch, view.last_seq, view.updated_at = epoch, seq, float(body.get("at") or 0.0)
    return view


def _save(view: SessionView, body: dict[str, Any]) -> None:
    revision = body.get("revision")
    if not isinstance(revision, int) or revision <= view.revision:
        return  # an older or equal revision never rolls the session back
    changes = body.get("changes") or {}
    for question, answer in (changes.get("answers") or {}).items():
        if answer is None:
            view.answers.pop(question, None)
        else:
            view.answers[question] = answer
    for question, edit in (changes.get("essay_edits") or {}).items():
        try:
            text = apply_edit(str(view.answers.get(question) or ""), edit)
        except (EditMismatch, KeyError, TypeError, ValueError):
            continue  # never seen at a hall that checked it; the completion carries it whole
        if text:
            view.answers[question] = text
        else:
            view.answers.pop(question, None)
    for name in ("current_question", "marked_questions", "time_remaining"):
        if name in changes:
            setattr(view, name, changes[name])
    view.revision = revision


def _complete(view: SessionView, body: dict[str, Any]) -> None:
    view.state = COMPLETED
    view.answers = dict(body.get("answers") or {})
    view.result = body.get("result")
    revision = body.get("revision")
    view.revision = revision if isinstance(revision, int) else view.revision
    view.completed_at = body.get("at")


def _rescored(view: SessionView | None, body: dict[str, Any], epoch: int,
              seq: int) -> SessionView | None:
    result = body.get("result")
    if view is None or view.state != COMPLETED or not isinstance(result, dict):
        return view  # only a completed session's result is ever rescored
    view = view.copy()
    view.result = result
    view.epoch, view.last_seq, view.updated_at = epoch, seq, float(body.get("at") or 0.0)
    return view

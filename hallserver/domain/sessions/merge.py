"""The merge rule for saves: per field, the save with the highest device_seq wins.

A save is partial: it carries only the fields that changed. Each field of the session remembers
the device_seq that last set it (a "stamp"), so a replayed save (same seq) or a late one (lower
seq) never rolls a field back, and any interleaving of one device's saves ends as if they had been
applied in device_seq order. A cleared answer keeps its stamp, so a late save cannot revive it.
Stamps restart when the lease moves to another device: its sequence is its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ANSWER_PREFIX = "answers/"
SCALAR_FIELDS = ("current_question", "marked_questions", "time_remaining", "tool_state")


@dataclass
class SessionData:
    """What a candidate has done: position, answers, marks, the client's clock, and stamps."""

    current_question: int | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    marked_questions: list[str] = field(default_factory=list)
    time_remaining: float | None = None
    stamps: dict[str, int] = field(default_factory=dict)
    # The candidate's marks with the exam's tools (struck-out options, highlights): kept and
    # replicated like the rest, never read as answers.
    tool_state: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """Everything, for sealing in the session row."""
        return {"current_question": self.current_question, "answers": self.answers,
                "marked_questions": self.marked_questions, "time_remaining": self.time_remaining,
                "stamps": self.stamps, "tool_state": self.tool_state}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionData:
        """The inverse of to_json."""
        return cls(current_question=data.get("current_question"),
                   answers=dict(data.get("answers") or {}),
                   marked_questions=list(data.get("marked_questions") or []),
                   time_remaining=data.get("time_remaining"),
                   stamps=dict(data.get("stamps") or {}), tool_state=data.get("tool_state"))

    def public(self) -> dict[str, Any]:
        """What restore returns: no stamps."""
        return {"current_question": self.current_question, "answers": dict(self.answers),
                "marked_questions": list(self.marked_questions),
                "time_remaining": self.time_remaining, "tool_state": self.tool_state}

    def copy(self) -> SessionData:
        """A copy whose changes leave this one alone (values are replaced, never mutated)."""
        return SessionData(self.current_question, dict(self.answers), list(self.marked_questions),
                           self.time_remaining, dict(self.stamps), self.tool_state)


def flatten(save: dict[str, Any]) -> dict[str, Any]:
    """A save's fields, one per answer: {"current_question": 5, "answers/1": "A", ...}."""
    fields = {name: save[name] for name in SCALAR_FIELDS if name in save}
    for question_id, answer in (save.get("answers") or {}).items():
        fields[ANSWER_PREFIX + question_id] = answer
    return fields


def apply_fields(data: SessionData, fields: dict[str, Any], device_seq: int | None) -> dict[str, Any]:
    """Applies the fields that are newer than what the session holds; returns those applied.

    A save without a device_seq always applies, stamped with the newest stamp seen, so a later
    save that carries one still wins and an equal replay does not.
    """
    stamps, answers = data.stamps, data.answers
    stamp = device_seq if device_seq is not None else max(stamps.values(), default=0)
    applied: dict[str, Any] = {}
    for name, value in fields.items():
        if device_seq is not None and stamps.get(name, -1) >= device_seq:
            continue
        if name.startswith(ANSWER_PREFIX):
            question_id = name[len(ANSWER_PREFIX):]
            if value is None:
                answers.pop(question_id, None)
            else:
                answers[question_id] = value
        else:
            setattr(data, name, value)
        stamps[name] = stamp
        applied[name] = value
    return applied


def unflatten(fields: dict[str, Any]) -> dict[str, Any]:
    """The inverse of flatten: what an event body records of a save."""
    out: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    for name, value in fields.items():
        if name.startswith(ANSWER_PREFIX):
            answers[name[len(ANSWER_PREFIX):]] = value
        else:
            out[name] = value
    if answers:
        out["answers"] = answers
    return out

"""Saving an essay a little at a time: an edit against the text the hall acknowledged.

Why edits and not the whole text, debounced: a 3,000-word essay is about 18 KB, and a page that
saves every second or two would send it again each time: megabytes an hour per candidate over
the hall's LAN, and as much again into the log (every save is an event). An edit carries only
what changed since the last acknowledged save: the page diffs the text it last had acknowledged
against the text now (one common prefix, one common suffix: one splice covering every keystroke
since), so a save is a few dozen bytes however long the essay.

The rules that keep it safe (see `examkit.edits` for the checksums):

- An edit names the checksum of the text it applies to (`base`) and of the text it makes
  (`result`). The hall applies it in the unit of work, to the text the session holds at that
  moment, and checks the result; the save is acknowledged only after its commit, as every save.
- A replay (the page resends a sealed batch whose answer was lost) is recognised twice over:
  its device_seq is not newer than the answer's stamp (the merge rule), and the hall's text
  already has the `result` checksum. Either way it changes nothing.
- Any other mismatch (a restored hall, a page whose record of the acknowledged text was lost)
  is refused with 409 `essay_out_of_step` naming the question; the page then sends that essay's
  whole text, which always applies. Nothing the candidate typed is lost either way: the page's
  journal holds the whole text until the hall acknowledges it.
- The log records the edit, not the text: the central applies the same edits in the same order
  (`syncd.central.projection`), and the completion event carries every answer whole.
"""

from __future__ import annotations

from typing import Any

from examkit.edits import EditMismatch, apply_edit, checksum
from hallserver.domain.content.essays import MAX_ESSAY
from hallserver.domain.content.exams import Exam
from hallserver.domain.sessions.merge import ANSWER_PREFIX, SessionData
from hallserver.errors import EssayOutOfStep, Invalid

EDITS = "essay_edits"


def check_edits(exam: Exam, save: dict[str, Any]) -> None:
    """Invalid (422) for an edit of a question that is not an essay, or of one also sent whole."""
    for question_id in save.get(EDITS) or {}:
        question = exam.question(question_id)
        if question is None or question.kind != "essay":
            raise Invalid(f"Question {question_id} of exam {exam.id} is not an essay; only an "
                          "essay's answer is sent as an edit.", field=f"{EDITS}.{question_id}")
        if question_id in (save.get("answers") or {}):
            raise Invalid(f"The save sends question {question_id} both whole and as an edit; "
                          "send one.", field=f"{EDITS}.{question_id}")


def _out_of_step(question_id: str, held: str) -> EssayOutOfStep:
    return EssayOutOfStep(f"The hall's copy of your answer to question {question_id} is not the "
                          "one this page built on; the page sends it whole.",
                          question=question_id, checksum=held)


def resolve(data: SessionData, edits: dict[str, Any] | None,
            device_seq: int | None) -> dict[str, Any]:
    """The answers the edits make of the session's texts, as save fields ("answers/<id>")."""
    fields: dict[str, Any] = {}
    for question_id, edit in (edits or {}).items():
        name = ANSWER_PREFIX + question_id
        if device_seq is not None and data.stamps.get(name, -1) >= device_seq:
            continue  # a replay or a late save: the merge would not apply it anyway
        held = data.answers.get(question_id) or ""
        here = checksum(held)
        if here == edit["result"]:
            continue  # already applied: its answer was lost on the way back
        if here != edit["base"]:
            raise _out_of_step(question_id, here)
        try:
            text = apply_edit(held, edit)
        except EditMismatch as err:
            raise _out_of_step(question_id, here) from err
        if checksum(text) != edit["result"]:
            raise _out_of_step(question_id, here)
        if len(text) > MAX_ESSAY:
            raise Invalid(f"The answer to question {question_id} would be longer than "
                          f"{MAX_ESSAY} characters.", field=f"{EDITS}.{question_id}")
        fields[name] = text or None
    return fields


def as_logged(changes: dict[str, Any], edits: dict[str, Any] | None) -> dict[str, Any]:
    """The changes an event records: an essay changed by an edit is logged as the edit."""
    answers = dict(changes.get("answers") or {})
    logged = {question_id: edits[question_id] for question_id in list(answers)
              if question_id in (edits or {})}
    if not logged:
        return changes
    for question_id in logged:
        answers.pop(question_id)
    shown = {k: v for k, v in changes.items() if k != "answers"}
    if answers:
        shown["answers"] = answers
    return {**shown, EDITS: logged}

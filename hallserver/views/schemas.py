"""The request bodies the hall accepts, checked strictly (a "5" is not a 5) and described in OpenAPI."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints


def _whole(value: object) -> object:
    """2.0 is the whole number 2: JSON does not tell them apart, and some encoders send it."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# A whole number, written 2 or 2.0 (never "2", never true): JSON Schema's "integer".
WHOLE = BeforeValidator(_whole)

from examkit.edits import CHECKSUM
from hallserver.domain.content.essays import MAX_ESSAY
from hallserver.domain.content.exam_content import LanguageTag

QuestionId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
OptionKey = Annotated[str, StringConstraints(min_length=1, max_length=64)]
# An answer: an option key or typed text (a string), option keys (a list), or null to clear it.
# The exam checks the shape each question takes (domain/exams.py: check_answers).
TextOrKey = Annotated[str, StringConstraints(max_length=MAX_ESSAY)]  # each kind has its limit
AnswerValue = TextOrKey | Annotated[list[OptionKey], Field(max_length=200)] | None
Answers = Annotated[dict[QuestionId, AnswerValue], Field(max_length=2000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class LoginRequest(_Body):
    """A candidate's login."""

    registration_number: Annotated[str, StringConstraints(min_length=1, max_length=64,
                                                          strip_whitespace=True)]
    pin: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class ToolState(_Body):
    """A candidate's marks with the exam's tools: options struck out, highlighted spans of text."""

    eliminated: Annotated[dict[QuestionId, Annotated[list[OptionKey], Field(max_length=200)]],
                          Field(max_length=2000)] = Field(default_factory=dict)
    highlights: Annotated[dict[QuestionId, Annotated[list[Annotated[list[Annotated[int, Field(ge=0, le=100_000)]],
                                                                    Field(min_length=2, max_length=2)]],
                                                     Field(max_length=200)]],
                          Field(max_length=2000)] = Field(default_factory=dict)
    language: LanguageTag | None = None   # the interface language the candidate chose


class EssayEdit(_Body):
    """An essay's edit: `delete` characters at `at` replaced by `insert`, from the text whose
    checksum is `base` to the one whose checksum is `result` (see examkit/edits.py)."""

    at: Annotated[int, Field(ge=0, le=MAX_ESSAY), WHOLE]
    delete: Annotated[int, Field(ge=0, le=MAX_ESSAY), WHOLE]
    insert: Annotated[str, StringConstraints(max_length=MAX_ESSAY)]
    base: Annotated[str, StringConstraints(pattern=CHECKSUM.pattern)]
    result: Annotated[str, StringConstraints(pattern=CHECKSUM.pattern)]


class SaveRequest(_Body):
    """A save: every field optional, only what changed. A null answer clears it."""

    current_question: Annotated[int, Field(ge=0, le=100_000), WHOLE] | None = None
    answers: Answers | None = None
    time_remaining: Annotated[float, Field(ge=0)] | None = None
    marked_questions: Annotated[list[QuestionId], Field(max_length=2000)] | None = None
    tool_state: ToolState | None = None
    essay_edits: Annotated[dict[QuestionId, EssayEdit], Field(max_length=200)] | None = None
    device_seq: Annotated[int, Field(ge=0, le=2**53), WHOLE] | None = None
    base_revision: Annotated[int, Field(ge=0), WHOLE] | None = None


class CompleteRequest(_Body):
    """Submitting the exam, with the answers as the page holds them."""

    final_answers: Answers | None = None
    time_spent: Annotated[float, Field(ge=0)] | None = None


class StaffLoginRequest(_Body):
    """A member of staff logging in."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class DeskRequest(_Body):
    """The desk name a candidate's PC gets in the seat plan."""

    desk: Annotated[str, StringConstraints(min_length=1, max_length=40, strip_whitespace=True)]


class ExtendRequest(_Body):
    """Extra time for one candidate, and why (kept in the log)."""

    minutes: Annotated[int, Field(ge=1, le=600), WHOLE]
    reason: Annotated[str, StringConstraints(max_length=200)] = ""


class PageReport(_Body):
    """What a candidate's page reports of its own trouble (saves failing, time offline)."""

    failed_saves: Annotated[int, Field(ge=0, le=1_000_000), WHOLE] = 0
    offline_seconds: Annotated[float, Field(ge=0, le=86_400)] = 0
    pending_changes: Annotated[int, Field(ge=0, le=1_000_000), WHOLE] = 0


class Notice(BaseModel):
    """Something the hall tells a candidate's page at once."""

    version: str = Field(description="This notice's version: `<run of the server>-<number>`.")
    kind: str = Field(description=(
        "For this candidate: paused, resumed, time_extended, force_submitted, move_approved "
        "(data: exam_id, status, deadline, time_remaining, paused), lease_moved (data: exam_id; "
        "the exam moved to the candidate's login on another PC), admitted (data: sitting_id; "
        "a late candidate let in); for the whole hall: hall_paused, hall_resumed (data: "
        "paused), sitting_started, sitting_ended (data: sitting_id, exam_ids). A page that "
        "does not know a kind asks the hall for its state."))
    data: dict[str, Any]


class NoticesAnswer(BaseModel):
    """A long poll's answer: the notices after the page's version, or `reset`."""

    version: str = Field(description="Send it back as `after` in the next poll.")
    reset: bool = Field(description=(
        "The page's version is from another run of the server (a restart) or too old: it has "
        "missed notices, so it asks the hall for its exam's state again."))
    notices: list[Notice]


Minutes = Annotated[int, Field(ge=0, le=24 * 60)]
ExamId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
RegistrationNumber = Annotated[str, StringConstraints(min_length=1, max_length=64,
                                                      strip_whitespace=True)]
IsoTime = Annotated[str, StringConstraints(min_length=10, max_length=40)]


class SittingRequest(_Body):
    """A new sitting: its exams, scheduled start (ISO 8601) and settings; candidates by
    registration number (absent: every candidate registered for the exams)."""

    exams: Annotated[list[ExamId], Field(min_length=1, max_length=50)]
    starts_at: IsoTime
    name: Annotated[str, StringConstraints(max_length=200)] = ""
    policy: Literal["common_end", "own_clock"] = "common_end"
    late_entry_minutes: Minutes = 30
    check_in_minutes: Minutes = 60
    instructions: Annotated[str, StringConstraints(max_length=5000)] = ""
    candidates: Annotated[list[RegistrationNumber], Field(min_length=1, max_length=10_000)] | None = None


class SittingChange(_Body):
    """Settings of a sitting to change before its start (only those given)."""

    starts_at: IsoTime | None = None
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    policy: Literal["common_end", "own_clock"] | None = None
    late_entry_minutes: Minutes | None = None
    check_in_minutes: Minutes | None = None
    instructions: Annotated[str, StringConstraints(max_length=5000)] | None = None


class AdmitRequest(_Body):
    """Letting a late candidate in: the minutes they get, and why (kept in the log)."""

    minutes: Annotated[int, Field(ge=1, le=600)]
    reason: Annotated[str, StringConstraints(max_length=200)] = ""


class ReleaseRequest(_Body):
    """A sealed sitting's release code, as the central gave it."""

    code: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class IncidentRequest(_Body):
    """An incident: its category, what happened, the candidate (absent: the whole hall) and when
    (absent: now)."""

    category: Literal["illness", "misconduct", "technical", "power", "other"]
    text: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    registration_number: RegistrationNumber | None = None
    occurred_at: IsoTime | None = None


class MarkRequest(_Body):
    """A marker's mark of one response: within the question's marks, with an optional comment."""

    marks: Annotated[float, Field(ge=0, le=1000)] | Annotated[int, Field(ge=0, le=1000)]
    comment: Annotated[str, StringConstraints(max_length=4000)] = ""

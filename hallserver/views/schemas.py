"""The request bodies the hall accepts, checked strictly (a "5" is not a 5) and described in OpenAPI."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

QuestionId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
OptionKey = Annotated[str, StringConstraints(min_length=1, max_length=64)]
# An answer: an option key or typed text (a string), option keys (a list), or null to clear it.
# The exam checks the shape each question takes (domain/exams.py: check_answers).
TextOrKey = Annotated[str, StringConstraints(max_length=2000)]
AnswerValue = TextOrKey | Annotated[list[OptionKey], Field(max_length=200)] | None
Answers = Annotated[dict[QuestionId, AnswerValue], Field(max_length=2000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class LoginRequest(_Body):
    """A candidate's login."""

    registration_number: Annotated[str, StringConstraints(min_length=1, max_length=64,
                                                          strip_whitespace=True)]
    pin: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class SaveRequest(_Body):
    """A save: every field optional, only what changed. A null answer clears it."""

    current_question: Annotated[int, Field(ge=0, le=100_000)] | None = None
    answers: Answers | None = None
    time_remaining: Annotated[float, Field(ge=0)] | None = None
    marked_questions: Annotated[list[QuestionId], Field(max_length=2000)] | None = None
    device_seq: Annotated[int, Field(ge=0, le=2**53)] | None = None
    base_revision: Annotated[int, Field(ge=0)] | None = None


class CompleteRequest(_Body):
    """Submitting the exam, with the answers as the page holds them."""

    final_answers: Answers | None = None
    time_spent: Annotated[float, Field(ge=0)] | None = None


class StaffLoginRequest(_Body):
    """A member of staff logging in."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class ExtendRequest(_Body):
    """Extra time for one candidate, and why (kept in the log)."""

    minutes: Annotated[int, Field(ge=1, le=600)]
    reason: Annotated[str, StringConstraints(max_length=200)] = ""


class PageReport(_Body):
    """What a candidate's page reports of its own trouble (saves failing, time offline)."""

    failed_saves: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    offline_seconds: Annotated[float, Field(ge=0, le=86_400)] = 0
    pending_changes: Annotated[int, Field(ge=0, le=1_000_000)] = 0

"""An exam as the hall holds it, whatever it was written in (our JSON, QTI 2.1 or 2.2).

Question kinds: "choice" (one option key), "multiple" (a list of option keys), "text" (a
string typed by the candidate) and "match" (pairs "STEM OPTION" joining each of `stems` to one
of `options`, a list; QTI's directedPair); inline, order, hottext, gap_match, associate, hotspot
and point are described in `answer_kinds`; "essay" is a long text a person marks (see `essays`).
A question is marked by a person (`manual`) when it is an essay or its exam file says so.
`answer` is the key as a candidate would give it; `scoring`, when
present, is the item's QTI response processing (see `qti.processing`). Neither ever leaves the hall.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import StringConstraints

KINDS = ("choice", "multiple", "text", "match",  # and after them those of `answer_kinds`:
         "inline", "order", "hottext", "gap_match", "associate", "hotspot", "point",
         "essay")
DEFAULT_LANGUAGE = "en"
# A BCP 47 tag as exam files and QTI's xml:lang write it: "fr", "ar", "pt-BR", "zh-Hant".
LANGUAGE_TAG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
LanguageTag = Annotated[str, StringConstraints(pattern=LANGUAGE_TAG, max_length=35)]


@dataclass(frozen=True)
class ExamTools:
    """The on-screen tools an exam allows its candidates; none unless the exam file says so."""

    calculator: str | None = None              # "basic", "scientific" or None
    eliminator: bool = False                   # striking out options
    highlighter: bool = False                  # highlighting the question text

    def to_json(self) -> dict[str, Any]:
        """Only the tools allowed, as the exam file writes them."""
        shown: dict[str, Any] = {}
        if self.calculator:
            shown["calculator"] = self.calculator
        if self.eliminator:
            shown["eliminator"] = True
        if self.highlighter:
            shown["highlighter"] = True
        return shown

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ExamTools:
        """The inverse of to_json."""
        data = data or {}
        return cls(calculator=data.get("calculator"), eliminator=bool(data.get("eliminator")),
                   highlighter=bool(data.get("highlighter")))


@dataclass(frozen=True)
class Question:
    """One question: what the candidate sees, how it may be answered, and how it is scored."""

    id: str
    kind: str
    text: str                                  # plain text (exports, screen readers, old pages)
    html: str                                  # sanitised HTML of the stem
    options: dict[str, str]                    # key -> plain text, the author's order
    answer: Any                                # key, [keys] or the expected text (None: no key)
    options_html: dict[str, str] = field(default_factory=dict)
    scoring: dict[str, Any] | None = None      # QTI response processing; None: the hall's own rule
    max_score: float = 1.0
    fixed_options: tuple[str, ...] = ()        # options that keep their place when shuffled
    shuffle: bool | None = None                # None: the exam's shuffle_options decides
    fixed: bool = False                        # keeps its place when questions are shuffled
    min_choices: int = 0
    max_choices: int = 0                       # 0: any number (multiple)
    expected_length: int | None = None
    numeric: bool = False                      # text entry scored as a number
    case_sensitive: bool = False               # text entry of a JSON exam
    stems: dict[str, str] = field(default_factory=dict)       # match: key -> plain text
    stems_html: dict[str, str] = field(default_factory=dict)
    marking: dict[str, Any] | None = None      # a person marks it: see essays.Marking.to_json
    areas: dict[str, str] = field(default_factory=dict)       # hotspot: key -> "SHAPE COORDS"

    @property
    def manual(self) -> bool:
        """True when a person, not the hall, gives its marks."""
        return self.marking is not None

    def presentation(self) -> dict[str, Any]:
        """What the `content` column keeps of the presentation."""
        return {"options_html": self.options_html, "fixed_options": list(self.fixed_options),
                "shuffle": self.shuffle, "fixed": self.fixed, "min_choices": self.min_choices,
                "max_choices": self.max_choices, "expected_length": self.expected_length,
                "numeric": self.numeric, "case_sensitive": self.case_sensitive,
                **({"stems": self.stems, "stems_html": self.stems_html} if self.stems else {}),
                **({"marking": self.marking} if self.marking is not None else {}),
                **({"areas": self.areas} if self.areas else {})}

    def same_paper(self, other: Question) -> bool:
        """True when a candidate would see the same question (only the key may differ)."""
        seen = ("id", "kind", "text", "html", "options", "options_html", "fixed_options", "stems",
                "stems_html", "areas")
        return all(getattr(self, name) == getattr(other, name) for name in seen)


@dataclass(frozen=True)
class Asset:
    """A file of a content package the questions show (an image), served by the hall."""

    name: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class ExamContent:
    """A whole exam, ready to store."""

    id: str
    title: str
    duration_minutes: int | None
    questions: tuple[Question, ...]
    shuffle_questions: bool = False
    shuffle_options: bool = False
    assets: tuple[Asset, ...] = ()
    language: str = DEFAULT_LANGUAGE
    tools: ExamTools = field(default_factory=ExamTools)


@dataclass(frozen=True)
class Refusal:
    """An item the hall cannot take, and why."""

    item: str
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.item} ({self.source}): {self.reason}"


@dataclass(frozen=True)
class ExamImport:
    """What reading an exam file gave: the exam, the items refused, and warnings."""

    content: ExamContent
    source: str                                # e.g. "QTI 2.1 assessmentTest"
    refused: tuple[Refusal, ...] = ()
    warnings: tuple[str, ...] = ()

"""What reading a question bank collects: questions, refusals with where and why, warnings, images.

A bank's reader calls `take(name, where, build)` once per question; `build` returns the question
or raises `Unsupported`, which becomes a refusal naming the question and its place in the file.
Images embedded in the bank (Moodle's base64 `<file>` elements) become the exam's assets.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hallserver.domain.content.exam_content import Asset, ExamContent, ExamImport, Question, Refusal
from hallserver.domain.content.formats.items import question_id
from hallserver.domain.content.qti.items import MAX_KEY
from hallserver.domain.content.qti.packages import asset_url, media_type, stored_name
from hallserver.domain.content.qti.processing import Unsupported
from hallserver.errors import Invalid

Report = Callable[[int, int], None]
_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\b(src|alt)\s*=\s*("([^"]*)"|'([^']*)')""", re.IGNORECASE)


def exam_id_for(path: Path, override: str | None) -> str:
    """The exam's id: the one given, else the file's name (letters, digits, '-', '_', '.')."""
    found = override or question_id(path.name.split(".")[0], set(), 0)
    if not 0 < len(found) <= MAX_KEY:
        raise Invalid(f"{path.name}: the exam id {found!r} must have 1 to {MAX_KEY} characters; "
                      "give one with --id.")
    return found


@dataclass
class Bank:
    """The questions of one bank file as they are read."""

    path: Path
    exam_id: str
    source: str
    questions: list[Question] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    assets: dict[str, Asset] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    report: Report | None = None               # (questions read, questions in the file)
    total: int = 0

    def next_id(self, name: str) -> str:
        """A unique question id from the question's name."""
        return question_id(name, self.ids, len(self.ids) + 1)

    def take(self, name: str, where: str, build: Callable[[str], Question]) -> None:
        """Builds one question under a fresh id, or records why it cannot be taken."""
        qid = self.next_id(name)
        try:
            self.questions.append(build(qid))
        except Unsupported as err:
            self.ids.discard(qid)
            self.refused.append(Refusal(name or qid, f"{self.path.name}, {where}", str(err)))
        if self.report is not None:
            self.report(len(self.questions) + len(self.refused), self.total)

    def refuse(self, name: str, where: str, reason: str) -> None:
        """Records a question the hall cannot take."""
        self.refused.append(Refusal(name, f"{self.path.name}, {where}", reason))

    def embed(self, markup: str, files: dict[str, bytes], question: str,
              prefix: str = "@@PLUGINFILE@@/") -> str:
        """The markup with its embedded images served by the hall; others become their alt text."""
        def image(found: re.Match[str]) -> str:
            tag = found.group(0)
            matches = {m.group(1).lower(): m for m in _ATTRIBUTE.finditer(tag)}
            attributes = {k: m.group(3) if m.group(3) is not None else m.group(4)
                          for k, m in matches.items()}
            src = html.unescape(attributes.get("src", ""))
            name = src.removeprefix(prefix)
            data = files.get(name) if src.startswith(prefix) else None
            kind = media_type(name, data) if data is not None else None
            if kind is None:
                self.warnings.append(f"{question}: image {src!r} is not in the file; its alt text "
                                     "is shown instead")
                alt = html.escape(html.unescape(attributes.get("alt") or "image"))
                return f'<span class="missing-image">[{alt}]</span>'
            asset = Asset(stored_name(kind, data), kind, data)
            self.assets[asset.name] = asset
            start, end = matches["src"].span()
            rest = (tag[:start] + tag[end:]).rstrip("/> ")  # src last, as the QTI reader writes it
            return f'{rest} src="{asset_url(self.exam_id, asset.name)}">'
        return _IMAGE.sub(image, markup)

    def result(self, title: str) -> ExamImport:
        """The exam read: its questions, the images they show, what was refused."""
        shown = "".join(q.html + "".join(q.options_html.values()) for q in self.questions)
        used = tuple(a for a in self.assets.values() if asset_url(self.exam_id, a.name) in shown)
        content = ExamContent(id=self.exam_id, title=title[:200] or self.exam_id,
                              duration_minutes=None, questions=tuple(self.questions), assets=used)
        return ExamImport(content, self.source, tuple(self.refused), tuple(self.warnings))

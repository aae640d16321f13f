"""Whole QTI sources as exams: a single item, an assessmentTest with its items beside it, and a
content package (a zip whose imsmanifest.xml names a test, or items).

Items are read in the test's order (sections flattened); each is taken or refused with its
reason. Images the items show are collected once, checked to be images, and given the address
the hall serves them at. A hostile file (an XML bomb, an external entity) stops the whole import.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote
from xml.etree.ElementTree import Element

from hallserver.domain.content.exam_content import (DEFAULT_LANGUAGE, LANGUAGE_TAG, Asset, ExamContent,
                                                    ExamImport, Question, Refusal)
from hallserver.domain.content.qti.body import AssetResolver
from hallserver.domain.content.qti.items import MAX_KEY, read_item
from hallserver.domain.content.qti.processing import Unsupported
from hallserver.domain.content.qti.source import FolderSource, Source, ZipSource, resolve
from hallserver.domain.content.qti.xml import XML_LANG, child, children, flag, local, parse_xml, qti_version
from hallserver.errors import Invalid

MAX_IMAGE_BYTES = 8 * 1024 * 1024
ASSET_PATH = "/exam-assets"
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
          (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"))


def media_type(name: str, data: bytes) -> str | None:
    """The image type of a file, from its bytes (SVG: from its root element); None if not an image."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if name.lower().endswith(".svg"):
        try:
            return "image/svg+xml" if local(parse_xml(data, name)) == "svg" else None
        except Invalid:
            return None
    return None


def stored_name(kind: str, data: bytes) -> str:
    """An image's name in the hall: its digest (one flat, safe name per content) and extension."""
    extension = {"image/jpeg": ".jpg", "image/svg+xml": ".svg"}.get(kind, "." + kind.split("/")[1])
    return hashlib.sha256(data).hexdigest()[:32] + extension


def asset_url(exam_id: str, name: str) -> str:
    """Where the hall serves an exam's image."""
    return f"{ASSET_PATH}/{quote(exam_id, safe='')}/{quote(name)}"


class _Reader:
    """Collects questions, refusals, warnings and images while items are read."""

    def __init__(self, source: Source, exam_id: str) -> None:
        self.source, self.exam_id = source, exam_id
        self.questions: list[Question] = []
        self.refused: list[Refusal] = []
        self.warnings: list[str] = []
        self.assets: dict[str, Asset] = {}
        self.languages: list[str] = []   # the items' xml:lang, in order

    def resolver(self, item_name: str, missing: list[tuple[str, str]]) -> AssetResolver:
        """Resolves an item's images; what it cannot show goes to `missing` (src, why)."""
        def resolve_image(src: str) -> str | None:
            name = resolve(item_name, src)
            if name is None:
                missing.append((src, "is outside the package (the hall fetches nothing)"))
                return None
            if name not in self.assets:
                data = self.source.read(name, MAX_IMAGE_BYTES)
                kind = media_type(name, data) if data is not None else None
                if kind is None:
                    missing.append((src, "is not in the package" if data is None else
                                    "is not an image the hall can show (PNG, JPEG, GIF, WebP, SVG)"))
                    return None
                self.assets[name] = Asset(stored_name(kind, data), kind, data)
            return asset_url(self.exam_id, self.assets[name].name)
        return resolve_image

    def add_item(self, name: str | None, question_id: str | None, fixed: bool = False) -> None:
        """Reads one item file: a question, or a refusal with its reason."""
        data = self.source.read(name) if name else None
        if data is None:
            self.refused.append(Refusal(question_id or "?", name or "?", "the file is not there"))
            return
        root = parse_xml(data, name)
        question_id = question_id or root.get("identifier", "")
        try:
            qti_version(root, name)
            self._take(root, name, question_id, fixed)
        except Invalid as err:
            self.refused.append(Refusal(question_id or name, name, err.message))
        except Unsupported as err:
            self.refused.append(Refusal(question_id, name, str(err)))

    def _take(self, root: Element, name: str, question_id: str, fixed: bool) -> None:
        if not 0 < len(question_id) <= MAX_KEY:
            raise Unsupported(f"its identifier must have 1 to {MAX_KEY} characters")
        if any(q.id == question_id for q in self.questions):
            raise Unsupported(f"another item already has the identifier {question_id}")
        missing: list[tuple[str, str]] = []
        question, warnings = read_item(root, question_id, self.resolver(name, missing))
        if len(set(question.options_html.values())) < len(question.options_html):
            lacking = ", ".join(src for src, _ in missing)
            raise Unsupported("its choices cannot be told apart" + (
                f" without their images, which are not in the package ({lacking})" if missing else ""))
        if fixed:
            question = replace(question, fixed=True)
        self.questions.append(question)
        language = root.get(XML_LANG, "")
        if re.match(LANGUAGE_TAG, language) and len(language) <= 35:
            self.languages.append(language)
        self.warnings.extend(f"{question_id}: image {src!r} {why}; its alt text is shown instead"
                             for src, why in missing)
        self.warnings.extend(warnings)

    def result(self, title: str, duration: int | None, shuffle: bool, source: str) -> ExamImport:
        """The exam read so far, with the images its questions show."""
        shown = "".join(q.html + "".join(q.options_html.values()) for q in self.questions)
        used = {a.name: a for a in self.assets.values() if asset_url(self.exam_id, a.name) in shown}
        content = ExamContent(id=self.exam_id, title=title[:200] or self.exam_id,
                              duration_minutes=duration, questions=tuple(self.questions),
                              shuffle_questions=shuffle, assets=tuple(used.values()),
                              language=self.languages[0] if self.languages else DEFAULT_LANGUAGE)
        return ExamImport(content, source, tuple(self.refused), tuple(self.warnings))


def _exam_id(found: str, override: str | None, name: str) -> str:
    exam_id = (override or found or "").strip()
    if not 0 < len(exam_id) <= MAX_KEY:
        raise Invalid(f"{name}: the exam id {exam_id!r} must have 1 to {MAX_KEY} characters; "
                      "give one with --id.")
    return exam_id


def _minutes(element: Element) -> int | None:
    limits = child(element, "timeLimits")
    seconds = limits.get("maxTime") if limits is not None else None
    try:
        return math.ceil(float(seconds) / 60) if seconds else None
    except ValueError:
        return None


def _section(reader: _Reader, section: Element, base: str) -> bool:
    """Reads a section's items in order; True when the section shuffles them."""
    selection = child(section, "selection")
    if selection is not None:
        raise Invalid(f"{base}: section {section.get('identifier')} selects "
                      f"{selection.get('select')} of its items per candidate; the hall gives "
                      "every candidate every item. Remove the selection, or import the items.")
    ordering = child(section, "ordering")
    shuffled = ordering is not None and flag(ordering, "shuffle")
    for part in section:
        if local(part) == "assessmentItemRef":
            reader.add_item(resolve(base, part.get("href", "")), part.get("identifier"),
                            flag(part, "fixed"))
        elif local(part) == "assessmentSection":
            shuffled = _section(reader, part, base) or shuffled
        elif local(part) == "assessmentSectionRef":
            raise Invalid(f"{base}: section references (assessmentSectionRef) are not supported.")
    return shuffled


def _test(source: Source, name: str, root: Element, override: str | None, kind: str) -> ExamImport:
    reader = _Reader(source, _exam_id(root.get("identifier", ""), override, name))
    duration = _minutes(root)
    shuffled = False
    for part in children(root, "testPart"):
        duration = duration or _minutes(part)
        for section in children(part, "assessmentSection"):
            shuffled = _section(reader, section, name) or shuffled
    return reader.result(root.get("title", ""), duration, shuffled, kind)


def load_xml(path: Path, exam_id: str | None = None) -> ExamImport:
    """A QTI item file, or an assessmentTest with its item files beside it."""
    source = FolderSource(path.parent)
    root = parse_xml(source.read(path.name) or b"", path.name)
    version = qti_version(root, path.name)
    if local(root) == "assessmentTest":
        return _test(source, path.name, root, exam_id, f"QTI {version} assessmentTest")
    if local(root) != "assessmentItem":
        raise Invalid(f"{path.name} is a QTI {local(root)}, not an assessmentItem or assessmentTest.")
    reader = _Reader(source, _exam_id(root.get("identifier", ""), exam_id, path.name))
    reader.add_item(path.name, None)
    return reader.result(root.get("title", ""), None, False, f"QTI {version} item")


def _manifest(source: Source, label: str) -> list[Element]:
    data = source.read("imsmanifest.xml")
    if data is None:
        raise Invalid(f"{label} is a zip without imsmanifest.xml at its root; a QTI content "
                      "package has one.")
    return [r for r in parse_xml(data, "imsmanifest.xml").iter() if local(r) == "resource"]


def load_package(path: Path, exam_id: str | None = None) -> ExamImport:
    """A content package: its assessmentTest if it names one, else every item it names."""
    source = ZipSource(path)
    try:
        resources = _manifest(source, path.name)
        tests = [r for r in resources if r.get("type", "").startswith("imsqti_test")]
        items = [r for r in resources if r.get("type", "").startswith("imsqti_item")]
        if len(tests) > 1:
            raise Invalid(f"{path.name} holds {len(tests)} tests; the hall imports one exam at a time.")
        if tests:
            name = resolve("", tests[0].get("href", "")) or "?"
            root = parse_xml(source.read(name) or b"", name)
            version = qti_version(root, name)
            return _test(source, name, root, exam_id, f"QTI {version} content package")
        if not items:
            raise Invalid(f"{path.name}: its manifest names no QTI test or item.")
        reader = _Reader(source, _exam_id(path.stem, exam_id, path.name))
        for item in items:
            reader.add_item(resolve("", item.get("href", "")), None)
        return reader.result(path.stem, None, False, "QTI content package (items)")
    finally:
        source.close()

"""The kinds of `interactions` written back as their QTI 2.1 interactions (the inverse of reading).

An inline choice goes where the text has its gap, an order or associate after its prompt (as a
choice does); a gap match or hottext is the text the reader wrapped in `<div class="interaction">`,
its gaps and words put back as `gap` and `hottext` elements; a hotspot's image in that div
becomes its `object` again, before its areas. A gap match's option that is a picture alone (a
`gapImg` read in) is written as a `gapImg` holding its `object`, the others as `gapText`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from xml.etree.ElementTree import Element, SubElement

from hallserver.domain.content.answer_kinds import KINDS
from hallserver.domain.content.exam_content import Question
from hallserver.domain.content.qti.writer import Xhtml, append_html, q
from hallserver.domain.content.sanitise import GAP_CLASS, HOTTEXT_CLASS, INTERACTION_CLASS

__all__ = ["KINDS", "IN_TEXT", "interaction", "append_in_text"]
IN_TEXT = ("gap_match", "hottext", "hotspot", "point")   # kinds whose interaction holds the text it is in
_ELEMENT = {"inline": ("inlineChoiceInteraction", "inlineChoice"),
            "order": ("orderInteraction", "simpleChoice"),
            "associate": ("associateInteraction", "simpleAssociableChoice"),
            "gap_match": ("gapMatchInteraction", "gapText"),
            "hottext": ("hottextInteraction", None),
            "hotspot": ("hotspotInteraction", "hotspotChoice"),
            "point": ("selectPointInteraction", None)}
_IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
                "webp": "image/webp", "svg": "image/svg+xml"}
_IMAGE_ALONE = re.compile(r"\s*<img\b[^>]*>\s*", re.IGNORECASE)


def object_of(attrs: dict[str, str | None], images: dict[str, str]) -> Element:
    """An `<img>`'s attributes as the QTI `object` it was read from (the package's file, its type,
    its alt text as the object's text)."""
    src = images.get(attrs.get("src") or "", attrs.get("src") or "")
    image = Element(q("object"), data=src,
                    type=_IMAGE_TYPES.get(src.rsplit(".", 1)[-1].lower(), "image/png"))
    image.text = attrs.get("alt") or ""
    return image


class _Attributes(HTMLParser):
    """The attributes of the first tag of some HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.found is None:
            self.found = dict(attrs)


def _image_alone(markup: str) -> dict[str, str | None] | None:
    """The attributes of the one image an option's HTML is, or None when it holds more."""
    if not _IMAGE_ALONE.fullmatch(markup):
        return None
    parser = _Attributes()
    parser.feed(markup)
    parser.close()
    return parser.found


def interaction(question: Question, response: str, images: dict[str, str], shuffle: bool) -> Element:
    """The interaction of a question of these kinds, with its choices (not yet its text)."""
    name, choice_name = _ELEMENT[question.kind]
    element = Element(q(name), responseIdentifier=response)
    if question.kind not in ("hottext", "hotspot", "point"):
        element.set("shuffle", "true" if shuffle else "false")
    if question.kind in ("order", "hottext", "hotspot", "point") and question.min_choices:
        element.set("minChoices", str(question.min_choices))
    if question.kind in ("hottext", "hotspot", "point") or (question.kind == "order" and question.max_choices):
        element.set("maxChoices", str(question.max_choices))
    if question.kind == "associate":
        element.set("maxAssociations", str(question.max_choices))
        if question.min_choices:
            element.set("minAssociations", str(question.min_choices))
    if choice_name is None:
        return element
    if question.kind == "hotspot":
        for key, label in question.options.items():
            shape, _, coords = question.areas[key].partition(" ")
            SubElement(element, q(choice_name), identifier=key, shape=shape, coords=coords,
                       hotspotLabel=label)
        return element
    for key in question.options:
        markup = question.options_html.get(key) or question.options[key]
        picture = _image_alone(markup) if question.kind == "gap_match" else None
        choice = SubElement(element, q("gapImg" if picture is not None else choice_name), identifier=key)
        if key in question.fixed_options:
            choice.set("fixed", "true")
        if question.kind in ("associate", "gap_match"):
            choice.set("matchMax", "0")
        if picture is not None:
            choice.append(object_of(picture, images))
        else:
            append_html(choice, markup, images)
    return element


class _InText(Xhtml):
    """The stem's HTML, the wrapped text becoming the interaction with its gaps or hottexts."""

    def __init__(self, parent: Element, images: dict[str, str], host: Element,
                 question: Question) -> None:
        super().__init__(parent, images, None)
        self.host = host
        self.gaps = iter(question.stems)
        self.words = iter(question.options)
        self.prompt: Element | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs).get("class")
        if tag == "div" and found == INTERACTION_CLASS:
            self.stack[-1].append(self.host)
            self.stack.append(self.host)
        elif tag == "div" and found == "prompt" and self.stack[-1] is self.host:
            self.prompt = Element(q("prompt"))
            self.host.insert(0, self.prompt)
            self.stack.append(self.prompt)
        elif tag == "span" and found == GAP_CLASS:
            self.stack.append(SubElement(self.stack[-1], q("gap"), identifier=next(self.gaps, "")))
        elif tag == "img" and self.stack[-1] is self.host:  # a hotspot's image
            self._object(dict(attrs))
            return
        elif tag == "span" and found == HOTTEXT_CLASS:
            self.stack.append(SubElement(self.stack[-1], q("hottext"), identifier=next(self.words, "")))
        else:
            super().handle_starttag(tag, attrs)
            return
        self.last = None

    def _object(self, attrs: dict[str, str | None]) -> None:
        image = object_of(attrs, self.images)
        self.host.insert(1 if self.prompt is not None or self.host.find(q("prompt")) is not None else 0, image)
        self.last = image

    def handle_endtag(self, tag: str) -> None:
        if self.prompt is not None and self.stack[-1] is self.prompt:
            self.last = self.stack.pop()  # still within the interaction
            self.prompt = None
            return
        super().handle_endtag(tag)


def append_in_text(body: Element, question: Question, host: Element, images: dict[str, str]) -> None:
    """The stem into the item body, the gap match's or hottext's text inside its interaction."""
    parser = _InText(body, images, host, question)
    parser.feed(question.html)
    parser.close()
    if host not in list(body.iter()):
        body.append(host)

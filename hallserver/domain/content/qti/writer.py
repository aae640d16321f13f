"""A question of the hall written out as a QTI 2.1 assessmentItem, the inverse of `items`.

The stem's HTML becomes the itemBody's XHTML (the gap marker of a text entry becomes its
textEntryInteraction again), the options become simpleChoices, and the stored response
processing is written as the rules it was read from. A question of our JSON format, scored by
the hall's own rule, gets the QTI that scores the same: match_correct for a choice or multiple,
the accepted texts mapped for a text entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from hallserver.domain.content.answer_kinds import RESPONSES
from hallserver.domain.content.exam_content import Question
from hallserver.domain.content.qti.essay import MANUAL_CLASS, essay_item
from hallserver.domain.content.qti.processing import template_rules
from hallserver.domain.content.sanitise import GAP_CLASS, MATHML_TAGS

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
MATHML = "http://www.w3.org/1998/Math/MathML"
RESPONSE = "RESPONSE"
_DIRECTED = re.compile(r'<span dir="(rtl|ltr|auto)">((?:(?!</?span).)*)</span>', re.DOTALL)
_VOID = frozenset({"br", "hr", "img", "col", "mspace", "none", "mprescripts"})


def q(name: str) -> str:
    """A QTI 2.1 element name (the root of a file declares the namespace: see `export`)."""
    return name


class Xhtml(HTMLParser):
    """Sanitised HTML appended to an element as XHTML in the QTI namespace."""

    def __init__(self, parent: Element, images: dict[str, str], gap: Element | None) -> None:
        super().__init__(convert_charrefs=True)
        self.stack = [parent]
        self.images, self.gap = images, gap
        self.last: Element | None = None  # where the next text goes: a tail, or the parent's text
        self.missing: Element | None = None  # an image the package lacked: its text is its alt

    def _text(self, data: str) -> None:
        if self.missing is not None:
            self.missing.set("alt", (self.missing.get("alt", "") + data).strip("[]"))
        elif self.last is not None:
            self.last.tail = (self.last.tail or "") + data
        else:
            self.stack[-1].text = (self.stack[-1].text or "") + data

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        host = self.gap
        if host is not None and (tag, found.get("class")) in (("span", GAP_CLASS), ("div", "prompt")):
            self.stack[-1].append(host)  # the interaction where the hall marked it
            if tag == "div":  # a choice's prompt comes before its choices
                host.insert(0, Element(q("prompt")))
                self.stack.append(host)
            self.stack.append(host if tag == "span" else host[0])
            self.last = None
            return
        if tag == "span" and found.get("class") == "missing-image":
            self.missing = SubElement(self.stack[-1], q("img"), src="missing-image", alt="")
            self.stack.append(self.missing)
            return
        found.pop("class", None)
        if tag == "img" and found.get("src") in self.images:
            found["src"] = self.images[found["src"]]
        if tag == "math":
            found["xmlns"] = MATHML  # its children are MathML too
        element = SubElement(self.stack[-1], tag if tag in MATHML_TAGS else q(tag), found)
        if tag in _VOID:
            self.last = element
        else:
            self.stack.append(element)
            self.last = None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and len(self.stack) > 1:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or len(self.stack) == 1:
            return
        self.last = self.stack.pop()
        if self.last is self.missing:
            self.missing = None
        elif self.last.tag == q("prompt"):
            self.last = self.stack.pop()  # the interaction the prompt is in

    def handle_data(self, data: str) -> None:
        self._text(data)


def append_html(parent: Element, markup: str, images: dict[str, str],
                gap: Element | None = None) -> None:
    """Appends HTML as XHTML children; a gap marker becomes `gap` (an interaction)."""
    parser = Xhtml(parent, images, gap)
    parser.feed(markup)
    parser.close()


def own_rule_scoring(question: Question) -> dict[str, Any]:
    """The QTI that scores as the hall's own rule does (questions of our JSON format)."""
    marks = f"{question.max_score:.10g}"
    outcomes = {"SCORE": {"cardinality": "single", "base_type": "float", "default": []},
                "MAXSCORE": {"cardinality": "single", "base_type": "float", "default": [marks]}}
    key = question.answer
    if question.kind == "text":
        accepted = key if isinstance(key, list) else [key]
        response = {"cardinality": "single", "base_type": "string", "correct": [accepted[0]],
                    "mapping": {"default": 0.0, "lower": None, "upper": question.max_score,
                                "entries": [{"key": a, "value": question.max_score,
                                             "case_sensitive": question.case_sensitive}
                                            for a in accepted]}}
        rules = template_rules("map_response", RESPONSE)
    else:
        cardinality, base_type = RESPONSES.get(question.kind) or (
            "single" if question.kind == "choice" else "multiple", "identifier")
        response = {"cardinality": cardinality, "base_type": base_type, "mapping": None,
                    "correct": [key] if isinstance(key, str) else list(key or [])}
        rules = template_rules("match_correct", RESPONSE)
        rules[0]["args"][0]["args"][1]["args"][0]["text"] = marks  # SCORE = the marks, not 1
    return {"version": 1, "response": RESPONSE, "rules": rules,
            "declarations": {"responses": {RESPONSE: response}, "outcomes": outcomes}}


def _number(value: float) -> str:
    return f"{value:.10g}"


def _declaration(item: Element, kind: str, name: str, declared: dict[str, Any],
                 values: tuple[str, list[str]]) -> Element:
    element = SubElement(item, q(kind), identifier=name, cardinality=declared["cardinality"],
                         baseType=declared["base_type"])
    holder, found = values
    if found:
        into = SubElement(element, q(holder))
        for value in found:
            SubElement(into, q("value")).text = value
    return element


def _declarations(item: Element, declared: dict[str, Any]) -> None:
    for name, response in declared["responses"].items():
        element = _declaration(item, "responseDeclaration", name, response,
                               ("correctResponse", response["correct"]))
        mapping = response.get("mapping")
        if mapping:
            bounds = {"defaultValue": _number(mapping["default"])}
            bounds.update({attribute: _number(mapping[key]) for attribute, key in
                           (("lowerBound", "lower"), ("upperBound", "upper")) if mapping[key] is not None})
            into = SubElement(element, q("mapping"), bounds)
            for entry in mapping["entries"]:
                SubElement(into, q("mapEntry"), mapKey=entry["key"], mappedValue=_number(entry["value"]),
                           caseSensitive="true" if entry["case_sensitive"] else "false")
        if response.get("area_mapping"):
            _area_mapping(element, response["area_mapping"])
    for name, outcome in declared["outcomes"].items():
        _declaration(item, "outcomeDeclaration", name, outcome, ("defaultValue", outcome["default"]))


def _area_mapping(declaration: Element, mapping: dict[str, Any]) -> None:
    bounds = {"defaultValue": _number(mapping["default"])}
    bounds.update({attribute: _number(mapping[key]) for attribute, key in
                   (("lowerBound", "lower"), ("upperBound", "upper")) if mapping[key] is not None})
    into = SubElement(declaration, q("areaMapping"), bounds)
    for entry in mapping["entries"]:
        SubElement(into, q("areaMapEntry"), shape=entry["shape"], coords=entry["coords"],
                   mappedValue=_number(entry["value"]))


def _rule(parent: Element, node: dict[str, Any]) -> None:
    element = SubElement(parent, q(node["op"]), node["attrs"])
    if node["op"] == "baseValue":
        element.text = node["text"]
    for sub in node.get("args", []):
        _rule(element, sub)


def _interaction(question: Question, response: str, images: dict[str, str], shuffle: bool) -> Element:
    if question.kind == "text":
        attributes = {"responseIdentifier": response}
        if question.expected_length:
            attributes["expectedLength"] = str(question.expected_length)
        return Element(q("textEntryInteraction"), attributes)
    if question.kind == "match":
        return _match(question, response, images, shuffle)
    attributes = {"responseIdentifier": response, "shuffle": "true" if shuffle else "false",
                  "maxChoices": str(question.max_choices if question.kind == "multiple" else 1)}
    if question.min_choices:
        attributes["minChoices"] = str(question.min_choices)
    element = Element(q("choiceInteraction"), attributes)
    for key in question.options:
        choice = SubElement(element, q("simpleChoice"), identifier=key)
        if key in question.fixed_options:
            choice.set("fixed", "true")
        append_html(choice, _undirected(question.options_html.get(key) or question.options[key],
                                        question.html), images)
    return element


def _match(question: Question, response: str, images: dict[str, str], shuffle: bool) -> Element:
    one_each = question.max_choices == 1
    element = Element(q("matchInteraction"), responseIdentifier=response,
                      shuffle="true" if shuffle else "false",
                      maxAssociations=str(len(question.stems)) if one_each else "0")
    for keys, shown, plain in ((question.stems, question.stems_html, True),
                               (question.options, question.options_html, False)):
        matches = SubElement(element, q("simpleMatchSet"))
        for key in keys:
            choice = SubElement(matches, q("simpleAssociableChoice"), identifier=key,
                                matchMax="1" if one_each and plain else "0")
            if not plain and key in question.fixed_options:
                choice.set("fixed", "true")
            append_html(choice, shown.get(key) or keys[key], images)
    return element


def _undirected(option: str, stem: str) -> str:
    """An option without the dir wrapper the reader gave it from around its interaction."""
    found = _DIRECTED.fullmatch(option)
    return found.group(2) if found and f'dir="{found.group(1)}"' in stem else option


def _essay_body(question: Question, images: dict[str, str]) -> Callable[[Element, Element], None]:
    """Writes an essay's stem into the body, its interaction where the prompt was (or after)."""
    def append(body: Element, interaction: Element) -> None:
        placed = 'class="prompt"' in question.html
        append_html(body, question.html, images, interaction if placed else None)
        if not placed:
            body.append(interaction)
    return append


def item_element(question: Question, images: dict[str, str], shuffle: bool) -> Element:
    """The assessmentItem of a question; `images` maps the hall's image addresses to the package's."""
    # The other kinds' writer builds on this module's parser, so it is imported here, not above.
    from hallserver.domain.content.qti import interactions_writer as others
    item = Element(q("assessmentItem"), identifier=question.id, title=question.text[:80] or question.id,
                   adaptive="false", timeDependent="false")
    if question.kind == "essay":
        return essay_item(item, question, _essay_body(question, images))
    spec = question.scoring or own_rule_scoring(question)
    _declarations(item, spec["declarations"])
    body = SubElement(item, q("itemBody"))
    if question.kind in others.KINDS:
        interaction = others.interaction(question, spec["response"], images, shuffle)
    else:
        interaction = _interaction(question, spec["response"], images, shuffle)
    if question.manual:
        interaction.set("class", MANUAL_CLASS)  # a person marks it (read back by `items`)
    in_text = question.kind in ("text", "inline")
    marker = f'class="{GAP_CLASS}"' if in_text else 'class="prompt"'
    placed = marker in question.html
    if question.kind in others.IN_TEXT:
        others.append_in_text(body, question, interaction, images)
    else:
        append_html(body, question.html, images, interaction if placed else None)
    if not placed and question.kind not in others.IN_TEXT:
        if in_text:
            SubElement(body, q("p")).append(interaction)
        else:
            body.append(interaction)
    processing = SubElement(item, q("responseProcessing"))
    for rule in spec["rules"]:
        _rule(processing, rule)
    return item

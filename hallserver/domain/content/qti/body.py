"""An item body as HTML for the paper: the stem, the interactions found in it, the options' HTML.

The QTI body is XHTML with interactions in it. A choiceInteraction leaves its prompt in the stem
and gives its simpleChoices as options; a textEntryInteraction leaves a gap marker
(`<span class="answer-gap"></span>`) where the candidate types; a matchInteraction leaves its
prompt and gives its two simpleMatchSets (stems, options). Images are resolved in the
package and given to `assets`, which says under which address the hall serves them. Feedback
is left out: an exam shows none. The result is sanitised before it is stored.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from hallserver.domain.content.qti.xml import MATHML, XML_LANG, flag, local, split
from hallserver.domain.content.sanitise import (
    GAP_CLASS, HOTTEXT_CLASS, HTML_TAGS, INTERACTION_CLASS, MATHML_TAGS,
)

# Resolves an image's src in the package: the hall's address for it, or None (with a warning).
AssetResolver = Callable[[str], str | None]

_DROPPED = frozenset({"feedbackInline", "feedbackBlock", "modalFeedback", "rubricBlock",
                      "templateInline", "templateBlock", "infoControl", "printedVariable",
                      "script", "style"})
_KEPT_ATTRIBUTES = frozenset({"dir", "lang", "title", "alt", "width", "height", "colspan",
                              "rowspan", "align", "valign", "scope", "span", "start", "type",
                              "display", "mathvariant", "linethickness", "open", "close",
                              "separators", "stretchy", "fence", "separator", "form",
                              "notation", "columnspan"})
_VOID = frozenset({"br", "hr", "img", "col", "mspace", "none", "mprescripts"})


@dataclass
class Choice:
    """One simpleChoice: key, HTML, and whether it keeps its place when shuffled."""

    key: str
    html: str
    fixed: bool
    match_max: int = 0    # simpleAssociableChoice: how many pairs it may be in (0: any)
    area: str = ""        # hotspotChoice: "SHAPE COORDS", e.g. "circle 141,28,12"


@dataclass
class Interaction:
    """An interaction met in the body."""

    name: str
    element: Element
    choices: list[Choice] = field(default_factory=list)
    match_sets: list[list[Choice]] = field(default_factory=list)  # matchInteraction: stems, options
    gaps: list[str] = field(default_factory=list)  # gapMatchInteraction: its gaps, in reading order
    image: str | None = None  # hotspotInteraction: its image's src, when the package has it


@dataclass
class Body:
    """The stem's HTML (not yet sanitised) and the interactions met on the way."""

    html: str
    interactions: list[Interaction]


class _Renderer:
    def __init__(self, assets: AssetResolver) -> None:
        self.assets = assets
        self.interactions: list[Interaction] = []
        self.direction: str | None = None  # dir="rtl" around an interaction goes with its options
        self.within: Interaction | None = None  # the gap match or hottext whose text is read

    def children(self, element: Element) -> str:
        """The HTML of an element's content (text, children, their tails)."""
        parts = [html.escape(element.text or "", quote=False)]
        for sub in element:
            parts.append(self.element(sub))
            parts.append(html.escape(sub.tail or "", quote=False))
        return "".join(parts)

    def element(self, element: Element) -> str:
        """The HTML of one element: kept, unwrapped, dropped, or taken as an interaction."""
        namespace, name = split(element.tag)
        if namespace == MATHML:
            return self._tag(name, element) if name in MATHML_TAGS else self.children(element)
        if name in _DROPPED:
            return ""
        if name.endswith("Interaction"):
            return self._interaction(name, element)
        if name in ("gap", "hottext") and self.within is not None:
            return self._in_text(name, element, self.within)
        if name == "img":
            return self._image(element)
        if name == "object":
            return self._object(element)
        if name in HTML_TAGS:
            return self._tag(name, element)
        return self.children(element)  # an unknown wrapper: keep what it says

    def _tag(self, name: str, element: Element, extra: dict[str, str] | None = None) -> str:
        attributes = {("lang" if k == XML_LANG else k): v for k, v in element.attrib.items()}
        kept = {k: v for k, v in attributes.items() if k in _KEPT_ATTRIBUTES}
        kept.update(extra or {})
        rendered = "".join(f' {k}="{html.escape(v)}"' for k, v in kept.items())
        if name in _VOID:
            return f"<{name}{rendered}>"
        outer, self.direction = self.direction, kept.get("dir", self.direction)
        try:
            return f"<{name}{rendered}>{self.children(element)}</{name}>"
        finally:
            self.direction = outer

    def _image(self, element: Element) -> str:
        address = self.assets(element.get("src", ""))
        if address is None:
            alt = element.get("alt") or "image"
            return f'<span class="missing-image">[{html.escape(alt)}]</span>'
        return self._tag("img", element, {"src": address})

    def _object(self, element: Element) -> str:
        if (element.get("type") or "").startswith("image/") and element.get("data"):
            image = Element("img", {"src": element.get("data", ""),
                                    "alt": " ".join("".join(element.itertext()).split())})
            return self._image(image)
        return self.children(element)

    def _interaction(self, name: str, element: Element) -> str:
        found = Interaction(name, element)
        self.interactions.append(found)
        if name == "textEntryInteraction":
            return f'<span class="{GAP_CLASS}"></span>'
        if name == "inlineChoiceInteraction":
            found.choices = [Choice(c.get("identifier", ""), self.children(c).strip(), flag(c, "fixed"))
                             for c in element if local(c) == "inlineChoice"]
            return f'<span class="{GAP_CLASS}"></span>'
        if name in ("gapMatchInteraction", "hottextInteraction"):
            return self._text_interaction(element, found)
        if name in ("hotspotInteraction", "selectPointInteraction"):
            return self._hotspots(element, found)
        if name not in ("choiceInteraction", "matchInteraction", "orderInteraction",
                        "associateInteraction", "extendedTextInteraction"):
            return ""
        prompt = ""
        for sub in element:
            if local(sub) == "prompt":
                prompt = f'<div class="prompt">{self.children(sub)}</div>'
            elif local(sub) == "simpleMatchSet":
                found.match_sets.append([Choice(c.get("identifier", ""), self.children(c).strip(),
                                                flag(c, "fixed"), _whole(c.get("matchMax")))
                                         for c in sub if local(c) == "simpleAssociableChoice"])
            elif local(sub) == "simpleAssociableChoice":  # associateInteraction
                found.choices.append(Choice(sub.get("identifier", ""), self.children(sub).strip(),
                                            flag(sub, "fixed"), _whole(sub.get("matchMax"))))
            elif local(sub) == "simpleChoice":
                markup = self.children(sub).strip()
                if self.direction:
                    markup = f'<span dir="{html.escape(self.direction)}">{markup}</span>'
                found.choices.append(Choice(sub.get("identifier", ""), markup, flag(sub, "fixed")))
        return prompt


    def _text_interaction(self, element: Element, found: Interaction) -> str:
        """A gap match's or hottext's prompt and text, in a div the export finds it by again."""
        parts = []
        outer, self.within = self.within, found
        try:
            for sub in element:
                name = local(sub)
                if name == "prompt":
                    parts.insert(0, f'<div class="prompt">{self.children(sub)}</div>')
                elif name in ("gapText", "gapImg"):
                    found.choices.append(Choice(sub.get("identifier", ""), self.children(sub).strip(),
                                                flag(sub, "fixed"), _whole(sub.get("matchMax"))))
                else:
                    parts.append(self.element(sub))
                if name not in ("prompt", "gapText", "gapImg") or (sub.tail or "").strip():
                    parts.append(html.escape(sub.tail or "", quote=False))
        finally:
            self.within = outer
        return f'<div class="{INTERACTION_CLASS}">{"".join(parts)}</div>'

    def _hotspots(self, element: Element, found: Interaction) -> str:
        """A hotspot's or select point's prompt and image, in a div the export finds it by; a
        hotspot's areas as choices."""
        parts = []
        for sub in element:
            name = local(sub)
            if name == "prompt":
                parts.insert(0, f'<div class="prompt">{self.children(sub)}</div>')
            elif name == "object":
                image = self._object(sub)
                found.image = None if "missing-image" in image else sub.get("data")
                parts.append(image)
            elif name == "hotspotChoice":
                label = html.escape(sub.get("hotspotLabel") or str(len(found.choices) + 1))
                found.choices.append(Choice(sub.get("identifier", ""), label, flag(sub, "fixed"),
                                            area=f"{sub.get('shape', '')} {sub.get('coords', '')}"))
        return f'<div class="{INTERACTION_CLASS}">{"".join(parts)}</div>'

    def _in_text(self, name: str, element: Element, found: Interaction) -> str:
        if name == "gap":
            found.gaps.append(element.get("identifier", ""))
            return f'<span class="{GAP_CLASS}"></span>'
        markup = self.children(element)
        found.choices.append(Choice(element.get("identifier", ""), markup.strip(), False))
        return f'<span class="{HOTTEXT_CLASS}">{markup}</span>'


def _whole(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 0


def render_body(item_body: Element, assets: AssetResolver) -> Body:
    """The body's HTML with interactions taken out, and the interactions."""
    renderer = _Renderer(assets)
    markup = renderer.children(item_body)
    return Body(markup, renderer.interactions)

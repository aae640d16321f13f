"""Question HTML made safe for a candidate's browser (nh3), and its plain-text reading.

Item text keeps its basic HTML: paragraphs, emphasis, lists, tables, images and MathML. Scripts,
event handlers, styles, links out of the hall and every URL with a scheme are removed: images are
served by the hall itself, under a relative `/exam-assets/...` address.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

HTML_TAGS = frozenset({
    "p", "div", "span", "br", "hr", "b", "i", "em", "strong", "u", "s", "sub", "sup", "small",
    "big", "code", "pre", "kbd", "samp", "var", "blockquote", "q", "cite", "dfn", "abbr",
    "acronym", "address", "ul", "ol", "li", "dl", "dt", "dd", "table", "caption", "thead",
    "tbody", "tfoot", "tr", "td", "th", "colgroup", "col", "img", "h1", "h2", "h3", "h4", "h5",
    "h6", "figure", "figcaption",
})
MATHML_TAGS = frozenset({
    "math", "mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "mfrac", "msqrt", "mroot",
    "mstyle", "merror", "mpadded", "mphantom", "mfenced", "menclose", "msub", "msup",
    "msubsup", "munder", "mover", "munderover", "mmultiscripts", "mprescripts", "none",
    "mtable", "mtr", "mtd", "mlabeledtr", "semantics", "annotation",
})
_ATTRIBUTES = {
    "*": {"dir", "lang", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align", "valign"},
    "th": {"colspan", "rowspan", "align", "valign", "scope"},
    "col": {"span"}, "colgroup": {"span"},
    "ol": {"start", "type", "reversed"}, "ul": {"type"}, "li": {"value"},
    "math": {"display"}, "mfrac": {"linethickness"}, "mfenced": {"open", "close", "separators"},
    "mo": {"stretchy", "fence", "separator", "form", "largeop"},
    "mi": {"mathvariant"}, "mn": {"mathvariant"}, "mtext": {"mathvariant"},
    "mstyle": {"displaystyle", "scriptlevel", "mathvariant"}, "mspace": {"width", "height"},
    "menclose": {"notation"}, "mtd": {"columnspan", "rowspan"},
}
# The hall's own markers: where a text entry goes, a prompt, an image the package lacked.
GAP_CLASS = "answer-gap"
HOTTEXT_CLASS = "hottext"            # a hottext's words, in the order of the question's options
INTERACTION_CLASS = "interaction"    # the text of a gap match or hottext, with its gaps or words
_CLASSES = {"span": {GAP_CLASS, "missing-image", HOTTEXT_CLASS}, "div": {"prompt", INTERACTION_CLASS}}
ALLOWED_TAGS = HTML_TAGS | MATHML_TAGS


def sanitise_html(markup: str) -> str:
    """Only the allowed tags and attributes; no URL with a scheme (so nothing outside the hall)."""
    return nh3.clean(markup, tags=set(ALLOWED_TAGS), attributes=_ATTRIBUTES,
                     allowed_classes=_CLASSES, url_schemes=set(), link_rel=None,
                     strip_comments=True).strip()


def text_as_html(text: str) -> str:
    """A plain-text question as HTML: escaped, one paragraph, line breaks kept."""
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"


_BLOCKS = frozenset({"p", "div", "br", "li", "tr", "table", "blockquote", "pre", "h1", "h2", "h3",
                     "h4", "h5", "h6", "ul", "ol", "dl", "dt", "dd", "hr", "figure"})


class _TextReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.pictures: list[str] = []   # the alt texts of the images met
        self.words = False              # whether any text besides images was met

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in _BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag == "img":
            self.pictures.append(found.get("alt") or "image")
            self.parts.append(f"[{self.pictures[-1]}]")
        elif tag == "span" and found.get("class") == GAP_CLASS:
            self.parts.append("_____")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.words = self.words or bool(data.strip())
        self.parts.append(data)


def plain_text(markup: str) -> str:
    """What the HTML says, as text: paragraphs on their own lines, spaces collapsed. An image
    among words reads as its alt text in brackets; HTML that is one image alone (an option that is
    a picture) reads as its alt text."""
    reader = _TextReader()
    reader.feed(markup)
    reader.close()
    if len(reader.pictures) == 1 and not reader.words:
        return re.sub(r"\s+", " ", reader.pictures[0]).strip()
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(reader.parts).split("\n"))
    return "\n".join(line for line in lines if line)

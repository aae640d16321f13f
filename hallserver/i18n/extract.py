"""Finding the words the pages show: t()/tn()/N_() calls in JavaScript, data-i18n in HTML; and
the words of what the hall prints, in the printing modules' Python.

HTML marks what is read with `data-i18n` (the element's text, spaces collapsed, is the message)
and `data-i18n-attr="aria-label title"` (those attributes' values are messages). JavaScript
calls `t("message", {name})`, `tn("one", "many", count, {name})` or marks a constant `N_("message")`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file

JS_KEYWORDS = {"t": None, "tn": (1, 2), "N_": None}
METHOD_MAP = [("locales/**", "ignore"), ("**.js", "javascript"),
              ("**.html", "hallserver.i18n.extract:extract_html")]
PAGE_FOLDERS = ("student", "shared", "staff", "invigilator", "admin", "central")   # every page
_SKIPPED = frozenset({"code", "script", "style", "kbd", "samp"})   # what is not words to translate
_SPACES = re.compile(r"\s+")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})


def collapse(words: str) -> str:
    """Text as a page shows it: runs of white space as one space, none at the ends."""
    return _SPACES.sub(" ", words).strip()


class _MarkedText(HTMLParser):
    """Collects (line, message) for every marked element's text and marked attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.unmarked: list[tuple[int, str]] = []   # words shown outside any data-i18n element
        self._open: list[tuple[str, int, list[str]] | None] = []
        self._skipped: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        line = self.getpos()[0]
        for name in (values.get("data-i18n-attr") or "").split():
            if values.get(name):
                self.found.append((line, collapse(values[name] or "")))
        if tag in _VOID:
            return
        self._open.append((tag, line, []) if "data-i18n" in values else None)
        self._skipped.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            return
        self._skipped.pop()
        marked = self._open.pop()
        if marked is not None and collapse("".join(marked[2])):
            self.found.append((marked[1], collapse("".join(marked[2]))))

    def handle_data(self, data: str) -> None:
        for marked in self._open:
            if marked is not None:
                marked[2].append(data)
        words = collapse(data)
        if (any(c.isalpha() for c in words) and not any(m is not None for m in self._open)
                and not _SKIPPED.intersection(self._skipped)):
            self.unmarked.append((self.getpos()[0], words))


def extract_html(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
                 options: Any) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel's extraction method for our pages' HTML."""
    parser = _MarkedText()
    parser.feed(fileobj.read().decode("utf-8"))
    parser.close()
    for line, message in parser.found:
        yield line, None, message, []


def unmarked_html(webui: Path) -> list[tuple[str, str]]:
    """(file, words) for every text of the pages' HTML that no data-i18n marks: words a page
    would show in English whatever the language."""
    found = []
    for folder in PAGE_FOLDERS:
        for path in sorted((webui / folder).rglob("*.html")):
            parser = _MarkedText()
            parser.feed(path.read_text(encoding="utf-8"))
            parser.close()
            found.extend((f"{folder}/{path.relative_to(webui / folder)}", words)
                         for _, words in parser.unmarked)
    return found


# Where a page's script puts words on the page: el()'s text, an element's textContent, an
# aria-label, and the properties the pages' own helpers show (a dialog's title, a chart's unit...).
_SHOWN = re.compile(r"""(?:\b(?:text|title|label|confirmLabel|description|empty|unit|xName|note|missing|busyText|unreachable)\s*:|"aria-label"\s*:|\.textContent\s*=)\s*(["'`])""")
_INTERPOLATED = re.compile(r"\$\{[^}]*\}")


def _literal(source: str, start: int, quote: str) -> str:
    """The string literal opening with `quote` at `start` (its escapes left as they are)."""
    end = start + 1
    while end < len(source) and source[end] != quote:
        end += 2 if source[end] == "\\" else 1
    return source[start + 1:end]


def unmarked_script(webui: Path) -> list[tuple[str, str]]:
    """(file, words) for every literal with words a page's script shows without t()/tn()."""
    found = []
    for folder in PAGE_FOLDERS:
        for path in sorted((webui / folder).rglob("*.js")):
            source = path.read_text(encoding="utf-8")
            for match in _SHOWN.finditer(source):
                before = source[source.rfind("\n", 0, match.start()) + 1:match.start()]
                if "//" in before or before.lstrip().startswith("*"):
                    continue   # a comment's example
                words = _INTERPOLATED.sub("", _literal(source, match.end() - 1, match.group(1)))
                if any(c.isalpha() for c in words):
                    found.append((f"{folder}/{path.relative_to(webui / folder)}", collapse(words)))
    return found


# What the hall prints (login slips, the register) takes its words from the same catalogs:
# `words._("...")` and `words.ngettext(...)` in these modules (examkit/words.py).
_HALLSERVER = Path(__file__).resolve().parents[1]
PRINTING_MODULES = (_HALLSERVER / "domain" / "content" / "slips.py",
                    _HALLSERVER / "domain" / "sittings" / "printout.py")
PY_KEYWORDS = {"_": None, "ngettext": (1, 2), "N_": None}


_SYNCD = _HALLSERVER.parent / "syncd"
SYNCD_COMMANDS = (_SYNCD / "cli.py", _SYNCD / "central" / "cli.py",
                  _SYNCD / "central" / "sitting_cli.py")


def cli_modules() -> list[Path]:
    """The modules whose messages an operator reads in a terminal (hallserver/cli/words.py):
    the `hall` commands, the banner `hall serve` prints, the `syncd` commands, and a command's
    refusal (examkit/words.py)."""
    return [*sorted((_HALLSERVER / "cli").glob("*.py")), _HALLSERVER / "serve.py",
            *SYNCD_COMMANDS, _HALLSERVER.parent / "examkit" / "words.py"]


def _cli_name(path: Path) -> str:
    """Where a command's message is, as the catalogs name it."""
    return f"syncd/{path.relative_to(_SYNCD)}" if _SYNCD in path.parents else f"cli/{path.name}"


# What puts words before the operator: click.echo's text, a refusal's message, the banner's print.
_SAYING = frozenset({"echo", "ClickException", "Refusal", "print"})


def _literal_words(node: ast.expr) -> str:
    """The words written as literals in an expression (a string, an f-string's text, a sum)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_literal_words(part) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literal_words(node.left) + " " + _literal_words(node.right)
    return ""


def unmarked_cli(sources: list[Path] | None = None) -> list[tuple[str, str]]:
    """(file, words) for every literal with words a command shows the operator without say._()
    (in `sources`, by default the commands' modules)."""
    found = []
    for path in sources or cli_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
                node.func, "id", "")
            # An option's name (--central-key) is the same in every language, as --help is.
            words = " ".join(word for word in _literal_words(node.args[0]).split()
                             if not word.startswith("-"))
            if name in _SAYING and any(c.isalpha() for c in words):
                found.append((_cli_name(path), words))
    return found


def _python_messages(template: Catalog, sources: list[Path], name: Callable[[Path], str]) -> None:
    for source in sources:
        for line, message, comments, context in extract_from_file("python", source,
                                                                  keywords=PY_KEYWORDS):
            template.add(message, None, [(name(source), line)], auto_comments=comments,
                         context=context)


def extract_messages(webui: Path) -> Catalog:
    """Every message of the translated pages, of what the hall prints and of what its commands
    tell the operator, as a template (.pot)."""
    template = Catalog(project="examhall", fuzzy=False)
    _python_messages(template, list(PRINTING_MODULES), lambda path: f"printed/{path.name}")
    _python_messages(template, cli_modules(), _cli_name)
    for folder in PAGE_FOLDERS:
        for filename, line, message, comments, context in extract_from_dir(
                webui / folder, METHOD_MAP, keywords=JS_KEYWORDS):
            template.add(message, None, [(f"{folder}/{filename}", line)], auto_comments=comments,
                         context=context)
    return template

"""The pages' catalogs: one .po per language in webui/locales/, checked and compiled to JSON.

Adding a language is adding its .po (`hall i18n add es`), translating it, `hall i18n compile`.
The JSON a page loads: {"language", "dir", "name", "plural_forms", "messages"}; a message is a
string, or a list of forms for a plural message (keyed by its singular), chosen by the catalog's
own Plural-Forms expression (webui/shared/plural.js evaluates it).

The .po files also hold what the commands say and what the hall prints (read from the .po by
examkit/words.py); the JSON holds only the messages some page shows: those the extraction found
in a page's files, as messages.pot names their locations ("student/exam.html", not "cli/..." or
"printed/...").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from hallserver.i18n.extract import (PAGE_FOLDERS, extract_messages, unmarked_cli, unmarked_html,
                                     unmarked_script)

SOURCE_LANGUAGE = "en"
TEMPLATE = "messages.pot"
INDEX = "languages.json"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Problem:
    """One fault of a catalog: which language, which message, what is wrong."""

    language: str
    message: str
    fault: str

    def __str__(self) -> str:
        return f"{self.language}: {self.message!r}: {self.fault}"


def placeholders(text: str) -> set[str]:
    """The {names} a message fills in."""
    return set(_PLACEHOLDER.findall(text))


def read_catalog(path: Path) -> Catalog:
    """A .po or .pot file, as Babel reads it."""
    with path.open("rb") as handle:
        return read_po(handle, locale=None if path.suffix == ".pot" else path.stem)


def languages(locales: Path) -> list[str]:
    """The languages with a catalog, the source language first."""
    found = sorted(path.stem for path in locales.glob("*.po"))
    return sorted(found, key=lambda tag: tag != SOURCE_LANGUAGE)


def _problems_of(language: str, message: Any, nplurals: int) -> list[Problem]:
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    if message.fuzzy or not all(forms):
        return [Problem(language, ids[0], "not translated")]
    if isinstance(message.id, tuple) and len(forms) != nplurals:
        return [Problem(language, ids[0], f"{len(forms)} plural forms, the language has {nplurals}")]
    wanted = set().union(*(placeholders(text) for text in ids))
    # A plural form may leave the number out ("une minute", "دقيقة واحدة"); nothing else.
    optional = {"count"} if isinstance(message.id, tuple) else set()
    return [Problem(language, ids[0], f"placeholders {sorted(placeholders(form))} instead of "
                                      f"{sorted(wanted)}")
            for form in forms
            if not wanted - optional <= placeholders(form) <= wanted]


def check_catalog(template: Catalog, catalog: Catalog) -> list[Problem]:
    """What is missing or wrong in one language against the template: nothing when complete."""
    language = str(catalog.locale)
    problems = []
    for wanted in template:
        if not wanted.id:
            continue
        message = catalog.get(wanted.id)
        if message is None or message.id != wanted.id:
            problems.append(Problem(language, str(wanted.id), "missing"))
            continue
        problems.extend(_problems_of(language, message, catalog.num_plurals))
    return problems


def check_all(locales: Path) -> list[Problem]:
    """Every language's problems against the template, a template that lags the pages, and words
    a page shows without going through the catalogs (unmarked HTML text, a JavaScript literal
    put on the page outside t(), a command's message written outside say._())."""
    template = read_catalog(locales / TEMPLATE)
    problems = [Problem("template", str(message.id), "in the pages, not in messages.pot")
                for message in extract_messages(locales.parent)
                if message.id and template.get(message.id) is None]
    problems.extend(Problem("pages", words, f"shown by {name} without the catalogs")
                    for name, words in [*unmarked_html(locales.parent), *unmarked_script(locales.parent)])
    problems.extend(Problem("commands", words, f"printed by {name} without the catalogs")
                    for name, words in unmarked_cli())
    for language in languages(locales):
        problems.extend(check_catalog(template, read_catalog(locales / f"{language}.po")))
    return problems


def _key(message: Any) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def page_messages(template: Catalog) -> set[str]:
    """The messages (a plural one by its singular) that some page shows: the template names a
    page's file among their locations. A word a command or a printout also uses is kept."""
    return {_key(message) for message in template if message.id
            and any(name.split("/")[0] in PAGE_FOLDERS for name, _ in message.locations)}


def page_catalog(catalog: Catalog, shown: set[str] | None = None) -> dict[str, Any]:
    """What a page loads for one language: the messages in `shown` (every message when None)."""
    locale: Locale = catalog.locale
    messages: dict[str, Any] = {}
    for message in catalog:
        if not message.id or message.fuzzy or (shown is not None and _key(message) not in shown):
            continue
        if isinstance(message.id, tuple):
            messages[message.id[0]] = list(message.string)
        else:
            messages[message.id] = message.string
    return {"language": str(locale).replace("_", "-"), "dir": locale.text_direction,
            "name": locale.get_display_name(locale).capitalize(),
            "plural_forms": catalog.plural_expr, "nplurals": catalog.num_plurals,
            "messages": messages}


def _dump(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def compiled(locales: Path) -> dict[str, Any]:
    """Every file `compile_catalogs` writes, by name, with its content."""
    files: dict[str, Any] = {}
    index = []
    shown = page_messages(read_catalog(locales / TEMPLATE))
    for language in languages(locales):
        page = page_catalog(read_catalog(locales / f"{language}.po"), shown)
        files[f"{language}.json"] = page
        index.append({"language": page["language"], "name": page["name"], "dir": page["dir"]})
    files[INDEX] = {"source": SOURCE_LANGUAGE, "languages": index}
    return files


def compile_catalogs(locales: Path) -> list[str]:
    """Writes each language's JSON and the index of languages; the names written."""
    files = compiled(locales)
    for name, data in files.items():
        _dump(locales / name, data)
    return sorted(files)


def add_language(locales: Path, tag: str) -> Path:
    """A new language's .po, every message untranslated, its plural forms from Babel's data."""
    path = locales / f"{tag}.po"
    if path.exists():
        raise FileExistsError(f"{path.name} exists already")
    with (locales / TEMPLATE).open("rb") as handle:
        catalog = read_po(handle, locale=tag)   # what `pybabel init` does
    catalog.fuzzy = False
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, include_lineno=False)
    return path


def _messages(catalog: Catalog) -> list[tuple[str, list[str]]]:
    # Files only: the .po files name no line numbers, so an edit elsewhere in a page changes nothing.
    return sorted((str(m.id), sorted({name for name, _ in m.locations})) for m in catalog if m.id)


def update_catalogs(locales: Path) -> list[str]:
    """Extracts the pages' messages into messages.pot and merges them into every .po.

    Locations are written without line numbers, so editing a page elsewhere leaves them alone.
    """
    template = extract_messages(locales.parent)
    if (locales / TEMPLATE).exists():
        before = read_catalog(locales / TEMPLATE)
        if _messages(before) == _messages(template):   # nothing new: no date churn in every file
            template.creation_date = before.creation_date
    with (locales / TEMPLATE).open("wb") as handle:
        write_po(handle, template, width=100, sort_output=True, include_lineno=False)
    updated = []
    for language in languages(locales):
        path = locales / f"{language}.po"
        catalog = read_catalog(path)
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=True, ignore_obsolete=True,
                     include_lineno=False)
        updated.append(language)
    return updated

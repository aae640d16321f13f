"""Words for a person, in their language, on the Python side: what the hall prints (login slips,
the sitting register) and what the `hall`, `syncd` and `syncd central` commands say.

They live in the pages' catalogs (webui/locales/*.po, one file per language), extracted from the
printing modules (`words._("...")`, `words.ngettext("...", "...", n)`, {name} placeholders as
on the pages) by `hall i18n update` and checked by `hall i18n check` with the rest. Read with
Babel as they are: the .mo gettext wants is written in memory, so there is no compile step.
"""

from __future__ import annotations

import gettext
import io
import os
from dataclasses import dataclass
from typing import IO, Any

import click
from babel import Locale
from babel.messages.mofile import write_mo

from babel.messages.pofile import read_po

from examkit.pages import pages_dir

LANGUAGE_VARIABLE = "EXAMHALL_LANGUAGE"  # the operator's language for the commands, over all else


@dataclass(frozen=True)
class Words:
    """One language's words for a printed document, and its direction ("ltr" or "rtl")."""

    language: str
    direction: str
    translations: gettext.NullTranslations

    def _(self, message: str, **params: Any) -> str:
        """`message` in this language, each {name} filled from `params`."""
        return self.translations.gettext(message).format(**params)

    def ngettext(self, singular: str, plural: str, count: int, **params: Any) -> str:
        """The plural form for `count` (also given to the message as {count})."""
        return self.translations.ngettext(singular, plural, count).format(count=count, **params)

    @property
    def rtl(self) -> bool:
        """Whether the language is written right to left."""
        return self.direction == "rtl"


def words(language: str) -> Words:
    """The printed words in `language` (its base language; English when it has no catalog)."""
    base = language.replace("-", "_").split("_")[0].lower()
    path = pages_dir() / "locales" / f"{base}.po"
    if not base.isalpha() or not path.is_file():
        return Words("en", "ltr", gettext.NullTranslations())
    compiled = io.BytesIO()
    with path.open("rb") as handle:
        write_mo(compiled, read_po(handle, locale=base))
    compiled.seek(0)
    return Words(base, Locale.parse(base).text_direction, gettext.GNUTranslations(compiled))


def operator_language(configured: str | None = None) -> str:
    """The language a command speaks: EXAMHALL_LANGUAGE, else the configured one, else English."""
    return os.environ.get(LANGUAGE_VARIABLE, "").strip() or configured or "en"

def N_(message: str) -> str:
    """Marks `message` for the catalogs where it is written; it is translated where shown."""
    return message

class Refusal(click.ClickException):
    """A command's refusal, "Error: ..." included, in the operator's language."""

    def __init__(self, message: str, say: Words) -> None:
        super().__init__(message)
        self.say = say

    def show(self, file: IO[Any] | None = None) -> None:
        """Prints "Error: message" to stderr (or `file`), as click does, in the operator's words."""
        click.echo(self.say._("Error: {error}", error=self.format_message()), file=file,
                   err=file is None)

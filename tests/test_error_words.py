"""Every error code the hall and the central send to a page has its words in the pages'
catalogs (webui/shared/text.js maps a code to a catalog message), in every language."""

from __future__ import annotations

import re
from pathlib import Path

from examkit.errors import ApiError
from hallserver import errors as hall_errors
from hallserver.i18n import catalogs
from syncd import errors as sync_errors

WEBUI = Path(__file__).resolve().parents[1] / "webui"
# Spoken between a hall's syncd and the central only: no page ever shows them.
HALL_TO_CENTRAL = {"unsupported_version", "bad_signature", "not_enrolled", "gap", "fork",
                   "stream_stopped"}


def _codes(module) -> set[str]:
    found = {"internal_error"}
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, ApiError):
            found.add(value.code)
    return found


def _page_words() -> dict[str, str]:
    """code -> the English message text.js gives it."""
    source = (WEBUI / "shared" / "text.js").read_text(encoding="utf-8")
    return dict(re.findall(r'"error\.(\w+)": N_\("((?:[^"\\]|\\.)*)"\)', source))


def test_every_code_a_page_can_meet_has_words_in_every_language():
    """The hall's and the central's codes (less the sync protocol's) are mapped, and each
    message is translated in every catalog."""
    wanted = (_codes(hall_errors) | _codes(sync_errors)) - HALL_TO_CENTRAL
    words = _page_words()
    assert sorted(wanted - set(words)) == []
    locales = WEBUI / "locales"
    for language in catalogs.languages(locales):
        catalog = catalogs.read_catalog(locales / f"{language}.po")
        untranslated = [message for message in words.values()
                        if not (catalog.get(message) and catalog.get(message).string)]
        assert untranslated == [], language

"""The words the `hall` and `syncd` commands print for a person, in the operator's language.

The language is EXAMHALL_LANGUAGE when set, else `[hall] staff_language` of the hall.toml the
command uses (`[central] language` for `syncd central ...`), else English. The messages live in the pages' catalogs (webui/locales/*.po):
the commands write them `say._("...", name=...)` and `say.ngettext(...)`, and `hall i18n update`
extracts them from hallserver/cli/ and syncd's commands (hallserver/i18n/extract.py). What scripts read (--json,
CSV, the columns of a listing) and the --help texts stay as they are; a domain error's message
(HallError.message) is English, as the domain gives it.
"""

from __future__ import annotations

from examkit.words import N_, Refusal, Words, operator_language, words  # noqa: F401 - the commands take them here
from hallserver.config import HallConfig, load, locate
from hallserver.errors import ConfigError


def words_for(config: HallConfig | None = None) -> Words:
    """The operator's words for a command run with `config` (none yet: EXAMHALL_LANGUAGE or English)."""
    return words(operator_language(config.hall.staff_language if config else None))


def words_here() -> Words:
    """For a command that needs no hall: the hall.toml it would use ($HALL_CONFIG, ./hall.toml)
    gives the language when there is one."""
    try:
        return words_for(load(locate(None)))
    except (ConfigError, OSError):
        return words_for(None)



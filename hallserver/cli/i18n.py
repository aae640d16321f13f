"""`hall i18n ...`: the pages' message catalogs (webui/locales/)."""

from __future__ import annotations

import click

from examkit.pages import pages_dir
from hallserver.cli.words import Refusal, words_here
from hallserver.i18n import catalogs

LOCALES = pages_dir() / "locales"


@click.group("i18n")
def i18n_group() -> None:
    """The pages' languages: extract their words, check the translations, compile them."""


@i18n_group.command("update")
def i18n_update() -> None:
    """Extract the pages' words into messages.pot and merge them into every language's .po."""
    say = words_here()
    for language in catalogs.update_catalogs(LOCALES):
        click.echo(say._("updated {file}", file=language + ".po"))


@i18n_group.command("add")
@click.argument("language")
def i18n_add(language: str) -> None:
    """Start a new language (a BCP 47 tag such as es or pt_BR): webui/locales/LANGUAGE.po."""
    say = words_here()
    try:
        path = catalogs.add_language(LOCALES, language)
    except (FileExistsError, ValueError) as err:
        raise Refusal(str(err), say) from err
    click.echo(say._("wrote {file}: translate it, then `hall i18n check` and `hall i18n compile`",
                     file=path.name))


@i18n_group.command("check")
def i18n_check() -> None:
    """Fail when a message is missing or untranslated in a language, or a placeholder differs."""
    say = words_here()
    problems = catalogs.check_all(LOCALES)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise Refusal(say.ngettext("{count} problem in the catalogs",
                                   "{count} problems in the catalogs", len(problems)), say)
    click.echo(say._("every catalog is complete"))


@i18n_group.command("compile")
def i18n_compile() -> None:
    """Write the JSON catalogs the pages load (webui/locales/*.json)."""
    say = words_here()
    for name in catalogs.compile_catalogs(LOCALES):
        click.echo(say._("wrote {path}", path=name))


COMMANDS = [i18n_group]

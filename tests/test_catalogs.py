"""The pages' message catalogs: complete in every language, placeholders kept, the compiled JSON
the pages load up to date; and the check itself fails when a catalog is broken."""

from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path

from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from hallserver.cli import main
from hallserver.i18n import catalogs
from hallserver.i18n.extract import PAGE_FOLDERS
from tests.halls import make_hall
from tests.serving import ServedHall

LOCALES = Path(__file__).resolve().parents[1] / "webui" / "locales"


def test_every_language_has_every_message_with_its_placeholders():
    """English, French and Arabic are complete against the pages' messages."""
    assert catalogs.languages(LOCALES) == ["en", "ar", "fr"]
    assert [str(problem) for problem in catalogs.check_all(LOCALES)] == []


def test_the_json_the_pages_load_is_compiled_from_the_po_files():
    """webui/locales/*.json are what `hall i18n compile` makes of the .po files now."""
    for name, data in catalogs.compiled(LOCALES).items():
        on_disk = json.loads((LOCALES / name).read_text(encoding="utf-8"))
        assert on_disk == json.loads(json.dumps(data)), f"{name} is stale: run `hall i18n compile`"
    arabic = catalogs.compiled(LOCALES)["ar.json"]
    assert (arabic["dir"], arabic["nplurals"], arabic["name"]) == ("rtl", 6, "العربية")


def test_a_page_loads_only_the_words_of_the_pages(tmp_path):
    """The French catalog a hall serves its pages holds the pages' words (one a page and a printed
    slip share too), not what only `hall serve` says or only a slip prints; the French .po, which
    the commands and printouts read, still holds those."""
    with ServedHall(make_hall(tmp_path / "hall")) as served:
        with urllib.request.urlopen(served.url + "ui/locales/fr.json", timeout=30) as response:
            messages = json.load(response)["messages"]
        served.stop()
    assert messages["Time left"] == "Temps restant"
    assert messages["Registration number"] == "Numéro d'inscription"
    assert "stopping; finishing saves in progress" not in messages   # `hall serve` says it
    assert "Keep this slip to yourself." not in messages              # a login slip prints it
    french = catalogs.read_catalog(LOCALES / "fr.po")
    assert french.get("stopping; finishing saves in progress").string
    assert french.get("Keep this slip to yourself.").string


def _copy_with(tmp_path: Path, language: str, change) -> Path:
    """A copy of the locales (with the pages beside it) where `change(catalog)` altered one language."""
    webui = tmp_path / "webui"
    for folder in PAGE_FOLDERS:
        shutil.copytree(LOCALES.parent / folder, webui / folder)
    shutil.copytree(LOCALES, webui / "locales")
    path = webui / "locales" / f"{language}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    change(catalog)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return webui / "locales"


def test_the_check_fails_on_a_missing_message_and_a_changed_placeholder(tmp_path):
    """Removing a message from French, or renaming a placeholder in Arabic, is reported."""
    def break_catalogs(catalog):
        del catalog["Time left"]

    locales = _copy_with(tmp_path, "fr", break_catalogs)
    assert [str(p) for p in catalogs.check_all(locales)] == ["fr: 'Time left': missing"]

    def rename_placeholder(catalog):
        catalog["Saved at {time}"].string = "حُفظ في {heure}"

    locales = _copy_with(tmp_path / "second", "ar", rename_placeholder)
    assert [str(p) for p in catalogs.check_all(locales)] == [
        "ar: 'Saved at {time}': placeholders ['heure'] instead of ['time']"]


def test_the_check_fails_when_a_page_shows_a_message_not_in_the_catalogs(tmp_path):
    """A new t("...") in a page that nobody extracted is reported against the template."""
    locales = _copy_with(tmp_path, "en", lambda catalog: None)
    page = locales.parent / "student" / "new-part.js"
    page.write_text('import { t } from "../shared/i18n.js";\nexport const x = () => t("A brand new sentence");\n')
    assert [str(p) for p in catalogs.check_all(locales)] == [
        "template: 'A brand new sentence': in the pages, not in messages.pot"]


def test_the_check_covers_the_staff_pages(tmp_path):
    """The console, the admin pages and the central's page are checked like a candidate's: a new
    t("...") not extracted, HTML text without data-i18n, and words put on the page by a script
    without t() are each reported."""
    locales = _copy_with(tmp_path, "en", lambda catalog: None)
    webui = locales.parent
    (webui / "invigilator" / "new-part.js").write_text(
        'import { t } from "../shared/i18n.js";\nexport const x = () => t("Seat swapped");\n')
    (webui / "admin" / "new-part.js").write_text(
        'import { el } from "../shared/dom.js";\nexport const y = () => el("p", { text: "Disk nearly full" });\n')
    page = webui / "central" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "<h2 data-i18n>Halls</h2>", "<h2>Halls</h2>"), encoding="utf-8")
    assert sorted(str(p) for p in catalogs.check_all(locales)) == [
        "pages: 'Disk nearly full': shown by admin/new-part.js without the catalogs",
        "pages: 'Halls': shown by central/index.html without the catalogs",
        "template: 'Seat swapped': in the pages, not in messages.pot"]


def test_every_staff_page_is_marked_for_translation():
    """Every staff page's HTML and the messages of its scripts are in the template."""
    template = catalogs.read_catalog(LOCALES / "messages.pot")
    folders = {name.split("/")[0] for message in template for name, _ in message.locations}
    assert {"staff", "invigilator", "admin", "central"} <= folders
    assert template.get("Pause the whole hall?") is not None   # a console dialog's title
    assert template.get("Hash chain verified: {count} events checked, none altered or missing.")


def test_hall_i18n_check_says_so():
    """`hall i18n check` exits 0 and says the catalogs are complete."""
    result = CliRunner().invoke(main, ["i18n", "check"])
    assert result.exit_code == 0, result.output
    assert "every catalog is complete" in result.output


def test_a_new_language_starts_untranslated_with_its_own_plural_forms(tmp_path):
    """`add_language` makes es.po from the template: Spanish plural rules, nothing translated,
    so the check lists every message until someone translates it."""
    locales = _copy_with(tmp_path, "en", lambda catalog: None)
    catalogs.add_language(locales, "es")
    spanish = catalogs.read_catalog(locales / "es.po")
    assert spanish.num_plurals == 3 and str(spanish.locale) == "es"
    missing = [p for p in catalogs.check_all(locales) if p.language == "es"]
    template = catalogs.read_catalog(locales / "messages.pot")
    assert len(missing) == len([m for m in template if m.id])


def test_update_brings_a_new_page_message_into_every_language(tmp_path):
    """After `update`, a sentence new in a page is in messages.pot and every .po, untranslated
    (so the check names it per language); run again with nothing new, no file changes."""
    locales = _copy_with(tmp_path, "en", lambda catalog: None)
    (locales.parent / "student" / "new-part.js").write_text(
        'import { t } from "../shared/i18n.js";\nexport const x = () => t("A brand new sentence");\n')
    catalogs.update_catalogs(locales)
    assert sorted(str(p) for p in catalogs.check_all(locales)) == [
        f"{language}: 'A brand new sentence': not translated" for language in ("ar", "en", "fr")]
    before = {path.name: path.read_bytes() for path in locales.glob("*.po*")}
    catalogs.update_catalogs(locales)
    assert {path.name: path.read_bytes() for path in locales.glob("*.po*")} == before

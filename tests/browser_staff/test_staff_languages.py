"""The staff pages in the hall's staff language: the console and the admin pages start in the
language hall.toml sets for staff, a member of staff switches with the picker and the choice holds
on that PC, Arabic is laid out right to left, and axe-core finds no serious or critical violation
on any staff page in English, French or Arabic."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.languages import catalog, english_left_over, serious_violations
from tests.browser_staff.staff_pages import CANDIDATE_COUNT, CANDIDATES, CONSOLE, STAFF

ADMIN_PAGES = ("analytics", "storage", "performance", "inspector")


def words(language: str, message: str) -> str:
    """`message` as the pages show it in `language`."""
    return catalog(language)["messages"].get(message) or message


def log_in(page: Page, name: str) -> None:
    """Logs in on the staff login page in whatever language it is in (fields by id)."""
    page.goto("ui/staff/index.html")
    page.locator("#staff-name").fill(name)
    page.locator("#staff-password").fill(STAFF[name][1])
    page.locator("#login-button").click()
    if STAFF[name][0] == "admin":
        expect(page.locator("#signed-in")).to_be_visible()
    else:
        page.wait_for_url(f"**/{CONSOLE}")


def choose_language(page: Page, language: str) -> None:
    """Picks `language` in the page's picker; the page reloads in it."""
    page.locator("[data-language-picker] select").first.select_option(language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")


def in_language(page: Page, language: str) -> None:
    """The page is in `language`: <html lang dir>, and no English message left on screen."""
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    if language != "en":
        assert english_left_over(page, language) == []


@pytest.mark.hall_settings(hall__staff_language="fr")
def test_the_staff_pages_start_in_the_halls_staff_language_and_a_choice_holds(hall, new_context):
    """hall.toml says French for staff: the login page and the console are in French, the
    candidate's dialog too; an invigilator who picks Arabic gets it right to left, after a
    reload as well, while the candidates' login page keeps the candidates' language."""
    page = new_context().new_page()
    page.goto("ui/staff/index.html")
    expect(page.get_by_role("heading", name="Connexion du personnel")).to_be_visible()
    in_language(page, "fr")
    # The hall's refusal (wrong_credentials) reads in French, from the catalogs.
    page.locator("#staff-name").fill("ivy")
    page.locator("#staff-password").fill("not-her-password")
    page.locator("#login-button").click()
    expect(page.locator("#login-error")).to_have_text("Ce nom et ce mot de passe ne correspondent pas.")
    log_in(page, "ivy")
    expect(page.locator("#feed-state")).to_have_attribute("data-state", "live")
    expect(page.locator("#roster-body tr")).to_have_count(CANDIDATE_COUNT)
    expect(page.get_by_role("heading", name="Candidats", exact=True)).to_be_visible()
    expect(page.locator("#roster-count")).to_have_text(f"{CANDIDATE_COUNT} candidats affichés sur {CANDIDATE_COUNT}")
    in_language(page, "fr")

    page.locator("#roster-body tr").first.get_by_role("button").click()
    dialog = page.locator("#candidate-dialog")
    expect(dialog.locator("#candidate-note")).to_have_text(   # not started yet: no action
        "Ce candidat n’a pas encore ouvert l’examen ; son horloge n’a pas démarré.")
    in_language(page, "fr")
    close = dialog.locator('[data-close="close"]')
    expect(close).to_have_text(words("fr", "Close"))
    close.click()
    expect(dialog).to_be_hidden()

    choose_language(page, "ar")
    expect(page.locator("#feed-state")).to_have_attribute("data-state", "live")
    expect(page.locator("#roster-title")).to_have_text("المترشحون")
    page.reload()
    expect(page.locator("#roster-title")).to_have_text("المترشحون")
    in_language(page, "ar")
    # The table reads from the right: the first column's heading is right of the second's.
    first, second = (page.locator("#roster-table th").nth(i).bounding_box() for i in (0, 1))
    assert first["x"] > second["x"]

    candidates = page.context.new_page()
    candidates.goto("ui/student/index.html")
    expect(candidates.locator("html")).to_have_attribute("lang", "en")   # the hall's candidates' language


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_every_staff_page_passes_axe_in_every_language(hall, new_context, screenshot, language):
    """The staff login, the console (and a candidate's dialog in it), and each admin page: no
    serious or critical axe-core violation, nothing left in English; screenshots in Arabic."""
    page = new_context().new_page()
    page.goto("ui/staff/index.html")
    if language != "en":  # English is the hall's default for staff: nothing to choose
        choose_language(page, language)

    def check(name: str) -> None:
        in_language(page, language)
        assert serious_violations(page) == []
        if language == "ar":
            screenshot(page, f"staff-{name}-{language}")

    expect(page.locator("#login-button")).to_be_visible()
    check("login")
    log_in(page, "ada")
    check("signed-in")

    page.goto(CONSOLE)
    expect(page.locator("#feed-state")).to_have_attribute("data-state", "live")
    expect(page.locator("#roster-body tr")).to_have_count(CANDIDATE_COUNT)
    check("console")
    page.locator("#roster-body tr").first.get_by_role("button").click()
    expect(page.locator("#candidate-dialog")).to_be_visible()
    check("console-dialog")
    page.keyboard.press("Escape")
    expect(page.locator("#candidate-dialog")).to_be_hidden()

    for name in ADMIN_PAGES:
        page.goto(f"ui/admin/{name}.html")
        expect(page.locator("#admin-main")).to_be_visible()
        if name == "inspector":
            page.locator("#inspect-number").fill(CANDIDATES[0][0])
            page.locator("#inspect-form button[type=submit]").click()
            expect(page.locator("#inspected")).to_be_visible()
        else:
            expect(page.locator("#updated")).not_to_be_empty()
        check(f"admin-{name}")
    assert words(language, "Storage") in page.locator(".staff-nav").inner_text()

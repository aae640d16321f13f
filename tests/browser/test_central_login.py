"""The central's page in Chromium: at /ui/central/, styled as the hall's pages, a login with a
central account (a wrong password refused, a reader let in to the halls and the export), logout.

A real central (`syncd central init` and `serve`, HTTPS) and Debian's Chromium.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import WAIT_MS, PageErrors, screenshot  # noqa: F401
from tests.browser.languages import catalog, english_left_over, serious_violations
from tests.sync.processes import SYNCD, ServedCentral, _env, syncd_ok

READER = ("rex", "reads-the-results")


@pytest.fixture
def central(tmp_path: Path) -> Iterator[ServedCentral]:
    """A central on SQLite with the reader account `rex`."""
    directory = tmp_path / "central"
    syncd_ok("central", "init", str(directory))
    subprocess.run([str(SYNCD), "central", "user", "add", READER[0], "--role", "reader",
                    "--password-stdin", "--config", str(directory / "central.toml")],
                   input=READER[1] + "\n", text=True, env=_env(), check=True, capture_output=True,
                   timeout=60)
    served = ServedCentral(directory)
    try:
        yield served
    finally:
        served.kill9()


@pytest.fixture
def page(browser: Browser, central: ServedCentral) -> Iterator[Page]:
    """A fresh browser tab on the central (its certificate accepted, as an admin's PC would)."""
    context = browser.new_context(base_url=central.url, ignore_https_errors=True,
                                  viewport={"width": 1280, "height": 860})
    context.set_default_timeout(WAIT_MS)
    errors = PageErrors()
    context.on("page", errors.watch)
    yield context.new_page()
    context.close()
    assert not errors.errors, "\n".join(errors.errors)


def test_a_reader_logs_in_on_the_central_page_and_out_again(page: Page):
    page.goto("/ui/central/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Times" not in font, f"the page is unstyled (font {font})"

    page.get_by_label("Name", exact=True).fill(READER[0])
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#login-error")).to_contain_text("do not match")
    expect(page.get_by_label("Password")).to_have_value("")

    page.get_by_label("Password").fill(READER[1])
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#who-text")).to_have_text("rex (reader)")
    expect(page.get_by_role("heading", name="Halls")).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="Results").click()
    expect(page.get_by_role("link", name="Export CSV")).to_be_visible()
    cookies = page.context.cookies()
    assert [(c["httpOnly"], c["secure"], c["sameSite"]) for c in cookies] == [
        (True, True, "Strict")]

    page.reload()  # the login outlives a reload: the cookie, not the tab, holds it
    expect(page.locator("#who-text")).to_have_text("rex (reader)")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def _reader_logs_in(page: Page) -> None:
    """rex logs in, in whatever language the page is in (fields and button by id)."""
    page.locator("#account-name").fill(READER[0])
    page.locator("#account-password").fill(READER[1])
    page.locator("#login-button").click()
    expect(page.locator("#central-main")).to_be_visible()
    expect(page.locator("#halls")).to_be_visible()


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_central_page_passes_axe_in_every_language(page: Page, screenshot, language):
    """Chosen with the page's picker: the login and the halls and sessions, in the language, with
    no serious or critical axe-core violation; Arabic right to left (screenshots in Arabic)."""
    page.goto("/ui/central/")
    expect(page.locator("#login-card")).to_be_visible()
    if language != "en":
        page.locator("[data-language-picker] select").select_option(language)
    for step in ("login", "main"):
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
        if language != "en":
            assert english_left_over(page, language) == []
        assert serious_violations(page) == []
        if language == "ar":
            screenshot(page, f"central-{step}-{language}")
        if step == "login":
            _reader_logs_in(page)
    expect(page.locator("#who-text")).to_have_text(
        {"en": "rex (reader)", "fr": "rex (lecteur)", "ar": "rex (قارئ)"}[language])


@pytest.fixture
def arabic_central(tmp_path: Path) -> Iterator[ServedCentral]:
    """A central whose central.toml sets its page's language to Arabic."""
    directory = tmp_path / "central"
    syncd_ok("central", "init", str(directory))
    config = directory / "central.toml"
    text = config.read_text(encoding="utf-8")
    text = (text.replace('language = "en"', 'language = "ar"') if 'language = "en"' in text
            else text.replace("[central]\n", '[central]\nlanguage = "ar"\n', 1))
    config.write_text(text, encoding="utf-8")
    served = ServedCentral(directory)
    try:
        yield served
    finally:
        served.kill9()


def test_the_central_page_starts_in_the_language_central_toml_sets(browser: Browser, arabic_central):
    """[central] language = "ar": the page opens in Arabic, right to left, without a choice made."""
    context = browser.new_context(base_url=arabic_central.url, ignore_https_errors=True)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto("/ui/central/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#login-card h2")).to_have_text(catalog("ar")["messages"]["Log in"])
    context.close()

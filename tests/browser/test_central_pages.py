"""The central's pages for an exam programme, in Chromium: an admin walks the halls, publishes a
sitting from the form, sees it listed and changes it, and ends it once its hall started it; a reader finds no publish or change button
(and a 403 if they try), sees the results chart, a candidate's incidents and the exports. axe-core
finds nothing serious on any view.

A real central (`syncd central init` and `serve`, HTTPS, SQLite); two halls push real signed
batches; Debian's Chromium.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import WAIT_MS, PageErrors, screenshot  # noqa: F401
from tests.browser.languages import english_left_over, serious_violations
from tests.sync.processes import ServedCentral, syncd_ok
from tests.sync.programme import ADMIN, READER, programme
from tests.sync.reporting_hall import ReportingHall, sat


def _in_thread(coroutine) -> None:  # noqa: ANN001 - a coroutine
    """Runs a coroutine to its end on its own loop (Playwright's sync API holds this thread's)."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


@pytest.fixture
def central(tmp_path: Path) -> Iterator[tuple[ServedCentral, ReportingHall, ReportingHall]]:
    """A served central with accounts, MTH101 and its candidates, and the halls Leeds and York."""
    directory = tmp_path / "central"
    syncd_ok("central", "init", str(directory))
    served = ServedCentral(directory)
    try:
        yield (served, *programme(served, tmp_path))
    finally:
        served.kill9()


@pytest.fixture
def open_page(browser: Browser, central):
    """Opens a fresh tab (its own cookies) on the central; a test fails on any page error."""
    made: list[tuple] = []

    def make() -> Page:
        context = browser.new_context(base_url=central[0].url, ignore_https_errors=True,
                                      viewport={"width": 1400, "height": 900})
        context.set_default_timeout(WAIT_MS)
        errors = PageErrors()
        context.on("page", errors.watch)
        made.append((context, errors))
        return context.new_page()

    yield make
    problems = [e for _, errors in made for e in errors.errors]
    for context, _ in made:
        context.close()
    assert not problems, "\n".join(problems)


def _log_in(page: Page, account: tuple[str, str]) -> None:
    page.goto("/ui/central/")
    page.get_by_label("Name", exact=True).fill(account[0])
    page.get_by_label("Password", exact=True).fill(account[1])
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#central-main")).to_be_visible()


def _tab(page: Page, name: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("link", name=name, exact=True)).to_have_attribute("aria-current", "page")


def test_an_admin_publishes_a_sitting_from_the_form_and_changes_it(open_page, central, screenshot):
    served, leeds, york = central
    syncd_ok("central", "revoke-hall", york.hall_id,
             "--config", str(served.directory / "central.toml"))
    page = open_page()
    _log_in(page, ADMIN)
    halls = page.locator("#halls tbody tr")
    expect(halls).to_have_count(2)
    expect(halls.filter(has_text="Leeds Hall")).to_contain_text("0 of 0")   # items received
    expect(halls.filter(has_text="York Hall")).to_contain_text("revoked")
    assert serious_violations(page) == []
    screenshot(page, "central-halls")

    _tab(page, "Sittings")
    expect(page.locator("#sittings-empty")).to_be_visible()
    expect(page.locator("#publish-hall option")).to_have_text(["Leeds Hall"])   # not the revoked
    page.get_by_label("Hall", exact=True).select_option(label="Leeds Hall")
    page.get_by_label("Exam", exact=True).select_option("MTH101")
    page.get_by_label("Starts").first.fill("2030-06-01T09:00")
    page.locator("#publish-policy").select_option("own_clock")
    page.locator("#publish-late").fill("15")
    page.get_by_role("button", name="Publish the sitting").click()
    expect(page.locator("#publish-done")).to_have_text("Published for Leeds Hall. Candidates: 3.")
    listed = page.locator("#sittings tbody tr")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("Leeds Hall")
    expect(listed).to_contain_text("Mathematics")
    expect(listed).to_contain_text("not yet")        # received by the hall
    expect(listed).to_contain_text("0 of 3")         # present
    assert serious_violations(page) == []
    screenshot(page, "central-sittings")

    listed.get_by_role("button", name="Change Mathematics").click()
    page.locator("#change-name").fill("Mathematics, morning")
    page.get_by_role("button", name="Publish the change").click()
    expect(page.locator("#change-card")).to_be_hidden()
    expect(listed).to_contain_text("Mathematics, morning")
    expect(page.locator("#halls tbody tr").filter(has_text="Leeds Hall")).to_contain_text("0 of 4")

    page.get_by_role("button", name="Publish the sitting").click()   # the same candidates again
    expect(page.locator("#publish-error")).to_contain_text("already sit MTH101")
    expect(listed).to_have_count(1)

    # Started at the hall: no change any more, only an end, asked twice.
    (sitting,) = json.loads(syncd_ok("central", "sitting", "list", "--json", "--config",
                                     str(served.directory / "central.toml")))["sittings"]
    _in_thread(leeds.push({"kind": "sitting_started", "sitting_id": sitting["id"],
                           "checked_in": 0}))
    page.clock.install()   # the page's own refresh, every 10 s, is brought on below
    page.reload()
    _tab(page, "Sittings")
    expect(listed.get_by_role("button", name="Change Mathematics, morning")).to_have_count(0)
    listed.get_by_role("button", name="End Mathematics, morning", exact=True).click()
    listed.get_by_role("button", name="Do not end Mathematics, morning").click()
    listed.get_by_role("button", name="End Mathematics, morning", exact=True).click()
    # The page refreshes its lists while the admin thinks: the question stays, with its focus.
    with page.expect_response(lambda response: "/api/" in response.url):
        page.clock.fast_forward("00:11")
    end_now = listed.get_by_role("button", name="End Mathematics, morning now")
    expect(end_now).to_be_focused()
    expect(listed).to_contain_text("Every candidate's exam at the hall ends.")
    screenshot(page, "central-end-question")
    assert serious_violations(page) == []
    end_now.click()
    expect(listed).to_contain_text("End sent")
    expect(page.locator("#end-error")).to_be_hidden()


def test_a_reader_sees_results_and_a_candidate_but_cannot_publish(open_page, central, screenshot):
    served, leeds, york = central
    _in_thread(leeds.push(*sat("MTH101", "C-1", 18, 20), *sat("MTH101", "C-2", 9, 20), {
        "kind": "incident_recorded", "sitting_id": "s-leeds", "category": "illness",
        "text": "Felt faint, left for ten minutes.", "registration_number": "C-2",
        "by": "invigilator"}))
    _in_thread(york.push(*sat("MTH101", "C-3", 20, 20)))
    page = open_page()
    _log_in(page, READER)

    _tab(page, "Sittings")
    expect(page.locator("#sittings-empty")).to_be_visible()
    expect(page.get_by_role("button", name="Publish the sitting")).to_have_count(0)
    expect(page.locator("#publish-card")).to_be_hidden()
    refused = page.evaluate("""async (hall) => {
      const answer = await fetch('/api/sittings', {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({hall_id: hall, exam_id: 'MTH101', starts: '2030-06-01T09:00'})});
      return [answer.status, (await answer.json()).error.code];
    }""", leeds.hall_id)
    assert refused == [403, "not_admin"]

    _tab(page, "Results")
    exam = page.locator("[data-exam='MTH101']")
    expect(exam).to_contain_text("3 results")
    chart = exam.locator("svg.score-chart")
    expect(chart).to_be_visible()
    bars = chart.locator("rect.bar")
    expect(bars).to_have_count(10)
    heights = [float(bars.nth(i).get_attribute("height") or 0) for i in range(10)]
    assert heights[9] > heights[4] > 0 and heights[:4] == [0, 0, 0, 0], heights
    expect(exam.locator("table.per-hall tbody tr")).to_have_count(2)
    expect(exam.locator("table.per-hall")).to_contain_text("York Hall")
    assert serious_violations(page) == []
    screenshot(page, "central-results")

    page.locator("#sessions").get_by_role("link", name="C-2").click()
    expect(page.locator("#candidate-title")).to_have_text("Bola Ade (C-2)")
    expect(page.locator("#candidate-incidents tbody")).to_contain_text("Incident (illness)")
    expect(page.locator("#candidate-sessions tbody")).to_contain_text("9 / 20")
    assert serious_violations(page) == []
    screenshot(page, "central-candidate")

    _tab(page, "Exports")
    link = page.get_by_role("link", name="Results per exam and hall (CSV)")
    with page.expect_download() as download:
        link.click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[1].startswith("MTH101,Mathematics,,,3,"), text
    assert serious_violations(page) == []
    screenshot(page, "central-exports")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_view_is_in_the_language_chosen(open_page, central, screenshot, language):
    """Each view, with a sitting, results and an incident on it, shows no English left over and
    no serious axe-core violation; Arabic reads right to left."""
    served, leeds, _ = central
    _in_thread(leeds.push(*sat("MTH101", "C-1", 12, 20), {
        "kind": "sitting_absent", "sitting_id": "s-leeds", "registration_number": "C-1",
        "by": "amina"}))
    page = open_page()
    page.goto("/ui/central/")
    page.locator("[data-language-picker] select").select_option(language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.locator("#account-name").fill(ADMIN[0])   # the labels are in the language: by id
    page.locator("#account-password").fill(ADMIN[1])
    page.locator("#login-button").click()
    expect(page.locator("#central-main")).to_be_visible()
    page.goto("/ui/central/#sittings")
    expect(page.locator("#publish-hall option")).not_to_have_count(0)  # the form has its halls,
    expect(page.locator("#publish-exam option")).not_to_have_count(0)  # and its exams
    page.locator("#publish-starts").fill("2030-06-01T09:00")
    page.locator("#publish-button").click()
    expect(page.locator("#sittings tbody tr")).to_have_count(1)
    for view in ("halls", "sittings", "results", "candidate/C-1", "exports"):
        page.goto(f"/ui/central/#{view}")
        expect(page.locator(f"[data-tab='{view.split('/')[0]}']")).to_have_attribute(
            "aria-current", "page")
        if view.startswith("candidate"):
            expect(page.locator("#candidate-incidents tbody tr")).to_have_count(1)
        if view == "results":
            expect(page.locator("svg.score-chart")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
        assert english_left_over(page, language) == [], view
        assert serious_violations(page) == [], view
        if language == "ar" and view in ("sittings", "results"):
            screenshot(page, f"central-{view}-ar")

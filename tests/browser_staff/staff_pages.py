"""Driving the staff pages as staff do, and candidates through the hall's API (a candidate who
saves, reports trouble or goes silent), with waits on conditions only."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import BrowserContext, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.halls import candidate_rows

EXAM_ID = "MTH101"
CANDIDATE_COUNT = 12
SILENT_AFTER_SECONDS = 10
CANDIDATES = candidate_rows(CANDIDATE_COUNT)
STAFF = {"ivy": ("invigilator", "ivy-password"), "ada": ("admin", "ada-password")}
EXAM_PATH = f"student/exam/{EXAM_ID}"
CONSOLE = "ui/invigilator/index.html"


def staff_log_in(page: Page, name: str) -> None:
    """Logs `name` in on the staff login page (and waits until the page has moved on)."""
    page.goto("ui/staff/index.html")
    # As a person does: types once the page is ready (the form is wired in its language).
    expect(page.get_by_role("button", name="Log in")).to_be_enabled()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(STAFF[name][1])
    page.get_by_role("button", name="Log in").click()
    if STAFF[name][0] == "admin":
        expect(page.get_by_role("heading", name="You are logged in")).to_be_visible()
        return
    try:  # the console's own readiness is the caller's to wait for (open_console waits for its feed)
        page.wait_for_url(re.compile(r"/ui/invigilator/index\.html$"), wait_until="commit")
    except PlaywrightTimeoutError as stuck:  # say what the invigilator saw instead of the console
        error = page.locator("#login-error")
        seen = error.text_content() if error.count() and error.is_visible() else "no error shown"
        raise AssertionError(f"the staff login did not open the console: still at {page.url}, "
                             f"{seen!r}") from stuck


def open_console(context: BrowserContext, name: str = "ivy") -> Page:
    """A console page, logged in as `name`, with its live feed connected and the roster drawn."""
    page = context.new_page()
    staff_log_in(page, name)
    if not page.url.endswith(CONSOLE):
        page.goto(CONSOLE)
    expect(page.locator("#feed-state")).to_have_attribute("data-state", "live")
    expect(page.locator("#roster-body tr")).to_have_count(CANDIDATE_COUNT)
    return page


def row(page: Page, registration_number: str) -> Locator:
    """A candidate's row in the console."""
    return page.locator(f'#roster-body tr[data-key="{registration_number}/{EXAM_ID}"]')


def alert_item(page: Page, registration_number: str, kind: str) -> Locator:
    """An open alert in the console's alerts panel."""
    return page.locator(f'.alert-item[data-registration-number="{registration_number}"][data-kind="{kind}"]')


class Candidate:
    """A candidate's PC talking to the hall's API (its own cookies: a browser context)."""

    def __init__(self, context: BrowserContext, base_url: str, index: int) -> None:
        self.context = context
        self.base_url = base_url
        self.registration_number, self.name, self.pin = CANDIDATES[index]
        self.seq = 0

    def log_in(self) -> Candidate:
        """Logs in; returns self."""
        self._ok(self.context.request.post(self.base_url + "student/login", data={
            "registration_number": self.registration_number, "pin": self.pin}))
        return self

    def start(self) -> Candidate:
        """Opens the paper (which starts the clock); returns self."""
        self._ok(self.context.request.get(self.base_url + EXAM_PATH))
        return self

    def save(self, **body: Any) -> dict[str, Any]:
        """A save, as the exam page sends it; returns the hall's answer."""
        self.seq += 1
        return self._ok(self.context.request.post(self.base_url + EXAM_PATH + "/session/save",
                                                  data={"device_seq": self.seq, **body}))

    def report(self, **body: Any) -> dict[str, Any]:
        """The page's report of its own trouble."""
        return self._ok(self.context.request.post(self.base_url + EXAM_PATH + "/session/report",
                                                  data=body))

    def complete(self) -> dict[str, Any]:
        """Submits."""
        return self._ok(self.context.request.post(self.base_url + EXAM_PATH + "/session/complete",
                                                  data={}))

    def clock(self) -> dict[str, Any]:
        """The hall's clock for this session."""
        return self._ok(self.context.request.get(self.base_url + EXAM_PATH + "/session/clock"))

    @staticmethod
    def _ok(response) -> dict[str, Any]:  # noqa: ANN001 - Playwright's APIResponse
        assert response.ok, f"{response.status} {response.text()}"
        return response.json()


def confirm(page: Page, title: str | re.Pattern[str], button: str) -> None:
    """Confirms the open confirmation dialog titled `title` with `button`; waits until it closes."""
    dialog = page.get_by_role("dialog", name=title)
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=button, exact=True).click()
    expect(dialog).to_be_hidden()


def clock_seconds(text: str) -> int:
    """Seconds of a countdown's "41:20" or "1:00:00"."""
    seconds = 0
    for part in text.strip().split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


# Resolves once the element's text has not changed for `ms` milliseconds (state kept in the page,
# with the last few changes, to say what the element did when it never stood still).
STEADY_JS = """([selector, ms]) => {
  const element = document.querySelector(selector);
  if (!element) return false;
  const seen = (window.__steady ??= {});
  const now = performance.now();
  const text = element.textContent;
  if (!seen[selector] || seen[selector].text !== text) {
    const changes = [...(seen[selector]?.changes ?? []), `${(now / 1000).toFixed(1)}s: ${text}`].slice(-12);
    seen[selector] = { text, since: now, changes };
    return false;
  }
  return now - seen[selector].since >= ms;
}"""


def wait_until_steady(page: Page, selector: str, ms: int, timeout: float = 20_000) -> str:
    """Waits until the text of `selector` has stood still for `ms` ms; returns that text. Fails
    with the element's last changes when it keeps changing."""
    page.evaluate("(selector) => { if (window.__steady) delete window.__steady[selector]; }", selector)
    try:
        page.wait_for_function(STEADY_JS, arg=[selector, ms], polling=100, timeout=timeout)
    except PlaywrightTimeoutError as err:
        changes = page.evaluate("(selector) => window.__steady?.[selector]?.changes ?? []", selector)
        raise AssertionError(f"{selector} never stood still for {ms} ms within {timeout} ms; "
                             f"its last changes: {changes}") from err
    return page.locator(selector).inner_text()

"""Driving the candidate's pages the way a candidate does, and looking inside what they keep.

Waits are on conditions only: Playwright's `expect` for what the page shows, and `server_state`
polling the hall's restore endpoint (with the page's own cookie, so no new login moves the lease)
until it says what the test expects or a deadline passes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from playwright.sync_api import APIRequestContext, BrowserContext, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.halls import candidate_rows

EXAM_ID = "MTH101"
RESTORE = f"student/exam/{EXAM_ID}/session/restore"
SAVE = f"/student/exam/{EXAM_ID}/session/save"
CANDIDATES = candidate_rows(5)
SAVED = re.compile(r"^Saved at \d\d:\d\d:\d\d$")


def fill_login(page: Page, index: int = 0) -> None:
    """Logs candidate `index` in from the login page (whatever the hall then shows)."""
    registration, _, pin = CANDIDATES[index]
    page.goto("ui/student/index.html")
    # As a person does: types once the page is ready (the form is wired in its language).
    expect(page.get_by_role("button", name="Log in")).to_be_enabled()
    page.get_by_label("Registration number").fill(registration)
    page.get_by_label("PIN", exact=True).fill(pin)
    page.get_by_role("button", name="Log in").click()


def log_in(page: Page, index: int = 0, exam_shown: bool = True) -> None:
    """Logs candidate `index` in from the login page; returns once the exam page is open (and,
    unless `exam_shown` is False, for a candidate waiting at a check-in, the exam on screen)."""
    fill_login(page, index)
    try:
        page.wait_for_url(re.compile(r"/ui/student/exam\.html\?exam=" + EXAM_ID))
    except PlaywrightTimeout as stuck:  # say what the candidate saw instead of the exam page
        error = page.locator("#login-error")
        seen = error.text_content() if error.count() and error.is_visible() else "no error shown"
        raise AssertionError(f"the login did not open the exam page: still at {page.url}, "
                             f"{seen!r}") from stuck
    if exam_shown:
        expect(page.locator("#exam-main")).to_be_visible()


def status(page: Page):
    """The save status line."""
    return page.locator("#save-status")


def expect_saved(page: Page, timeout: float = 20_000) -> None:
    """Waits until the page says every change is saved ("Saved at 10:42:05")."""
    expect(status(page)).to_have_text(SAVED, timeout=timeout)


OFFLINE_READY_MS = 60_000  # the worker fetches every page file first: slow while others run


_WORKER_STATE = """async () => {
  const registration = await navigator.serviceWorker.getRegistration("/ui/");
  const names = await caches.keys();
  const kept = names.length ? (await (await caches.open(names[0])).keys()).length : 0;
  return {registered: Boolean(registration), installing: registration?.installing?.state,
          waiting: registration?.waiting?.state, active: registration?.active?.state,
          controlled: Boolean(navigator.serviceWorker.controller), caches: names, kept};
}"""


def expect_offline_ready(page: Page) -> None:
    """Waits until a service worker controls the page (it has kept the pages by then); if none
    does in time, says what the worker's registration and caches held (stop 22 saw this fail,
    rarely, under load, and could not reproduce it)."""
    try:
        expect(page.locator("html")).to_have_attribute("data-offline-ready", "yes",
                                                       timeout=OFFLINE_READY_MS)
    except AssertionError as err:
        state = page.evaluate(_WORKER_STATE)
        raise AssertionError(f"no service worker controls the page: {state}") from err


def go_to(page: Page, number: int) -> None:
    """Opens question `number` (from 1) with the navigation grid."""
    page.locator(f".grid-button[data-index='{number - 1}']").click()
    expect(page.locator("#question-number")).to_have_text(re.compile(rf"^Question {number} of "))


def choose(page: Page, key: str) -> None:
    """Clicks the option `key` of the question on screen (anywhere on its row)."""
    page.locator(f".option:has(input[value='{key}'])").click()
    expect(page.locator(f"input[name=answer][value='{key}']")).to_be_checked()


def answer(page: Page, number: int, key: str) -> None:
    """Goes to question `number` and chooses `key`."""
    go_to(page, number)
    choose(page, key)


def grid_button(page: Page, number: int):
    """The navigation grid's button of question `number`."""
    return page.locator(f".grid-button[data-index='{number - 1}']")


def restore(context: BrowserContext, base_url: str) -> dict[str, Any]:
    """The hall's restore for this context's login (the page's cookie; no new login)."""
    response = context.request.get(base_url + RESTORE)
    assert response.ok, response.text()
    return response.json()


def server_state(context: BrowserContext, base_url: str, until: Callable[[dict[str, Any]], bool],
                 timeout: float = 30.0) -> dict[str, Any]:
    """Polls the hall's restore until `until(session_data)` holds; fails with the last answer."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            answer_now = restore(context, base_url)
        except Exception:  # noqa: BLE001 - the hall may be starting again: keep asking
            answer_now = {}
        data = answer_now.get("session_data") or {}
        if until(data):
            return answer_now
        assert time.monotonic() < deadline, f"the hall never reached the state; it has {answer_now}"
        time.sleep(0.2)


_JOURNAL_JS = """async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("examhall");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const all = (store) => new Promise((resolve, reject) => {
    const request = db.transaction(store).objectStore(store).getAll();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const found = {};
  for (const store of db.objectStoreNames) found[store] = await all(store);
  db.close();
  return found;
}"""


def journal(page: Page) -> dict[str, list[dict[str, Any]]]:
    """Everything this PC keeps in IndexedDB, by store (sittings, changes, kept, meta)."""
    return page.evaluate(_JOURNAL_JS)


def journal_until(page: Page, until: Callable[[dict[str, Any]], bool],
                  timeout: float = 20.0) -> dict[str, Any]:
    """Reads the journal until `until(journal)` holds (its writes commit a moment after a click)."""
    deadline = time.monotonic() + timeout
    while True:
        kept = journal(page)
        if until(kept):
            return kept
        assert time.monotonic() < deadline, f"the journal never reached the state; it holds {kept}"
        time.sleep(0.1)


def saved_answer_events(sessions: list[dict[str, Any]]) -> list[str]:
    """Question ids of every answer written by an `answers_saved` event, one entry per write."""
    written: list[str] = []
    for event in sessions[0]["history"]:
        if event["kind"] == "answers_saved":
            written.extend((event.get("changes") or {}).get("answers", {}))
    return written


def invigilator(context: BrowserContext, base_url: str, name: str, password: str) -> APIRequestContext:
    """The invigilator's side of the hall's API, logged in (on a browser context of their own)."""
    response = context.request.post(base_url + "staff/login", data={"name": name, "password": password})
    assert response.ok, response.text()
    return context.request


def act_on(staff: APIRequestContext, base_url: str, action: str, registration_number: str = "C0001") -> None:
    """An invigilator's action on a candidate's exam: pause, resume, approve-move, force-submit."""
    response = staff.post(f"{base_url}staff/candidates/{registration_number}/exams/{EXAM_ID}/{action}")
    assert response.ok, response.text()

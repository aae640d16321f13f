"""The service worker that keeps the candidate's pages takes every exam page, even one that opened
past it: a page still loading when the worker activated (the login moved on to the exam while
the worker was being installed: seen in the full suite), or a hard reload (Ctrl+Shift+R, which
skips the worker for that page). Such a page asks the active worker to take it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.exam_page import answer, expect_offline_ready, expect_saved, log_in


def test_a_page_opened_past_the_worker_asks_to_be_kept_and_then_survives_the_hall_going(
        hall, new_context):
    context = new_context()
    page = context.new_page()
    log_in(page)
    expect_offline_ready(page)
    answer(page, 1, "B")   # so that a reload greets the candidate back: a sign of the new page
    expect_saved(page)

    # Ctrl+Shift+R: the page loads from the hall, not through the worker, so no worker controls it.
    page.context.new_cdp_session(page).send("Page.reload", {"ignoreCache": True})
    expect(page.get_by_role("dialog", name=re.compile("Welcome back"))).to_be_visible()
    expect_offline_ready(page)
    expect(page.locator("#offline-ready")).to_be_visible()
    assert page.evaluate("Boolean(navigator.serviceWorker.controller)")

    hall.stop()
    page.reload()
    expect(page.get_by_role("dialog", name=re.compile("Welcome back"))).to_be_visible()
    expect(page.locator("#resume-note")).to_contain_text("cannot be reached")

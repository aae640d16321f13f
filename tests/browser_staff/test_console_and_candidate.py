"""The console and the candidate's own exam page together: what an invigilator does to the clock
shows on the candidate's open page. The candidate's countdown is read from `#clock-value` (the
exam page's "41:20"), as the candidate sees it.

What these tests need of the exam page: while it is open it learns the hall's clock often (every
few seconds, from GET /student/exam/{exam}/session/clock or its saves) and
  - after an extension shows the new time left (within 15 s);
  - while the clock is paused (`"paused": true`) shows the time left standing still, not
    counting down between two answers of the hall;
  - after the resume counts down again from where it stood (the deadline moved by the pause).
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.exam_page import log_in
from tests.browser_staff.staff_pages import (
    Candidate, clock_seconds, confirm, open_console, row, wait_until_steady,
)

pytestmark = pytest.mark.slow

CLOCK = "#clock-value"
REACTS_WITHIN_MS = 15_000  # a few of the page's polls of the hall's clock


def shown_seconds(page: Page) -> int:
    """The candidate's countdown, in seconds."""
    return clock_seconds(page.locator(CLOCK).inner_text())


def wait_for_shown(page: Page, at_least: float = 0, below: float = float("inf"),
                   timeout: float = REACTS_WITHIN_MS) -> int:
    """Waits until the countdown shows `at_least` <= seconds < `below`; returns the seconds."""
    page.wait_for_function(
        """([selector, low, high]) => {
             const text = (document.querySelector(selector)?.textContent ?? "").trim();
             if (!/^\\d+(:\\d\\d)+$/.test(text)) return false;
             const seconds = text.split(":").reduce((total, part) => total * 60 + Number(part), 0);
             return seconds >= low && (high === null || seconds < high);
           }""", arg=[CLOCK, at_least, None if below == float("inf") else below],
        polling=200, timeout=timeout)
    return shown_seconds(page)


def extend_from_console(console: Page, registration_number: str, name: str, minutes: int) -> None:
    """Gives extra time through the console's dialogs."""
    row(console, registration_number).get_by_role(
        "button", name=f"Actions for {registration_number} {name}").click()
    console.locator("#extend-minutes").fill(str(minutes))
    console.locator("#extend-reason").fill("fire alarm in the corridor")
    console.get_by_role("button", name="Give extra time…").click()
    confirm(console, f"Give {registration_number} {minutes} more minutes?", f"Give {minutes} minutes")


def test_extending_time_changes_the_candidates_countdown(hall, new_context):
    """Ten minutes given on the console: the candidate's open page shows ten more minutes."""
    page = new_context().new_page()
    log_in(page, 0)
    before = wait_for_shown(page, at_least=3000)
    console = open_console(new_context())
    extend_from_console(console, "C0001", "Candidate 1", 10)
    extended = time.monotonic()

    after = wait_for_shown(page, at_least=before + 600 - 30)
    assert before + 600 - 30 <= after <= before + 600, (before, after)
    assert time.monotonic() - extended < REACTS_WITHIN_MS / 1000
    held = Candidate(page.context, hall.url, 0).clock()["time_remaining"]
    assert abs(shown_seconds(page) - held) <= 3, (shown_seconds(page), held)


def test_pausing_the_hall_stops_every_countdown_and_resuming_moves_every_deadline(
        hall, new_context, screenshot):
    """A power event: the hall is paused on the console and every candidate's countdown stands
    still (theirs and the console's); resumed, every countdown runs on from where it stood, and
    every deadline has moved later by the length of the pause."""
    pages = []
    for index in (0, 1):
        page = new_context().new_page()
        log_in(page, index)
        wait_for_shown(page, at_least=3000)
        pages.append(page)
    candidates = [Candidate(page.context, hall.url, i) for i, page in enumerate(pages)]
    deadlines_before = [c.clock()["deadline"] for c in candidates]
    console = open_console(new_context())

    console.get_by_role("button", name="Pause the whole hall…").click()
    confirm(console, "Pause the whole hall?", "Pause the hall")
    paused_at = time.monotonic()
    expect(console.locator("#hall-state-title")).to_have_text("Hall paused")
    for candidate in candidates:
        assert candidate.clock()["paused"] is True

    # Every countdown stands still: on each candidate's page, and on the console.
    frozen = [clock_seconds(wait_until_steady(page, CLOCK, 3000)) for page in pages]
    for page, seconds in zip(pages, frozen):
        held = Candidate(page.context, hall.url, pages.index(page)).clock()["time_remaining"]
        assert abs(seconds - held) <= 2, (seconds, held)
    console_cell = '#roster-body tr[data-key="C0001/MTH101"] .cell-time-left .time'
    wait_until_steady(console, console_cell, 2000)
    expect(row(console, "C0001").locator(".time-note")).to_have_text("hall paused")
    screenshot(console, "console-hall-paused")

    console.get_by_role("button", name="Resume the hall…").click()
    confirm(console, "Resume the hall?", "Resume the hall")
    resumed_at = time.monotonic()
    paused_for = resumed_at - paused_at
    expect(console.locator("#hall-state-title")).to_have_text("Hall running")

    # Each countdown runs again from where it stood: the pause did not eat anyone's time.
    for page, stood in zip(pages, frozen):
        now_shown = wait_for_shown(page, below=stood)
        since_resume = time.monotonic() - resumed_at
        assert now_shown >= stood - since_resume - 3, (stood, now_shown, since_resume)
    for candidate, before in zip(candidates, deadlines_before):
        moved = _epoch(candidate.clock()["deadline"]) - _epoch(before)
        assert abs(moved - paused_for) <= 1.5, (moved, paused_for)


def _epoch(iso: str) -> float:
    from datetime import datetime
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()

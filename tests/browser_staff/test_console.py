"""The invigilator console in a real Chromium against a real `hall serve`: the live roster, alerts,
and every action confirmed and logged. Candidates act through the hall's API, so the timing of
what they do is exact."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.contrast import contrast_failures
from tests.browser_staff.staff_pages import (
    SILENT_AFTER_SECONDS, Candidate, alert_item, clock_seconds, confirm, open_console, row,
)

pytestmark = pytest.mark.slow


def test_a_save_shows_on_the_console_within_a_second(hall, new_context):
    """A candidate's save is on the invigilator's screen (answered, question reached, last save,
    seat, time left) less than a second after the hall acknowledged it."""
    console = open_console(new_context())
    candidate = Candidate(new_context(), hall.url, 0).log_in().start()
    line = row(console, "C0001")
    expect(line.locator(".badge")).to_have_text("In progress")

    candidate.save(answers={"1": "B", "2": "C", "3": "A"}, current_question=4)
    acknowledged = time.monotonic()
    expect(line.locator(".cell-answered")).to_have_text("3", timeout=1000)
    assert time.monotonic() - acknowledged < 1.0
    expect(line.locator(".cell-question")).to_have_text("5")  # shown from 1, held from 0
    expect(line.locator(".cell-last-save")).to_have_text(re.compile(r"^[0-2] s ago$"))
    expect(line.locator(".cell-seat .seat")).to_have_text("127.0.0.1")
    assert 3590 <= clock_seconds(line.locator(".cell-time-left .time").inner_text()) <= 3600

    for answers in ({"4": "D"}, {"5": "B", "6": "B"}):  # and every later save, each as quick
        candidate.save(answers=answers)
        acknowledged = time.monotonic()
        expected = 3 + (1 if "4" in answers else 3)
        expect(line.locator(".cell-answered")).to_have_text(str(expected), timeout=1000)
        assert time.monotonic() - acknowledged < 1.0


def test_a_silent_candidate_raises_the_alert_after_the_threshold(hall, new_context, screenshot):
    """A candidate in progress who stops saving is an alert once the hall's threshold (10 s here)
    has passed, not before: at the top, announced, and marked on their row."""
    console = open_console(new_context())
    candidate = Candidate(new_context(), hall.url, 2).log_in().start()
    candidate.save(answers={"1": "B"}, current_question=1)
    last_save = time.monotonic()

    alert = alert_item(console, "C0003", "silent")
    expect(alert).to_be_visible(timeout=(SILENT_AFTER_SECONDS + 10) * 1000)
    waited = time.monotonic() - last_save
    assert SILENT_AFTER_SECONDS - 0.5 <= waited <= SILENT_AFTER_SECONDS + 6, waited
    expect(alert.locator(".alert-text")).to_have_text(re.compile(r"^No save for 1\d s$"))
    expect(alert.locator(".alert-meta")).to_contain_text("Seat 127.0.0.1")
    expect(console.locator("#alert-announcer")).to_have_text(
        re.compile(r"^Alert: C0003 Candidate 3\. No save for \d+ s\. Seat 127\.0\.0\.1\.$"))
    expect(console.locator("#alert-count")).to_have_text("1")
    expect(row(console, "C0003")).to_have_class(re.compile(r"\bhas-alert\b"))
    expect(row(console, "C0003").locator(".flags")).to_have_text("Alert")
    expect(console.locator('[data-count="alerts"]')).to_have_text("1")

    screenshot(console, "console-alert")
    # A save ends the silence: the hall closes the alert itself, nobody has to acknowledge it.
    candidate.save(answers={"2": "B"})
    expect(row(console, "C0003").locator(".cell-answered")).to_have_text("2")
    expect(alert).to_have_count(0)
    expect(console.locator("#no-alerts")).to_be_visible()


def test_acknowledging_an_alert_clears_it_everywhere_and_is_logged(hall, new_context):
    """Repeated save failures reported by a page are an alert at once; acknowledging it removes it
    from this console and every other, focus moves on, and the log records who acknowledged."""
    console = open_console(new_context())
    other = open_console(new_context())
    candidate = Candidate(new_context(), hall.url, 1).log_in().start()
    candidate.report(failed_saves=4, offline_seconds=30)

    alert = alert_item(console, "C0002", "save_failures")
    expect(alert.locator(".alert-text")).to_have_text(
        "4 saves failed on the candidate's PC, offline for 30 s")
    expect(alert_item(other, "C0002", "save_failures")).to_be_visible()

    alert.get_by_role("button", name="Acknowledge the alert for C0002 · Candidate 2").click()
    expect(alert).to_have_count(0)
    expect(console.locator("#alerts-title")).to_be_focused()
    expect(console.locator("#action-status")).to_have_text("Alert for C0002 acknowledged.")
    expect(console.locator("#no-alerts")).to_be_visible()
    expect(alert_item(other, "C0002", "save_failures")).to_have_count(0)
    expect(row(other, "C0002")).not_to_have_class(re.compile(r"\bhas-alert\b"))

    history = hall.sessions("C0002")[0]["history"]
    acknowledged = [e for e in history if e["kind"] == "alert_acknowledged"]
    assert [(e["alert"], e["by"]) for e in acknowledged] == [("save_failures", "ivy")]


def test_actions_are_confirmed_applied_and_logged(hall, new_context):
    """Extra time, a pause and resume of one candidate, and a forced submission: each asks first
    (Escape or Cancel changes nothing), then changes the candidate's row and their clock at the
    hall, and is in the log with the invigilator's name."""
    console = open_console(new_context())
    candidate = Candidate(new_context(), hall.url, 0).log_in().start()
    candidate.save(answers={"1": "B"})
    line = row(console, "C0001")
    actions = line.get_by_role("button", name="Actions for C0001 Candidate 1")
    expect(line.locator(".badge")).to_have_text("In progress")

    # Extra time: typed in the candidate's dialog, then confirmed.
    actions.click()
    dialog = console.get_by_role("dialog", name="C0001 · Candidate 1")
    expect(dialog).to_be_visible()
    expect(console.locator("#extend-minutes")).to_be_focused()
    console.locator("#extend-minutes").fill("10")
    console.locator("#extend-reason").fill("late start")
    dialog.get_by_role("button", name="Give extra time…").click()
    confirm(console, "Give C0001 10 more minutes?", "Give 10 minutes")
    expect(actions).to_be_focused()  # focus is back where the invigilator was
    expect(console.locator("#action-status")).to_have_text(re.compile(r"^C0001: 10 minutes added; the deadline is now "))
    assert 4180 <= candidate.clock()["time_remaining"] <= 4200
    expect(line.locator(".cell-time-left .time")).to_have_text(re.compile(r"^1:(09:[45]\d|10:00)$"))

    # Force submit asks with the focus on Cancel; Escape leaves everything as it was.
    actions.click()
    dialog.get_by_role("button", name="Submit now with what is saved…").click()
    question = console.get_by_role("dialog", name="Submit C0001's exam now?")
    expect(question).to_be_visible()
    expect(question.get_by_role("button", name="Cancel")).to_be_focused()
    console.keyboard.press("Escape")
    expect(question).to_be_hidden()
    expect(actions).to_be_focused()
    assert candidate.clock()["status"] == "in_progress"

    # Pause and resume this candidate's clock, from the keyboard.
    actions.press("Enter")
    dialog.get_by_role("button", name="Pause this candidate's clock…").click()
    confirm(console, "Pause C0001's clock?", "Pause this clock")
    expect(line.locator(".badge")).to_have_text("Paused")
    expect(line.locator(".time-note")).to_have_text("paused")
    assert candidate.clock()["paused"] is True
    actions.click()
    expect(dialog.get_by_role("button", name="Pause this candidate's clock…")).to_be_hidden()
    dialog.get_by_role("button", name="Resume this candidate's clock…").click()
    confirm(console, "Resume C0001's clock?", "Resume this clock")
    expect(line.locator(".badge")).to_have_text("In progress")
    assert candidate.clock()["paused"] is False

    # Submit now, for real.
    actions.click()
    dialog.get_by_role("button", name="Submit now with what is saved…").click()
    confirm(console, "Submit C0001's exam now?", "Submit the exam now")
    expect(line.locator(".badge")).to_have_text("Completed")
    assert candidate.clock()["status"] == "completed"
    actions.click()
    expect(dialog.locator("#candidate-note")).to_have_text("This exam is submitted: nothing can change it now.")
    dialog.get_by_role("button", name="Close").click()

    history = hall.sessions("C0001")[0]["history"]
    logged = {e["kind"]: e for e in history if e.get("by") == "ivy"}
    assert logged["time_extended"]["minutes"] == 10 and logged["time_extended"]["reason"] == "late start"
    assert {"session_paused", "session_resumed"} <= set(logged)
    [completed] = [e for e in history if e["kind"] == "session_completed"]
    assert completed["result"]["reason"] == "force_submitted" and completed["result"]["by"] == "ivy"


@pytest.mark.hall_settings(invigilation__silent_after_seconds=600)  # no silence alerts mid-test
def test_the_table_sorts_filters_and_passes_contrast(hall, new_context, screenshot):
    """A hall's worth of states: the summary counts them, the table filters by text and state and
    sorts by any column (both ways, with aria-sort), and the console passes WCAG AA contrast."""
    console = open_console(new_context())
    sitting = [Candidate(new_context(), hall.url, i).log_in().start() for i in range(7)]
    for i, candidate in enumerate(sitting):
        candidate.save(answers={str(q): "B" for q in range(1, i + 2)}, current_question=i + 1)
    sitting[6].complete()
    sitting[3].report(failed_saves=5)
    expect(console.locator('[data-count="in_progress"]')).to_have_text("6")
    expect(console.locator('[data-count="completed"]')).to_have_text("1")
    expect(console.locator('[data-count="assigned"]')).to_have_text("5")
    expect(console.locator('[data-count="alerts"]')).to_have_text("1")

    console.keyboard.press("/")
    expect(console.locator("#filter-text")).to_be_focused()
    console.keyboard.type("C0003")
    expect(console.locator("#roster-body tr:visible")).to_have_count(1)
    expect(console.locator("#roster-count")).to_have_text("Showing 1 of 12 candidates")
    console.locator("#filter-text").fill("")
    console.locator("#filter-status").select_option("assigned")
    expect(console.locator("#roster-body tr:visible")).to_have_count(5)
    console.get_by_role("button", name=re.compile(r"^1\s+Completed$")).click()
    expect(console.locator("#filter-status")).to_have_value("completed")
    expect(console.locator("#roster-body tr:visible")).to_have_count(1)
    console.get_by_role("button", name=re.compile(r"^1\s+With alerts$")).click()
    expect(console.locator("#roster-body tr:visible")).to_have_attribute("data-key", "C0004/MTH101")
    console.get_by_role("button", name=re.compile(r"^12\s+Candidates$")).click()
    expect(console.locator("#roster-body tr:visible")).to_have_count(12)

    answered = console.locator("th[data-sort='answered']")
    answered.get_by_role("button").click()
    expect(answered).to_have_attribute("aria-sort", "ascending")
    expect(console.locator("#roster-body tr").first).to_have_attribute("data-key", "C0001/MTH101")
    answered.get_by_role("button").click()
    expect(answered).to_have_attribute("aria-sort", "descending")
    expect(console.locator("#roster-body tr").first).to_have_attribute("data-key", "C0007/MTH101")
    expect(console.locator("#roster-body tr").last).to_have_attribute("data-key", re.compile(r"^C00(0[89]|1[0-2])/"))
    expect(console.locator("th[data-sort='candidate']")).not_to_have_attribute("aria-sort", re.compile("."))

    # Changes made elsewhere (another invigilator's console) arrive here too.
    staff = console.context.request
    for action, body in (("pause", {}), ("extend", {"minutes": 15, "reason": "medical"})):
        target = "C0005" if action == "pause" else "C0002"
        assert staff.post(f"{hall.url}staff/candidates/{target}/exams/MTH101/{action}", data=body).ok
    expect(row(console, "C0005").locator(".badge")).to_have_text("Paused")
    expect(console.locator('[data-count="paused"]')).to_have_text("1")
    expect(row(console, "C0002").locator(".cell-time-left .time")).to_have_text(re.compile(r"^1:1[45]:\d\d$"))

    console.locator("th[data-sort='candidate'] button").click()
    measured = contrast_failures(console)
    assert measured["checked"] > 100 and measured["failures"] == [], measured["failures"]
    screenshot(console, "console")


def test_a_console_cut_off_catches_up_when_the_hall_is_back(hall, new_context):
    """The hall's server is killed and started again while the console's line stays cut for a
    while: the console says it is reconnecting, keeps showing what it knew, and once through
    again shows what changed meanwhile (a save, an alert) without a reload."""
    console = open_console(new_context())
    candidate = Candidate(new_context(), hall.url, 0).log_in().start()
    candidate.save(answers={"1": "B"})
    expect(row(console, "C0001").locator(".cell-answered")).to_have_text("1")

    console.route("**/staff/live", lambda route: route.abort())  # the console's line is cut
    hall.kill9()
    expect(console.locator("#feed-state")).to_have_attribute("data-state", "reconnecting")
    expect(row(console, "C0001").locator(".cell-answered")).to_have_text("1")  # still shown
    hall.start()
    candidate.save(answers={"2": "C", "3": "D"})
    candidate.report(failed_saves=3)

    console.unroute("**/staff/live")
    expect(console.locator("#feed-state")).to_have_attribute("data-state", "live", timeout=20_000)
    expect(row(console, "C0001").locator(".cell-answered")).to_have_text("3")
    expect(alert_item(console, "C0001", "save_failures")).to_be_visible()
    assert console.url.endswith("ui/invigilator/index.html")  # no reload, no new login

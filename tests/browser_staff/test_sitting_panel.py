"""The console's sitting panel, in Chromium against a real `hall serve`: the invigilator watches
check-in move, starts the sitting from the panel (the confirmation says who is in and who is
missing), records an incident, admits a candidate refused after late entry closed, marks one
absent, and ends the sitting by keyboard."""

from __future__ import annotations

import json
import time

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from hallserver.clock import iso
from tests.browser_staff.staff_pages import (
    CANDIDATE_COUNT, EXAM_PATH, Candidate, confirm, open_console,
)


def _count(panel, name: str):
    return panel.locator(f'.sitting-count[data-count="{name}"] dd')


def test_an_invigilator_runs_a_sitting_from_the_console_panel(hall, new_context, screenshot):
    # No late entry at all: anyone who comes after the start is refused and waits to be admitted.
    made = json.loads(hall.cli("sitting", "create", "--exam", "MTH101", "--name", "Maths morning",
                               "--starts", iso(time.time() + 600) or "", "--late-entry-minutes", "0",
                               "--json"))
    page = open_console(new_context())
    panel = page.locator(f'article.sitting[data-sitting-id="{made["id"]}"]')
    expect(panel.get_by_role("heading", name="Maths morning")).to_be_visible()
    expect(panel.locator('[data-role="state"]')).to_have_text("Check-in open: waiting for you to start")
    expect(panel.locator('[data-role="countdown"]')).to_contain_text("Starts in 9:")
    expect(_count(panel, "expected")).to_have_text(str(CANDIDATE_COUNT))
    expect(_count(panel, "checked_in")).to_have_text("0")
    expect(_count(panel, "missing")).to_have_text(str(CANDIDATE_COUNT))

    Candidate(new_context(), hall.url, 0).log_in()  # logging in checks in
    expect(_count(panel, "checked_in")).to_have_text("1")
    expect(_count(panel, "missing")).to_have_text(str(CANDIDATE_COUNT - 1))

    panel.get_by_role("button", name="Start the sitting…").click()
    dialog = page.get_by_role("dialog", name="Start the sitting now?")
    expect(dialog).to_contain_text(f"1 candidate is checked in and {CANDIDATE_COUNT - 1} are missing")
    confirm(page, "Start the sitting now?", "Start the sitting")
    expect(panel.locator('[data-role="state"]')).to_have_text("Started")
    expect(panel.get_by_role("heading", name="Maths morning")).to_be_focused()
    expect(panel.get_by_role("button", name="End the sitting…")).to_be_visible()
    expect(panel.get_by_role("button", name="Start the sitting…")).to_be_hidden()

    panel.get_by_label("Category").select_option("technical")
    panel.get_by_label("Candidate").select_option("C0001")
    panel.get_by_label("What happened").fill("Screen flickered; moved to desk B4.")
    panel.get_by_role("button", name="Record the incident").click()
    incident = panel.locator(".incident-list li")
    expect(incident).to_have_count(1)
    expect(incident).to_contain_text("Technical problem")
    expect(incident).to_contain_text("candidate C0001")
    expect(incident).to_contain_text("Screen flickered; moved to desk B4.")

    late = Candidate(new_context(), hall.url, 1).log_in()
    refused = late.context.request.get(hall.url + EXAM_PATH)
    assert refused.status == 403 and refused.json()["error"]["code"] == "late_entry_closed"
    # Pushed by the hall's feed, said where the invigilator reads what happens:
    expect(page.locator("#action-status")).to_contain_text(
        "Candidate C0002 tried to enter MTH101 after late entry closed")
    attempt = panel.locator('.refused-item[data-registration-number="C0002"]')
    expect(attempt).to_contain_text("tried to enter after late entry closed")
    attempt.get_by_label("Minutes to give Candidate 2").fill("40")
    screenshot(page, "console-sitting-panel")
    found = Axe().run(page, context="#sittings").response["violations"]
    assert [f"{v['id']}: {v['help']}" for v in found if v.get("impact") in ("serious", "critical")] == []
    attempt.get_by_role("button", name="Admit…").click()
    expect(page.get_by_role("dialog", name="Admit Candidate 2?")).to_contain_text("with 40 minutes")
    confirm(page, "Admit Candidate 2?", "Admit")
    expect(panel.locator('.admitted[data-registration-number="C0002"]')).to_contain_text("admitted at")
    expect(attempt).to_have_count(0)
    late.start()  # admitted: the paper opens now

    panel.get_by_text("Not checked in (10)").click()
    missing = panel.locator('.missing-list li[data-registration-number="C0003"]')
    missing.get_by_role("button", name="Absent…").click()
    confirm(page, "Mark Candidate 3 absent?", "Mark absent")
    expect(_count(panel, "absent")).to_have_text("1")
    expect(missing).to_have_count(0)
    expect(panel.get_by_text("Not checked in (9)")).to_be_visible()

    panel.get_by_role("button", name="End the sitting…").focus()
    page.keyboard.press("Enter")  # by keyboard; the dialog's focus starts on Cancel
    ending = page.get_by_role("dialog", name="End the sitting now?")
    expect(ending).to_contain_text("Every open exam is submitted with what was saved")
    expect(ending.get_by_role("button", name="Cancel")).to_be_focused()
    confirm(page, "End the sitting now?", "End the sitting")
    expect(panel.locator('[data-role="state"]')).to_have_text("Ended")
    expect(panel.locator('[data-role="countdown"]')).to_contain_text("Ended at")
    expect(_count(panel, "submitted")).to_have_text("1")  # the admitted candidate's open exam
    screenshot(page, "console-sitting-ended")

    csv = page.request.get(panel.get_by_role("link", name="CSV").get_attribute("href"))
    assert csv.ok and "C0002" in csv.text()
    assert panel.get_by_role("link", name="PDF (to print and sign)").get_attribute("href").endswith("format=pdf")

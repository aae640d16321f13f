"""In Chromium, exam day as a sitting: three candidates log in before the start and wait on the
check-in view (the paper is refused with 409 sitting_not_started, and no question's text reaches
any of their pages); the invigilator starts the sitting and every page shows question 1 within
5 s, pushed to it; under common_end their deadlines are equal. A candidate past the late-entry
window is told to see the invigilator."""

from __future__ import annotations

import json
import re
import time

from playwright.sync_api import Response, expect

from hallserver.clock import iso
from tests.browser.conftest import INVIGILATOR
from tests.browser.exam_page import CANDIDATES, EXAM_ID, invigilator, log_in
from tests.halls import EXAM

STARTED_WITHIN_MS = 5000
PAPER = f"/student/exam/{EXAM_ID}"
QUESTION_TEXTS = [question["text"] for question in EXAM["questions"]]


def make_sitting(hall, *options: str) -> str:
    """`hall sitting create` beside the serving hall; the sitting's id."""
    made = hall.cli("sitting", "create", "--exam", EXAM_ID, "--name", "Morning sitting",
                    "--instructions", "Phones off and in your bag.", *options, "--json")
    return json.loads(made)["id"]


def test_waiting_pages_start_together_when_the_invigilator_starts_the_sitting(hall, new_context):
    sitting_id = make_sitting(hall, "--starts", iso(time.time() + 600) or "")
    staff = invigilator(new_context(), hall.url, *INVIGILATOR)
    pages, received = [], []
    for index in range(3):
        page = new_context().new_page()
        page.on("response", lambda response: received.append(response))
        log_in(page, index, exam_shown=False)
        expect(page.get_by_role("heading", name="Waiting for the invigilator to start the exam")) \
            .to_be_visible()
        registration, name, _ = CANDIDATES[index]
        expect(page.locator("#waiting-sitting")).to_have_text("Morning sitting")
        expect(page.locator("#waiting-name")).to_have_text(name)
        expect(page.locator("#waiting-registration")).to_have_text(registration)
        expect(page.locator("#waiting-instructions")).to_have_text("Phones off and in your bag.")
        expect(page.locator("#waiting-countdown")).to_have_text(re.compile(r"in (9|10):\d\d$"))
        expect(page.locator("html")).to_have_attribute("data-last-notice", "reset")  # listening
        pages.append(page)

    papers = [r for r in received if r.url.endswith(PAPER)]
    assert papers and {r.status for r in papers} == {409}
    assert {r.json()["error"]["code"] for r in papers} == {"sitting_not_started"}
    for response in received:  # no question's text reached any page before the start
        body = _text(response)
        assert not any(text in body for text in QUESTION_TEXTS), response.url

    before = [page.evaluate("Date.now()") for page in pages]
    started = staff.post(f"{hall.url}staff/sittings/{sitting_id}/start")
    assert started.ok, started.text()
    for page, since in zip(pages, before, strict=True):
        expect(page.locator("#question-number")).to_have_text(re.compile(r"^Question 1 of "))
        shown_at = page.evaluate("Date.now()")
        assert shown_at - since < STARTED_WITHIN_MS
    deadlines = {hall.sessions(CANDIDATES[i][0])[0]["deadline"] for i in range(3)}
    assert len(deadlines) == 1  # common_end: one end for the room


def test_a_candidate_past_late_entry_is_told_to_see_the_invigilator(hall, new_context):
    sitting_id = make_sitting(hall, "--starts", iso(time.time() - 120) or "",
                              "--late-entry-minutes", "0")  # closed from the start itself
    hall.cli("sitting", "start", sitting_id)
    page = new_context().new_page()
    log_in(page, 0, exam_shown=False)
    expect(page.get_by_role(
        "heading", name="The late-entry time has passed. Please see the invigilator.")).to_be_visible()
    expect(page.locator("#question-number")).to_be_hidden()


def _text(response: Response) -> str:
    try:
        return response.text()
    except Exception:  # noqa: BLE001 - a redirect or an aborted request has no body
        return ""

"""An essay on the candidate's page and its marking on the staff's: a 3,000-word essay with a
live word count survives the hall stopping and a reload, is saved by small edits (request
bodies measured), and a marker's mark at the marking page changes the candidate's result."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.exam_page import (
    EXAM_ID, SAVE, expect_offline_ready, expect_saved, go_to, log_in, server_state, status,
)
from tests.browser.languages import catalog, english_left_over, serious_violations
from tests.halls import add_staff_member

ESSAY_EXAM = {**json.loads((Path(__file__).parents[1] / "content" / "essays" / "essay-exam.json")
                           .read_text()), "id": EXAM_ID}
ESSAY = " ".join(("The river bends past the market where my grandmother sold bread, and "
                  "every morning the smell of it reached our school.").split()[n % 20] for n in range(3000))
MARKER = ("mo", "mark-the-essays")


@pytest.fixture
def exam() -> dict[str, Any]:
    return ESSAY_EXAM


def _essay(context, url: str) -> str:
    return server_state(context, url, lambda data: True)["session_data"]["answers"].get("q2", "")


def _type_at_end(page: Page, text: str) -> None:
    box = page.locator("#text-answer")
    box.focus()
    page.keyboard.press("Control+End")
    page.keyboard.type(text, delay=15)


def _submit(candidate: Page) -> None:
    candidate.get_by_role("button", name="Review and submit").click()
    candidate.get_by_role("button", name="Submit my exam").click()
    expect(candidate.get_by_role("heading", name="Your exam is submitted")).to_be_visible()


def _marking_page(new_context) -> Page:
    page = new_context(viewport={"width": 1280, "height": 1500}).new_page()
    page.goto("ui/staff/index.html")
    page.get_by_label("Name").fill(MARKER[0])
    page.get_by_label("Password").fill(MARKER[1])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/ui/admin/marking\.html$"))
    return page


def test_a_3000_word_essay_survives_the_hall_stopping_and_a_reload_sent_in_small_edits(
        hall, new_context, screenshot):
    context = new_context()
    page = context.new_page()
    log_in(page)
    expect_offline_ready(page)
    go_to(page, 2)
    page.locator("#text-answer").fill(ESSAY)  # pasted from the candidate's notes: one change
    expect(page.locator("#essay-count")).to_have_text("3,000 of 3,500 words")
    server_state(context, hall.url, lambda data: data.get("answers", {}).get("q2") == ESSAY)
    expect_saved(page)

    bodies: list[int] = []
    page.on("request", lambda request: bodies.append(len(request.post_data_buffer or b""))
            if request.method == "POST" and request.url.endswith(SAVE) else None)
    typed = " Finally, the river floods in spring."
    _type_at_end(page, typed)
    expect(page.locator("#essay-count")).to_have_text("3,006 of 3,500 words")
    server_state(context, hall.url, lambda data: data.get("answers", {}).get("q2") == ESSAY + typed)
    expect_saved(page)
    print(f"save bodies while typing {len(typed)} keys: {bodies}")
    assert bodies, "no save was sent"
    assert max(bodies) < 600, bodies                     # never the 18 KB essay again
    assert sum(bodies) / len(typed) < 120, (sum(bodies), len(typed), bodies)  # bytes a keystroke
    screenshot(page, "essay-question")
    assert serious_violations(page) == []

    hall.stop()
    during = " Boats wait on the bank."
    _type_at_end(page, during)
    expect(status(page)).to_have_text("Offline — your answers are kept on this PC (1 not yet sent)")
    page.reload()  # the hall is still down: the service worker and the journal open the exam
    page.get_by_role("button", name="Resume").click()
    go_to(page, 2)
    expect(page.locator("#text-answer")).to_have_value(ESSAY + typed + during)
    expect(page.locator("#essay-count")).to_have_text("3,011 of 3,500 words")

    hall.start()
    server_state(context, hall.url,
                 lambda data: data.get("answers", {}).get("q2") == ESSAY + typed + during, timeout=45)
    expect_saved(page)
    (session,) = hall.sessions("C0001")
    edits = [e for e in session["history"] if e["kind"] == "answers_saved"
             and "essay_edits" in (e.get("changes") or {})]
    assert edits, "the essay's later saves are edits in the log"


def test_a_marker_marks_the_essay_at_the_marking_page_and_the_result_changes(
        hall, new_context, screenshot):
    add_staff_member(hall.config, MARKER[0], "marker", MARKER[1])
    candidate = new_context().new_page()
    log_in(candidate)
    go_to(candidate, 2)
    candidate.locator("#text-answer").fill(ESSAY)
    expect_saved(candidate)
    _submit(candidate)
    (before,) = json.loads(hall.cli("results", "export", "--format", "json"))["results"]
    assert (before["score"], before["unmarked"]) == (0, 1)

    page = _marking_page(new_context)
    expect(page.locator("#marking-counts")).to_have_text("1 to mark, 0 marked.")
    expect(page.get_by_text("Organisation: 6 marks.", exact=False)).to_be_visible()
    card = page.locator("article.marking-response")
    expect(card.get_by_role("heading")).to_have_text("C0001 · question q2 · 3,000 words")
    card.get_by_label("Mark (0 to 20)").fill("25")
    card.get_by_role("button", name="Save mark").click()
    expect(card.get_by_role("status")).to_contain_text("between 0 and 20")
    card.get_by_label("Mark (0 to 20)").fill("16")
    card.get_by_label("Comment").fill("Vivid; the ending is abrupt.")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "marking-page")
    assert serious_violations(page) == []
    card.get_by_role("button", name="Save mark").click()
    expect(card.get_by_role("status")).to_contain_text("Marked 16 by mo")
    expect(page.locator("#marking-counts")).to_have_text("0 to mark, 1 marked.")

    (after,) = json.loads(hall.cli("results", "export", "--format", "json"))["results"]
    assert (after["score"], after["unmarked"]) == (16, 0)
    (session,) = hall.sessions("C0001")
    (mark,) = [e for e in session["history"] if e["kind"] == "mark_given"]
    assert (mark["by"], mark["marks"], mark["comment"]) == ("mo", 16, "Vivid; the ending is abrupt.")


def test_past_the_word_limit_the_page_warns_keeps_every_word_and_the_marker_is_told(
        hall, new_context, screenshot):
    """The limit (3,500 words) is shown and warned about, never enforced: past it the count says
    by how much and turns to its warning state, a warning (a live region, there and empty
    before) says the text is kept; every word is saved; the marker's page says it is over."""
    add_staff_member(hall.config, MARKER[0], "marker", MARKER[1])
    near = " ".join(ESSAY.split()[n % 3000] for n in range(3498))
    page = new_context().new_page()
    log_in(page)
    go_to(page, 2)
    box, count, warning = (page.locator("#text-answer"), page.locator("#essay-count"),
                           page.get_by_role("status").and_(page.locator("#essay-limit-warning")))
    box.fill(near)
    expect(count).to_have_text("3,498 of 3,500 words")
    expect(warning).to_have_text("")
    expect(count).not_to_have_class(re.compile("over-limit"))

    _type_at_end(page, " dawn and")
    expect(count).to_have_text("3,500 of 3,500 words")
    expect(warning).to_have_text("")
    page.keyboard.type(" dusk", delay=15)
    expect(count).to_have_text("3,501 of 3,500 words: 1 over the limit")
    expect(count).to_have_class(re.compile("over-limit"))
    expect(box).to_have_class(re.compile("over-limit"))
    expect(warning).to_have_text("Your essay is over its word limit. All of it is kept and saved; "
                                 "your marker will see that it is over the limit.")
    assert "essay-limit-warning" in (box.get_attribute("aria-describedby") or "")
    server_state(page.context, hall.url,
                 lambda data: data.get("answers", {}).get("q2") == near + " dawn and dusk")
    expect_saved(page)  # saved whole past the limit: nothing refused
    screenshot(page, "essay-over-limit")
    assert serious_violations(page) == []

    for _ in " dusk":
        page.keyboard.press("Backspace")
    expect(count).to_have_text("3,500 of 3,500 words")
    expect(warning).to_have_text("")
    expect(box).not_to_have_class(re.compile("over-limit"))
    page.keyboard.type(" dusk came", delay=15)
    expect(count).to_have_text("3,502 of 3,500 words: 2 over the limit")
    server_state(page.context, hall.url,
                 lambda data: data.get("answers", {}).get("q2") == near + " dawn and dusk came")
    expect_saved(page)
    _submit(page)

    marking = _marking_page(new_context)
    card = marking.locator("article.marking-response")
    expect(card.get_by_role("heading")).to_have_text("C0001 · question q2 · 3,502 words")
    expect(card.locator(".marking-over-limit")).to_have_text(
        "Over the word limit: 3,502 words where the limit is 3,500, 2 words over.")
    expect(card.locator(".marking-answer")).to_have_text(near + " dawn and dusk came")
    assert serious_violations(marking) == []


@pytest.mark.parametrize("exam", [{**ESSAY_EXAM, "language": "ar"}])
def test_the_word_limit_warning_speaks_arabic_with_its_plural_forms(hall, new_context):
    page = new_context().new_page()
    log_in(page)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator(".grid-button[data-index='1']").click()
    box, count = page.locator("#text-answer"), page.locator("#essay-count")
    box.fill(" ".join(ESSAY.split()[n % 3000] for n in range(3501)))
    expect(count).to_contain_text("تجاوزت الحد بكلمة واحدة")  # one over: its own form
    expect(page.locator("#essay-limit-warning")).to_have_text(catalog("ar")["messages"][
        "Your essay is over its word limit. All of it is kept and saved; your marker will see that "
        "it is over the limit."])
    _type_at_end(page, " dusk")
    expect(count).to_contain_text("تجاوزت الحد بكلمتين")  # two over: the dual
    assert english_left_over(page, "ar") == []
    assert serious_violations(page) == []


_FORGE_BASE = """async ([id, text]) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("examhall");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  await new Promise((resolve, reject) => {
    const store = db.transaction("sittings", "readwrite").objectStore("sittings");
    const got = store.get(id);
    got.onsuccess = () => {
      const sitting = got.result;
      sitting.essays = { ...(sitting.essays || {}), q2: text };
      const put = store.put(sitting);
      put.onsuccess = resolve;
      put.onerror = () => reject(put.error);
    };
    got.onerror = () => reject(got.error);
  });
  db.close();
}"""


def test_an_edit_the_hall_cannot_place_is_followed_by_the_whole_essay(hall, new_context):
    """The page's note of what the hall holds is wrong (forged here in its IndexedDB while the
    hall is down): the hall refuses the edit (409 essay_out_of_step), the page sends the essay
    whole, and the hall ends with exactly what the candidate wrote."""
    context = new_context()
    page = context.new_page()
    log_in(page)
    expect_offline_ready(page)
    go_to(page, 2)
    page.locator("#text-answer").fill(ESSAY)
    server_state(context, hall.url, lambda data: data.get("answers", {}).get("q2") == ESSAY)
    expect_saved(page)
    hall.stop()
    page.evaluate(_FORGE_BASE, ["C0001\u001f" + EXAM_ID, "Not what the hall holds."])
    page.reload()
    page.get_by_role("button", name="Resume").click()
    go_to(page, 2)
    refusals: list[str] = []
    page.on("response", lambda response: refusals.append(response.text())
            if response.url.endswith(SAVE) and response.status == 409 else None)
    more = " A last line."
    _type_at_end(page, more)
    expect(status(page)).to_have_text("Offline — your answers are kept on this PC (1 not yet sent)")
    hall.start()
    server_state(context, hall.url, lambda data: data.get("answers", {}).get("q2") == ESSAY + more,
                 timeout=45)
    expect_saved(page)
    assert any("essay_out_of_step" in text for text in refusals), refusals

"""The candidate's exam page in a real Chromium against a real `hall serve`.

Every fault is real: the browser context goes offline, the hall's process is killed and started
again on the same port, a second browser context logs the same candidate in. What the hall holds
is read back from the hall itself (its restore endpoint, or `hall sessions inspect`).
"""

from __future__ import annotations

import json
import re
import time

import pytest
from click.testing import CliRunner
from playwright.sync_api import expect

from hallserver.cli import main
from tests.browser.conftest import INVIGILATOR
from tests.browser.contrast import contrast_failures
from tests.browser.exam_page import (
    SAVE, act_on, answer, choose, expect_offline_ready, expect_saved, go_to, grid_button,
    invigilator, journal, log_in, restore, saved_answer_events, server_state, status,
)
from tests.browser.seat_proxy import SeatProxy
from tests.halls import EXAM

pytestmark = pytest.mark.slow

LETTERS = "ABCD"


def clock_seconds(text: str) -> int:
    """Seconds of "41:20" or "1:00:00"."""
    seconds = 0
    for part in text.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


def test_reload_resumes_where_the_candidate_was(hall, new_context, screenshot):
    """Answer, mark, move on, reload: the resume dialog names the question, the count and the
    time left, and the answers and marks are back."""
    context = new_context()
    page = context.new_page()
    log_in(page)
    answer(page, 1, "B")
    answer(page, 2, "C")
    go_to(page, 3)
    page.get_by_role("button", name="Mark for review").click()
    answer(page, 5, "A")
    expect_saved(page)
    server_state(context, hall.url, lambda data: data.get("current_question") == 4
                 and data.get("answers") == {"1": "B", "2": "C", "5": "A"})
    screenshot(page, "candidate-exam")

    page.reload()
    dialog = page.get_by_role("dialog", name=re.compile("Welcome back"))
    expect(dialog).to_be_visible()
    summary = page.locator("#resume-summary")
    expect(summary).to_have_text(re.compile(r"^You were on question 5, 3 answered, [\d:]+ left\.$"))
    shown = clock_seconds(re.search(r"answered, ([\d:]+) left", summary.inner_text()).group(1))
    held = restore(context, hall.url)["time_remaining"]
    assert abs(shown - held) <= 5, (shown, held)
    assert 3500 < shown <= 3600
    expect(page.get_by_role("button", name="Resume")).to_be_focused()
    screenshot(page, "candidate-resume-dialog")

    page.get_by_role("button", name="Resume").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#question-number")).to_have_text("Question 5 of 20")
    expect(page.locator("input[value='A']")).to_be_checked()
    expect(page.locator("#progress")).to_have_text("3 of 20 answered")
    for number in (1, 2, 5):
        expect(grid_button(page, number)).to_have_class(re.compile(r"\banswered\b"))
    expect(grid_button(page, 3)).to_have_class(re.compile(r"\bmarked\b"))
    expect(grid_button(page, 3)).to_have_attribute("aria-label", "Question 3, not answered, marked for review")
    go_to(page, 2)
    expect(page.locator("input[value='C']")).to_be_checked()


def test_offline_answers_survive_a_reload_and_reach_the_hall(hall, new_context, screenshot):
    """Offline, ten answers go to the journal; a reload while still offline opens the exam with
    them (the service worker keeps the page, the journal the paper and answers); back online,
    all ten reach the hall."""
    context = new_context()
    page = context.new_page()
    log_in(page)
    expect_offline_ready(page)
    expect_saved(page)

    context.set_offline(True)
    expected = {str(n): LETTERS[n % 4] for n in range(1, 11)}
    for number, key in expected.items():
        answer(page, int(number), key)
    expect(status(page)).to_have_text("Offline — your answers are kept on this PC (10 not yet sent)")
    screenshot(page, "candidate-offline")
    assert restore(context, hall.url)["session_data"]["answers"] == {}

    page.reload()
    expect(page.locator("#resume-summary")).to_have_text(
        re.compile(r"^You were on question 10, 10 answered, [\d:]+ left\.$"))
    expect(page.locator("#resume-note")).to_contain_text("cannot be reached")
    page.get_by_role("button", name="Resume").click()
    expect(page.locator("#progress")).to_have_text("10 of 20 answered")
    expect(status(page)).to_have_text(re.compile(r"^Offline — .*\(10 not yet sent\)$"))
    for number, key in expected.items():
        go_to(page, int(number))
        expect(page.locator(f"input[value='{key}']")).to_be_checked()
    # The page's ten came from its journal: the hall still lacks them. (Not "has none": Chromium
    # lets the keepalive save sent as the page unloads slip past its offline emulation, so the
    # first sealed batch may have arrived.)
    assert len(restore(context, hall.url)["session_data"]["answers"]) < 10

    context.set_offline(False)
    held = server_state(context, hall.url, lambda data: data.get("answers") == expected)
    assert held["session_data"]["current_question"] == 9
    expect_saved(page)
    assert journal(page)["changes"] == []


def test_hall_killed_mid_exam_gets_everything_once(hall, new_context):
    """The hall's process is killed (SIGKILL) mid-exam; the candidate keeps answering; the hall
    starts again on the same port: every answer arrives, and none is written twice."""
    context = new_context()
    page = context.new_page()
    log_in(page)
    before = {"1": "A", "2": "B", "3": "C"}
    for number, key in before.items():
        answer(page, int(number), key)
    server_state(context, hall.url, lambda data: data.get("answers") == before)

    hall.kill9()
    during = {"4": "D", "5": "A", "6": "B", "7": "C", "8": "D"}
    for number, key in during.items():
        answer(page, int(number), key)
    expect(status(page)).to_have_text("Offline — your answers are kept on this PC (5 not yet sent)")

    hall.start()
    everything = {**before, **during}
    server_state(context, hall.url, lambda data: data.get("answers") == everything, timeout=45)
    expect_saved(page)
    sessions = hall.sessions("C0001")
    written = saved_answer_events(sessions)
    assert sorted(written, key=int) == sorted(everything, key=int), written
    # Back in touch, the page tells the hall how it fared (for the invigilators' alerts).
    deadline = time.monotonic() + 20
    while not (reports := [event for event in sessions[0]["history"] if event["kind"] == "page_report"]):
        assert time.monotonic() < deadline, "the page never reported its failed saves"
        sessions = hall.sessions("C0001")
    assert reports[0]["failed_saves"] >= 1 and reports[0]["pending_changes"] >= 1, reports


def test_second_pc_takes_the_exam_and_the_first_stops(hall, new_context):
    """The same candidate logs in on a second PC: the first page says the exam moved and sends
    nothing more (keeping its journal); the second has every answer."""
    first_pc = new_context()
    first = first_pc.new_page()
    log_in(first)
    answers = {"1": "D", "2": "C", "3": "B", "4": "A"}
    for number, key in answers.items():
        answer(first, int(number), key)
    go_to(first, 2)
    first.get_by_role("button", name="Mark for review").click()
    server_state(first_pc, hall.url, lambda data: data.get("answers") == answers
                 and data.get("marked_questions") == ["2"])

    second_pc = new_context()
    second = second_pc.new_page()
    log_in(second)
    expect(second.locator("#resume-summary")).to_have_text(
        re.compile(r"^You were on question 2, 4 answered, [\d:]+ left\.$"))
    second.get_by_role("button", name="Resume").click()

    # The first page learns at its next autosave, without anyone touching it.
    moved = first.get_by_role("dialog", name="Your exam is now on another computer")
    expect(moved).to_be_visible(timeout=20_000)
    expect(status(first)).to_have_text("This exam moved to another computer — nothing more is saved here")
    saves_after_move: list[str] = []
    first.on("request", lambda request: saves_after_move.append(request.url)
             if request.url.endswith(SAVE) else None)
    first.keyboard.press("Escape")  # cannot be dismissed: the page stays stopped
    expect(moved).to_be_visible()
    expect(first.locator("input[name=answer]").first).to_be_disabled()
    kept = journal(first)["sittings"][0]
    assert kept["frozen"] is True
    assert kept["state"]["answers"] == answers

    # Two autosaves of the second page later, the first has still sent nothing.
    for _ in range(2):
        with second.expect_response(lambda response: response.url.endswith(SAVE), timeout=20_000):
            pass
    assert saves_after_move == []

    for number, key in answers.items():
        go_to(second, int(number))
        expect(second.locator(f"input[value='{key}']")).to_be_checked()
    expect(grid_button(second, 2)).to_have_class(re.compile(r"\bmarked\b"))
    answer(second, 5, "B")
    server_state(second_pc, hall.url, lambda data: data.get("answers") == {**answers, "5": "B"})


def test_changes_unsent_when_the_exam_moves_reach_the_hall_for_review(hall, new_context):
    """The first PC cannot save when the candidate moves to a second PC. When the hall's clock
    tells the first page of the move (asked at once on the hall's notice), the page sends what it
    had not sent once more: the hall
    keeps it for review, in its log, and does not lay it over the second PC's session."""
    first_pc = new_context()
    first = first_pc.new_page()
    log_in(first)
    answer(first, 1, "A")
    server_state(first_pc, hall.url, lambda data: data.get("answers") == {"1": "A"})

    saves_blocked = True
    first.route(f"**{SAVE}", lambda route: route.abort() if saves_blocked else route.continue_())
    answer(first, 2, "B")
    expect(status(first)).to_have_text(re.compile(r"\(1 not yet sent\)$"))

    def clock_asked(route):  # the hall's clock tells the first page of the move (its saves fail)
        nonlocal saves_blocked
        answered = route.fetch()
        if answered.json().get("lease_held") is False:
            saves_blocked = False
        route.fulfill(response=answered)

    first.route("**/session/clock", clock_asked)
    second_pc = new_context()
    second = second_pc.new_page()
    log_in(second)
    moved = first.get_by_role("dialog", name="Your exam is now on another computer")
    expect(moved).to_be_visible(timeout=30_000)

    deadline = time.monotonic() + 20
    while True:
        history = hall.sessions("C0001")[0]["history"]
        refused = [event for event in history if event["kind"] == "save_refused"]
        if any("answers" in event["payload"] for event in refused):
            break
        assert time.monotonic() < deadline, f"the unsent answer never reached the hall: {history}"
        time.sleep(0.2)
    # (A retry of the save that had failed may be refused first, with what it carried then.)
    assert refused[-1]["payload"]["answers"] == {"2": "B"}
    assert {event["reason"] for event in refused} == {"lease_lost"}
    assert restore(second_pc, hall.url)["session_data"]["answers"] == {"1": "A"}
    assert journal(first)["sittings"][0]["frozen"] is True


def test_submit_lists_what_is_left_and_clears_the_journal(hall, new_context):
    """The submit dialog lists the unanswered and marked questions (each a way back to it);
    after the hall acknowledges the submission nothing of the candidate is left on the PC."""
    context = new_context()
    page = context.new_page()
    log_in(page)
    skipped = {4, 9, 20}
    for number in range(1, 21):
        if number not in skipped:
            answer(page, number, "B")
    for number in (2, 9):
        go_to(page, number)
        page.get_by_role("button", name="Mark for review").click()

    page.get_by_role("button", name="Review and submit").click()
    dialog = page.get_by_role("dialog", name="Submit your exam?")
    expect(dialog).to_be_visible()
    expect(page.locator("#submit-summary")).to_contain_text("You have answered 17 of 20 questions.")
    expect(page.locator("#submit-unanswered button")).to_have_text(["Question 4", "Question 9", "Question 20"])
    expect(page.locator("#submit-marked button")).to_have_text(["Question 2", "Question 9"])

    page.locator("#submit-unanswered").get_by_role("button", name="Question 4").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#question-number")).to_have_text("Question 4 of 20")
    choose(page, "B")
    page.get_by_role("button", name="Review and submit").click()
    expect(page.locator("#submit-unanswered button")).to_have_text(["Question 9", "Question 20"])
    page.get_by_role("button", name="Submit my exam").click()

    expect(page.get_by_role("heading", name="Your exam is submitted")).to_be_visible()
    kept = journal(page)
    assert kept["sittings"] == [] and kept["changes"] == [] and kept["kept"] == []
    assert [entry["key"] for entry in kept["meta"]] == ["settings"]
    session = hall.sessions("C0001")[0]
    assert session["status"] == "completed"
    assert session["session_data"]["answers"] == {str(n): "B" for n in range(1, 21) if n not in (9, 20)}
    assert session["result"]["score"] == 18

    # The next candidate on this PC sees nothing of this one.
    page.get_by_role("link", name="Finish").click()
    expect(page.get_by_role("heading", name="Log in to your exam")).to_be_visible()
    expect(page.locator("#continue")).to_be_hidden()
    assert page.evaluate("localStorage.length") == 0


def test_a_whole_exam_by_keyboard_alone(hall, new_context):
    """Log in, answer every question, mark one, review and submit, with the keyboard only."""
    context = new_context()
    page = context.new_page()
    page.goto("ui/student/index.html")
    expect(page.get_by_label("Registration number")).to_be_focused()
    page.keyboard.type("C0002")
    page.keyboard.press("Tab")
    page.keyboard.type("1002")
    page.keyboard.press("Enter")
    expect(page.locator("#question-number")).to_have_text("Question 1 of 20")
    expect(page.locator("#question")).to_be_focused()

    chosen = {}
    for number in range(1, 21):
        key = LETTERS[number % 4]
        page.keyboard.press(key.lower())
        chosen[str(number)] = key
        expect(page.locator(f"input[value='{key}']")).to_be_checked()
        if number == 3:
            page.keyboard.press("m")
            expect(page.locator("#mark")).to_have_attribute("aria-pressed", "true")
        if number < 20:
            page.keyboard.press("ArrowRight")
            expect(page.locator("#question-number")).to_have_text(f"Question {number + 1} of 20")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#question-number")).to_have_text("Question 19 of 20")
    page.keyboard.press("s")
    expect_saved(page)

    tab_to(page, "open-submit")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Submit your exam?")
    expect(dialog).to_be_visible()
    expect(page.locator("#submit-back")).to_be_focused()
    # Focus stays inside the dialog however far the candidate tabs.
    for _ in range(6):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('dialog')?.id") == "submit-dialog"
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("#open-submit")).to_be_focused()

    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    tab_to(page, "submit-confirm")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your exam is submitted")).to_be_visible()
    session = hall.sessions("C0002")[0]
    assert session["status"] == "completed"
    assert session["session_data"]["answers"] == chosen
    assert session["session_data"]["marked_questions"] == ["3"]


def tab_to(page, element_id: str, most: int = 60) -> None:
    """Presses Tab until the element with this id has focus."""
    for _ in range(most):
        if page.evaluate("document.activeElement?.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} never got focus by Tab")


def test_time_warnings_and_the_hall_owns_the_clock_at_zero(hall, new_context):
    """The countdown warns at 10 and 5 minutes (on screen and to screen readers). At zero the
    page stops the exam and asks the hall, waiting while it cannot be reached; the hall owns the
    clock, so when it still gives time the exam goes on. (The page's clock is Playwright's,
    moved forward; the context is offline so the hall's clock does not reset it meanwhile.)"""
    context = new_context()
    page = context.new_page()
    page.clock.install()
    log_in(page)
    answer(page, 1, "C")
    expect_saved(page)
    context.set_offline(True)
    warning = page.locator("#time-warning")
    expect(warning).to_be_hidden()

    page.clock.fast_forward("50:05")
    expect(warning).to_have_text("10 minutes left. Check your answers and the ones marked for review.")
    expect(page.locator("#alert")).to_have_text(re.compile("^10 minutes left"))
    expect(page.locator("#clock")).to_have_class(re.compile(r"\blow\b"))
    page.clock.fast_forward("05:00")
    expect(warning).to_have_text(re.compile("^5 minutes left"))
    expect(page.locator("#clock")).to_have_class(re.compile(r"\bvery-low\b"))

    page.clock.fast_forward("05:00")
    expect(warning).to_have_text(re.compile("^Time is up. The hall cannot be reached"))
    expect(page.locator("input[name=answer]").first).to_be_disabled()
    context.set_offline(False)
    page.clock.fast_forward("00:06")
    expect(warning).to_be_hidden()
    expect(page.locator("input[name=answer]").first).to_be_enabled()
    expect(page.locator("#clock-value")).to_have_text(re.compile(r"^59:\d\d$"))
    choose(page, "D")
    server_state(context, hall.url, lambda data: data.get("answers") == {"1": "D"})
    assert restore(context, hall.url)["status"] == "in_progress"


@pytest.mark.parametrize("contrast", [False, True], ids=["normal", "high-contrast"])
def test_colour_contrast_meets_wcag_aa(hall, new_context, contrast):
    """Every text on the login page and the exam page (answered, marked, current, offline) has
    AA contrast, in the normal colours and with the high-contrast switch on."""
    context = new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto("ui/student/index.html")
    if contrast:
        page.get_by_role("button", name="High contrast").click()
    measured = contrast_failures(page)
    assert measured["checked"] > 5 and measured["failures"] == [], measured
    log_in(page)
    answer(page, 1, "B")
    page.get_by_role("button", name="Mark for review").click()
    answer(page, 2, "A")
    expect_saved(page)
    measured = contrast_failures(page)
    assert measured["checked"] > 40 and measured["failures"] == [], measured
    context.set_offline(True)
    answer(page, 3, "D")
    expect(status(page)).to_contain_text("Offline")
    assert contrast_failures(page)["failures"] == []
    context.set_offline(False)


def test_phone_screen_and_text_size(hall, new_context):
    """On a phone-sized screen nothing scrolls sideways, even with the largest text, and a
    question can be answered and the grid reached."""
    context = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page)
    page.get_by_role("button", name="Larger text").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-larger\b"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator(".option:has(input[value='B'])").tap()
    expect(page.locator("input[value='B']")).to_be_checked()
    grid_button(page, 7).tap()
    expect(page.locator("#question-number")).to_have_text("Question 7 of 20")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect_saved(page)


def test_a_second_tab_of_the_same_exam_takes_over(hall, new_context):
    """Two tabs of one browser would write one journal over each other: the newer one carries
    on with every answer, the older one stops and says where to go."""
    context = new_context()
    first = context.new_page()
    log_in(first)
    answer(first, 1, "A")
    expect_saved(first)
    second = context.new_page()
    second.goto(first.url)
    expect(first.get_by_role("heading", name="Your exam is open in another tab")).to_be_visible()
    second.get_by_role("button", name="Resume").click()
    expect(second.locator("input[value='A']")).to_be_checked()
    answer(second, 2, "B")
    server_state(context, hall.url, lambda data: data.get("answers") == {"1": "A", "2": "B"})


MIXED_EXAM = {
    **EXAM,
    "questions": [
        {"id": "1", "text": "Which of these are even?", "kind": "multiple",
         "options": {"A": "2", "B": "3", "C": "4", "D": "5"}, "answer": ["A", "C"]},
        {"id": "2", "text": "2 + 2 = ? (in words)", "kind": "text", "answer": ["four"]},
        *EXAM["questions"][2:],
    ],
}


@pytest.mark.parametrize("exam", [MIXED_EXAM], ids=["mixed-kinds"])
def test_multiple_answer_and_text_questions(hall, new_context):
    """A question of kind "multiple" shows checkboxes and its answer is a list of keys; one of
    kind "text" shows a text box and its answer is a string. Both reach the hall, come back
    after a reload, and are scored."""
    context = new_context()
    page = context.new_page()
    log_in(page)
    expect(page.get_by_text("Choose all that apply.")).to_be_visible()
    expect(page.locator("input[name=answer]")).to_have_count(4)
    assert page.locator("input[name=answer]").first.get_attribute("type") == "checkbox"
    page.keyboard.press("a")
    page.locator(".option:has(input[value='C'])").click()
    expect(page.locator("input:checked")).to_have_count(2)
    expect(grid_button(page, 1)).to_have_class(re.compile(r"\banswered\b"))

    go_to(page, 2)
    box = page.get_by_label("2 + 2 = ? (in words)")
    expect(box).to_have_js_property("tagName", "TEXTAREA")
    box.fill("four")
    expect(grid_button(page, 2)).to_have_class(re.compile(r"\banswered\b"))
    box.press("Tab")  # leaving the box journals the text at once
    go_to(page, 3)
    server_state(context, hall.url, lambda data: data.get("answers") == {"1": ["A", "C"], "2": "four"})

    page.reload()
    page.get_by_role("button", name="Resume").click()
    go_to(page, 1)
    expect(page.locator("input:checked")).to_have_count(2)
    page.keyboard.press("c")  # a letter toggles a checkbox
    expect(page.locator("input:checked")).to_have_count(1)
    page.keyboard.press("c")
    go_to(page, 2)
    expect(page.get_by_label("2 + 2 = ? (in words)")).to_have_value("four")
    page.get_by_role("button", name="Review and submit").click()
    page.get_by_role("button", name="Submit my exam").click()
    expect(page.get_by_role("heading", name="Your exam is submitted")).to_be_visible()
    session = hall.sessions("C0001")[0]
    assert session["session_data"]["answers"] == {"1": ["A", "C"], "2": "four"}
    assert session["result"]["score"] == 2


def test_large_saves_travel_gzip_compressed(hall, new_context):
    """A save body past a few kilobytes goes with Content-Encoding: gzip, and the hall takes it."""
    context = new_context()
    page = context.new_page()
    log_in(page)
    expect_saved(page)
    marked = ["1"] * 1500
    with page.expect_request(lambda request: request.url.endswith(SAVE)
                             and request.headers.get("content-encoding") == "gzip") as sent:
        answer_now = page.evaluate("""async (marked) => {
            const api = await import("/ui/shared/api.js");
            const { examPaths } = await import("/ui/student/exam-paths.js");
            return api.postJson(examPaths("MTH101").save, { marked_questions: marked });
        }""", marked)
    assert answer_now["saved"] is True
    assert len(sent.value.post_data_buffer) < 1000  # 10 KB of JSON, compressed
    held = restore(context, hall.url)["session_data"]
    assert held["marked_questions"] == marked


def test_a_restored_hall_database_gets_the_whole_state_again(hall, new_context):
    """The hall's database is put back to an older copy (revision behind the page): the page's
    next save is refused as revision_ahead, and the page sends its whole state again."""
    context = new_context()
    page = context.new_page()
    log_in(page)
    answer(page, 1, "A")
    server_state(context, hall.url, lambda data: data.get("answers") == {"1": "A"})
    hall.stop()
    database = hall.config.database_path
    copies = {path: path.read_bytes() for path in database.parent.glob(database.name + "*")}
    hall.start()
    answer(page, 2, "B")
    answer(page, 3, "C")
    server_state(context, hall.url, lambda data: data.get("answers") == {"1": "A", "2": "B", "3": "C"})

    hall.stop()
    for path in database.parent.glob(database.name + "*"):
        path.unlink()
    for path, content in copies.items():
        path.write_bytes(content)
    # Checked before the hall starts: once it does, the open page may resend at once.
    inspected = CliRunner().invoke(main, ["sessions", "inspect", "C0001", "--config",
                                          str(hall.config.base_dir / "hall.toml")])
    assert inspected.exit_code == 0, inspected.output
    [session] = json.loads(inspected.output)["sessions"]
    assert session["session_data"]["answers"] == {"1": "A"}
    hall.start()
    answer(page, 4, "D")
    everything = {"1": "A", "2": "B", "3": "C", "4": "D"}
    held = server_state(context, hall.url, lambda data: data.get("answers") == everything)
    assert held["session_data"]["current_question"] == 3
    expect_saved(page)


def test_invigilator_pause_resume_and_force_submit(hall, new_context):
    """An invigilator pauses the candidate's clock: the page says so and its clock holds still;
    resumed, it runs again; submitted by the invigilator, the page says the exam is handed in
    and keeps nothing."""
    staff = invigilator(new_context(), hall.url, *INVIGILATOR)
    context = new_context()
    page = context.new_page()
    log_in(page)
    answer(page, 1, "A")
    expect_saved(page)

    act_on(staff, hall.url, "pause")
    banner = page.locator("#pause-banner")
    expect(banner).to_be_visible()  # at the next autosave at the latest
    expect(page.locator("#clock-label")).to_have_text("Paused")
    held = page.locator("#clock-value").inner_text()
    with page.expect_response(lambda response: response.url.endswith(SAVE)):
        pass  # one more autosave while paused: the clock has not moved
    assert page.locator("#clock-value").inner_text() == held

    act_on(staff, hall.url, "resume")
    expect(banner).to_be_hidden()
    expect(page.locator("#clock-label")).to_have_text("Time left")
    expect(page.locator("#clock-value")).not_to_have_text(held)

    answer(page, 2, "B")
    server_state(context, hall.url, lambda data: data.get("answers") == {"1": "A", "2": "B"})
    act_on(staff, hall.url, "force-submit")
    expect(page.get_by_role("heading", name="An invigilator submitted your exam")).to_be_visible()
    kept = journal(page)
    assert kept["sittings"] == [] and kept["changes"] == []
    assert hall.sessions("C0001")[0]["status"] == "completed"


@pytest.mark.parametrize("hall_settings", [{"invigilation__moves_need_approval": True}],
                         ids=["moves-need-approval"])
def test_a_move_to_a_spare_pc_waits_for_the_invigilator(hall, new_context, request):
    """Where moves need approval, the spare PC waits (and says so) while the first PC keeps
    saving; once the invigilator approves, the spare PC opens the exam with every answer and
    the first PC stops."""
    staff = invigilator(new_context(), hall.url, *INVIGILATOR)
    first_pc = new_context()
    first = first_pc.new_page()
    log_in(first)
    answer(first, 1, "C")

    # The spare PC is another seat: the hall sees it at another address (see seat_proxy).
    seat = SeatProxy(hall.port)
    request.addfinalizer(seat.close)
    spare_pc = new_context(base_url=seat.url)
    spare = spare_pc.new_page()
    log_in(spare)
    expect(spare.get_by_role("dialog", name="Waiting for an invigilator")).to_be_visible()
    expect(status(spare)).to_have_text("Waiting for an invigilator to approve moving your exam to this PC")

    answer(first, 2, "D")  # the first PC still holds the exam
    server_state(first_pc, hall.url, lambda data: data.get("answers") == {"1": "C", "2": "D"})

    act_on(staff, hall.url, "approve-move")
    expect(spare.locator("#resume-summary")).to_have_text(
        re.compile(r"^You were on question 2, 2 answered, [\d:]+ left\.$"))
    spare.get_by_role("button", name="Resume").click()
    expect(spare.locator("input[value='D']")).to_be_checked()
    expect(first.get_by_role("dialog", name="Your exam is now on another computer")).to_be_visible()

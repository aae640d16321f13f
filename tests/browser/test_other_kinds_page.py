"""An exam of one question of each kind beyond choice, text and match (inline choice, order,
gap match, hottext, associate, hotspot, select point) on the candidate's page: answered by keyboard alone, kept through
a reload, submitted, and scored as each item's own response processing says; an order also
arranged by dragging, and a point put by clicking."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from hallserver.db import engine as engines
from hallserver.domain.content import exams as exam_rules
from hallserver.domain.content import scoring
from hallserver.domain.content.exam_file import Overrides, read_exam
from tests.browser.conftest import AUTOSAVE_SECONDS, INVIGILATOR
from tests.browser.exam_page import EXAM_ID, expect_saved, go_to, log_in, server_state
from tests.browser.hall_server import BrowserHall, serving
from tests.browser.languages import catalog, serious_violations
from tests.halls import add_staff_member, make_hall

KINDS_TEST = Path(__file__).parents[1] / "content" / "qti-kinds" / "kinds_test.xml"
PLANETS = {"mercury": "Mercury", "venus": "Venus", "earth": "Earth", "mars": "Mars"}
# What the keyboard gives each question, and what each item's own processing makes of it.
ANSWERS = {
    "rivers-inline": "nile",                                        # right: 1 of 1
    "planets-order": ["mercury", "venus", "mars", "earth"],         # Mars and Earth swapped: 1 of 2
    "states-gaps": ["melts G1", "freezes G2"],                      # one gap right: 1 of 2
    "verbs-hottext": ["runs", "jumps"],                             # both verbs: 2 of 2
    "capitals-associate": ["paris france", "rome italy"],           # both pairs: 2 of 2
    "shapes-hotspot": ["square", "diamond"],                        # both four-cornered: 2 of 2
    "shapes-point": ["300 90"],                                     # the circle's centre: 2 of 2
}
MARKS = {"rivers-inline": 1, "planets-order": 1, "states-gaps": 1, "verbs-hottext": 2,
         "capitals-associate": 2, "shapes-hotspot": 2, "shapes-point": 2}


def _content(language: str = "en"):
    content = read_exam(KINDS_TEST, Overrides(exam_id=EXAM_ID, duration_minutes=60)).content
    return dataclasses.replace(content, language=language)


@pytest.fixture
def language() -> str:
    """The exam's language (a test parametrizes it for another)."""
    return "en"


@pytest.fixture
def hall(tmp_path: Path, language: str) -> Iterator[BrowserHall]:
    """A real `hall serve` whose exam MTH101 is the repository's items of the other kinds."""
    config = make_hall(tmp_path / "hall", exam__autosave_seconds=AUTOSAVE_SECONDS)
    add_staff_member(config, INVIGILATOR[0], "invigilator", INVIGILATOR[1])
    engine = engines.sync_engine(config.database_path)
    try:
        with engine.begin() as connection:
            exam_rules.import_exam(connection, _content(language), 0.0)
    finally:
        engine.dispose()
    with serving(config) as served:
        yield served


def _next(page: Page, number: int) -> None:
    page.get_by_role("button", name="Next").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#question-number")).to_have_text(f"Question {number} of 7")


def _order_shown(page: Page) -> list[str]:
    return [text.strip() for text in page.locator(".order-item .order-text").all_inner_texts()]


def _order_by_keyboard(page: Page, wanted: list[str]) -> None:
    """Each item in turn moved up to its place with its "Move … up" button and Enter."""
    for place, name in enumerate(wanted):
        steps = _order_shown(page).index(name) - place
        if steps:
            page.get_by_role("button", name=f"Move {name} up").focus()
        for _ in range(steps):
            page.keyboard.press("Enter")
        expect(page.locator(".order-item .order-text").nth(place)).to_have_text(name)
    if page.get_by_role("button", name="Keep this order as my answer").is_visible():
        page.get_by_role("button", name="Keep this order as my answer").focus()
        page.keyboard.press("Enter")


def _shown(page: Page, screenshot, name: str) -> None:
    """A screenshot of the question, and nothing axe-core finds serious on the page."""
    screenshot(page, name)
    assert serious_violations(page) == [], name


def _answer_by_keyboard(page: Page, screenshot) -> None:
    inline = page.get_by_role("combobox", name="Your choice for the gap")
    inline.focus()
    page.keyboard.press("n")  # the first letter chooses, as in any list box
    expect(inline).to_have_value("nile")
    _shown(page, screenshot, "kind-inline-choice")

    _next(page, 2)
    _order_by_keyboard(page, ["Mercury", "Venus", "Mars", "Earth"])
    expect(page.get_by_role("button", name="Move Mercury up")).to_be_disabled()
    _shown(page, screenshot, "kind-order")

    _next(page, 3)
    for gap, letter, value in (("Gap 1", "m", "melts"), ("Gap 2", "f", "freezes")):
        box = page.get_by_role("combobox", name=gap)
        box.focus()
        page.keyboard.press(letter)
        expect(box).to_have_value(value)
    _shown(page, screenshot, "kind-gap-match")

    _next(page, 4)
    for word in ("runs", "jumps"):
        button = page.get_by_role("button", name=word, exact=True)
        button.focus()
        page.keyboard.press("Space")
        expect(button).to_have_attribute("aria-pressed", "true")
    # Two of two chosen: a third word is refused until one is released.
    dog = page.get_by_role("button", name="dog", exact=True)
    dog.focus()
    page.keyboard.press("Space")
    expect(dog).to_have_attribute("aria-pressed", "false")
    _shown(page, screenshot, "kind-hottext")

    _next(page, 5)
    grid = page.get_by_role("table")
    expect(grid.get_by_role("rowheader")).to_have_text(["Paris", "Rome", "France", "Italy"])
    for pair in ("Paris – France", "Rome – Italy"):
        box = grid.get_by_role("checkbox", name=pair)
        box.focus()
        page.keyboard.press("Space")
        expect(box).to_be_checked()
    expect(grid.get_by_role("checkbox")).to_have_count(6)  # one box a pair: 4 × 3 / 2
    _shown(page, screenshot, "kind-associate")

    _next(page, 6)
    for shape in ("Shape A", "Shape D", "Shape C"):  # two at most: the third is refused
        area = page.get_by_role("button", name=shape)
        area.focus()
        page.keyboard.press("Space")
        expect(area).to_have_attribute("aria-pressed", "false" if shape == "Shape C" else "true")
    image = page.locator(".hotspot-frame img").bounding_box()
    square = page.get_by_role("button", name="Shape A").bounding_box()
    assert image["width"] > 0 and abs(square["x"] - image["x"] - image["width"] * 20 / 400) < 3
    _shown(page, screenshot, "kind-hotspot")

    _next(page, 7)
    cross = page.locator(".point-cursor")  # its name says where it is, so it changes as it moves
    expect(cross).to_have_accessible_name("Put a point at 200, 100 (arrow keys move it)")
    cross.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")  # 10 px each: the question stays on screen
    page.keyboard.press("ArrowUp")
    expect(cross).to_have_accessible_name("Put a point at 300, 90 (arrow keys move it)")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Point at 300, 90: take it away")).to_be_visible()
    expect(page.locator("#question-number")).to_have_text("Question 7 of 7")
    _shown(page, screenshot, "kind-select-point")


def _answers_shown_again(page: Page) -> None:
    go_to(page, 1)
    expect(page.get_by_role("combobox", name="Your choice for the gap")).to_have_value("nile")
    go_to(page, 2)
    expect(page.locator(".order-item .order-text")).to_have_text(["Mercury", "Venus", "Mars", "Earth"])
    expect(page.get_by_role("button", name="Keep this order as my answer")).to_be_hidden()
    go_to(page, 3)
    expect(page.get_by_role("combobox", name="Gap 1")).to_have_value("melts")
    expect(page.get_by_role("combobox", name="Gap 2")).to_have_value("freezes")
    go_to(page, 4)
    for word, pressed in (("runs", "true"), ("jumps", "true"), ("dog", "false")):
        expect(page.get_by_role("button", name=word, exact=True)).to_have_attribute("aria-pressed", pressed)
    go_to(page, 5)
    for pair in ("Paris – France", "Rome – Italy"):
        expect(page.get_by_role("checkbox", name=pair)).to_be_checked()
    go_to(page, 6)
    for shape, pressed in (("Shape A", "true"), ("Shape B", "false"), ("Shape D", "true")):
        expect(page.get_by_role("button", name=shape)).to_have_attribute("aria-pressed", pressed)
    go_to(page, 7)
    expect(page.get_by_role("button", name="Point at 300, 90: take it away")).to_be_visible()


def test_each_kind_answered_by_keyboard_is_kept_and_scored_as_its_item_says(hall, new_context, screenshot):
    context = new_context()
    page = context.new_page()
    log_in(page)
    _answer_by_keyboard(page, screenshot)
    expect_saved(page)
    state = server_state(context, hall.url, lambda data: data.get("answers") == ANSWERS)
    assert state["session_data"]["answers"] == ANSWERS

    page.reload()
    expect(page.get_by_role("button", name="Resume")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_hidden()
    _answers_shown_again(page)

    page.get_by_role("button", name="Review and submit").click()
    page.get_by_role("button", name="Submit my exam").click()
    expect(page.get_by_role("heading", name="Your exam is submitted")).to_be_visible()
    (session,) = hall.sessions("C0001")
    assert session["result"]["marks"] == MARKS
    by_id = {q.id: q for q in _content().questions}
    assert {qid: scoring.marks(by_id[qid], a) for qid, a in ANSWERS.items()} == MARKS
    (result,) = json.loads(hall.cli("results", "export", "--format", "json"))["results"]
    assert (result["score"], result["max_score"]) == (11, 13)
    outcomes = {q["id"]: q["outcome"] for q in result["questions"]}
    assert outcomes == {"rivers-inline": "correct", "planets-order": "partial", "states-gaps": "partial",
                        "verbs-hottext": "correct", "capitals-associate": "correct",
                        "shapes-hotspot": "correct", "shapes-point": "correct"}


def _at_question(new_context, number: int):
    """A candidate's new page at question `number`, and its browser context."""
    context = new_context()
    page = context.new_page()
    log_in(page)
    go_to(page, number)
    return context, page


def test_an_order_is_also_arranged_by_dragging(hall, new_context):
    context, page = _at_question(new_context, 2)
    items = page.locator(".order-item")
    shown = _order_shown(page)
    last = shown[-1]
    items.filter(has_text=last).drag_to(items.first)
    expect(page.locator(".order-item .order-text").first).to_have_text(last)
    wanted = [last, *shown[:-1]]
    expect(page.locator(".order-item .order-text")).to_have_text(wanted)
    keys = {name: key for key, name in PLANETS.items()}
    state = server_state(context, hall.url,
                         lambda data: (data.get("answers") or {}).get("planets-order") is not None)
    assert state["session_data"]["answers"]["planets-order"] == [keys[name] for name in wanted]


def test_a_point_is_put_by_clicking_the_picture_and_taken_away_by_clicking_it(hall, new_context):
    context, page = _at_question(new_context, 7)
    image = page.locator(".point-frame img")
    page.wait_for_function("() => document.querySelector('.point-frame img').naturalWidth > 0")
    expect(page.locator(".point-cursor")).to_have_attribute("aria-label", re.compile(r"\b200, 100\b"))
    box = image.bounding_box()
    image.click(position={"x": box["width"] * 330 / 400, "y": box["height"] * 90 / 200})
    marker = page.locator(".point-marker")
    expect(marker).to_have_count(1)
    state = server_state(context, hall.url,
                         lambda data: (data.get("answers") or {}).get("shapes-point") is not None)
    (where,) = state["session_data"]["answers"]["shapes-point"]
    x, y = (int(v) for v in where.split())
    assert abs(x - 330) <= 2 and abs(y - 90) <= 2  # in the circle, not its centre: 1 mark of 2
    marker.click()
    expect(marker).to_have_count(0)
    server_state(context, hall.url, lambda data: (data.get("answers") or {}).get("shapes-point") is None)


@pytest.mark.parametrize("language", ["ar"])
def test_each_kind_speaks_arabic_and_passes_axe(hall, new_context, screenshot):
    """In an Arabic exam every hint and every control's name of these kinds is Arabic."""
    messages = catalog("ar")["messages"]
    arabic = {text for value in messages.values() for text in ([value] if isinstance(value, str) else value)}
    page = new_context().new_page()
    log_in(page)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    for number in range(1, 8):
        go_to_arabic(page, number)
        hint = page.locator("#kind-hint").inner_text()
        assert any(hint == text.replace("{count}", "2") or hint == text for text in arabic), hint
        names = page.locator("#question button[aria-label], #question select[aria-label]").evaluate_all(
            "nodes => nodes.map(n => n.getAttribute('aria-label'))")
        assert not [n for n in names if n.startswith(("Move ", "Gap ", "Put a point", "Your choice"))], names
        assert serious_violations(page) == [], number
        if number == 2:
            screenshot(page, "kind-order-ar")


def go_to_arabic(page: Page, number: int) -> None:
    """Opens question `number` with the navigation grid of an Arabic page."""
    page.locator(f".grid-button[data-index='{number - 1}']").click()
    expect(page.locator("#question-number")).to_have_text(f"السؤال {number} من 7")


def test_a_qti_stem_shows_its_markup_not_the_files_indentation(hall, new_context):
    _, page = _at_question(new_context, 1)
    shown = page.locator("#question-text").inner_text()
    assert shown.startswith("Choose the word that completes the sentence.")
    indented = [line for line in shown.split("\n") if line and not line.strip()]
    assert not indented, f"the item file's indentation shows as blank lines: {shown!r}"

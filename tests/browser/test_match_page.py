"""A matching question from a Moodle bank on the candidate's page: a grid a screen reader reads
(row and column headers, one labelled radio per cell), answered by keyboard, kept through a
reload, and scored by the question's own rules."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from hallserver.domain.content.exam_file import Overrides, read_exam
from tests.browser.conftest import AUTOSAVE_SECONDS, INVIGILATOR
from tests.browser.exam_page import EXAM_ID, expect_saved, go_to, log_in, server_state
from tests.browser.hall_server import BrowserHall, serving_exam
from tests.halls import add_staff_member, make_hall

BANK = Path(__file__).parents[1] / "content" / "bank.moodle.xml"
MATCH_NUMBER = 6  # units-match, the sixth question of the bank
RIGHT = {"force": "newton", "energy": "joule", "power": "watt"}


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[BrowserHall]:
    """A real `hall serve` whose exam MTH101 is the repository's Moodle bank (its essay too)."""
    config = make_hall(tmp_path / "hall", exam__autosave_seconds=AUTOSAVE_SECONDS)
    add_staff_member(config, INVIGILATOR[0], "invigilator", INVIGILATOR[1])
    bank = read_exam(BANK, Overrides(exam_id=EXAM_ID, duration_minutes=60)).content
    with serving_exam(config, bank) as served:
        yield served


def test_a_matching_grid_answered_by_keyboard_survives_a_reload(hall, new_context, screenshot):
    context = new_context()
    page = context.new_page()
    log_in(page)
    go_to(page, MATCH_NUMBER)
    grid = page.get_by_role("table")
    expect(grid.get_by_role("rowheader")).to_have_text(["force", "energy", "power"])
    expect(grid.get_by_role("columnheader")).to_have_count(4)  # pascal is a distractor
    for stem, unit in RIGHT.items():
        cell = grid.get_by_role("radio", name=f"{stem} – {unit}")
        cell.focus()
        page.keyboard.press("Space")
        expect(cell).to_be_checked()
    # ↓ and ↑ move along a row (← and → stay the page's previous and next question).
    force_row = grid.get_by_role("row").filter(has=page.get_by_role("rowheader", name="force"))
    radios = force_row.get_by_role("radio")
    names = [radios.nth(i).get_attribute("aria-label") for i in range(radios.count())]
    at = names.index("force – newton")
    grid.get_by_role("radio", name="force – newton").focus()
    page.keyboard.press("ArrowDown")
    moved_to = names[(at + 1) % len(names)]
    expect(grid.get_by_role("radio", name=moved_to)).to_be_checked()
    page.keyboard.press("ArrowUp")
    expect(grid.get_by_role("radio", name="force – newton")).to_be_checked()
    page.keyboard.press("m")  # M marks the question for review, whatever its options' keys
    expect(page.locator(".grid-button[data-index='5']")).to_have_class(re.compile(r"\bmarked\b"))
    page.keyboard.press("m")
    expect(page.locator(".grid-button[data-index='5']")).not_to_have_class(re.compile(r"\bmarked\b"))
    expect_saved(page)
    screenshot(page, "match-question")

    page.reload()
    expect(page.get_by_role("button", name="Resume")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.locator("#question-number")).to_have_text(f"Question {MATCH_NUMBER} of 8")
    for stem, unit in RIGHT.items():
        expect(page.get_by_role("radio", name=f"{stem} – {unit}")).to_be_checked()
    state = server_state(context, hall.url, lambda data: len(data.get("answers", {}).get("units-match") or []) == 3)
    pairs = state["session_data"]["answers"]["units-match"]
    assert sorted(p.split(" ")[0] for p in pairs) == ["S1", "S2", "S3"]

    page.get_by_role("button", name="Review and submit").click()
    page.get_by_role("button", name="Submit my exam").click()
    expect(page.get_by_role("heading", name="Your exam is submitted")).to_be_visible()
    (session,) = hall.sessions("C0001")
    assert session["status"] == "completed"
    assert session["result"]["marks"]["units-match"] == 3  # every stem rightly joined: full marks
    results = json.loads(hall.cli("results", "export", "--format", "json"))
    (result,) = results["results"]
    assert {q["id"]: q["outcome"] for q in result["questions"]}["units-match"] == "correct"

"""A gap match whose gap texts are pictures (QTI gapImg) on the candidate's page: the pictures are
shown, captioned as their list entries are named, answered by keyboard, and scored by the item's
own processing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from hallserver.domain.content.exam_file import Overrides, read_exam
from tests.browser.exam_page import EXAM_ID, expect_saved, log_in
from tests.browser.hall_server import BrowserHall, serving_exam
from tests.browser.languages import serious_violations
from tests.halls import make_hall

PICTURES_ITEM = Path(__file__).parents[1] / "content" / "qti-gap-img" / "states-pictures.xml"


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[BrowserHall]:
    """A real `hall serve` whose exam MTH101 is the one gap match of pictures."""
    content = read_exam(PICTURES_ITEM, Overrides(exam_id=EXAM_ID, duration_minutes=30)).content
    with serving_exam(make_hall(tmp_path / "hall"), content) as served:
        yield served


def test_picture_gap_texts_are_shown_and_answered_by_keyboard(hall, new_context, screenshot):
    page = new_context().new_page()
    log_in(page)
    pictures = page.get_by_role("list", name="The pictures to put in the gaps")
    expect(pictures.locator("figcaption")).to_have_text(
        ["A block of ice", "A drop of water", "A cloud of steam"])
    images = pictures.locator("img")
    expect(images).to_have_count(3)
    images.last.scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.querySelectorAll('.gap-pictures img')]"
                           ".every((image) => image.complete && image.naturalWidth > 0)")
    for gap, presses, value in (("Gap 1", 1, "ice"), ("Gap 2", 3, "steam")):
        box = page.get_by_role("combobox", name=gap)
        box.focus()
        for _ in range(presses):
            page.keyboard.press("ArrowDown")
        expect(box).to_have_value(value)
    expect(page.locator("#kind-hint")).to_have_text("Choose a picture for each gap from its list.")
    expect_saved(page)
    screenshot(page, "kind-gap-match-pictures")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Review and submit").click()
    page.get_by_role("button", name="Submit my exam").click()
    expect(page.get_by_role("heading", name="Your exam is submitted")).to_be_visible()
    (result,) = json.loads(hall.cli("results", "export", "--format", "json"))["results"]
    assert (result["score"], result["max_score"]) == (2, 2)  # map_response: both pictures right

"""A sealed sitting in the console, in Chromium against a real `hall serve`: the panel asks for
the release code and keeps Start shut; a mistyped code is refused in the panel's words; the right
one opens the paper and the sitting starts. After too many wrong codes the panel says to wait,
and even the right code leaves the paper sealed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from examkit.release_codes import new_code
from tests.browser_staff.staff_pages import confirm, open_console
from tests.sealed_sittings import sealed_sitting


def test_the_chief_invigilator_types_the_release_code_in_the_sitting_panel(hall, new_context):
    code = new_code()
    sitting_id = sealed_sitting(hall.config, code)
    page = open_console(new_context())
    panel = page.locator(f'article.sitting[data-sitting-id="{sitting_id}"]')
    release = panel.locator('[data-role="release"]')
    expect(release).to_be_visible()
    expect(panel.get_by_role("button", name="Start the sitting…")).to_be_disabled()

    wrong = ("7" if code[0] != "7" else "8") + code[1:]
    release.get_by_label("Release code").fill(wrong)
    release.get_by_role("button", name="Open the paper").click()
    expect(release.get_by_role("alert")).to_contain_text("a symbol was mistyped")

    release.get_by_label("Release code").fill(code.lower())
    release.get_by_role("button", name="Open the paper").click()
    expect(release).to_be_hidden()
    expect(page.locator("#action-status")).to_contain_text("the paper is released")
    panel.get_by_role("button", name="Start the sitting…").click()
    confirm(page, "Start the sitting now?", "Start the sitting")
    expect(panel.locator('[data-role="state"]')).to_have_text("Started")


@pytest.mark.hall_settings(security__release_code_failures=2)
def test_after_too_many_wrong_codes_the_panel_says_to_wait_and_the_paper_stays_sealed(
        hall, new_context, screenshot):
    code = new_code()
    sitting_id = sealed_sitting(hall.config, code)
    page = open_console(new_context())
    panel = page.locator(f'article.sitting[data-sitting-id="{sitting_id}"]')
    release = panel.locator('[data-role="release"]')
    for _ in range(2):
        while (other := new_code()) == code:
            pass
        release.get_by_label("Release code").fill(other)
        release.get_by_role("button", name="Open the paper").click()
        expect(release.get_by_role("alert")).to_contain_text("not the release code")
        release.get_by_role("alert").evaluate("node => { node.textContent = ''; }")

    release.get_by_label("Release code").fill(code)
    release.get_by_role("button", name="Open the paper").click()
    expect(release.get_by_role("alert")).to_contain_text(re.compile(
        r"Too many wrong release codes .* Wait \d+ seconds"))
    expect(release).to_be_visible()
    expect(panel.get_by_role("button", name="Start the sitting…")).to_be_disabled()
    panel.scroll_into_view_if_needed()
    screenshot(page, "staff-release-throttled")

"""The console's summary counts each candidate once: a paused candidate is "Paused", not also
"In progress", and the states add up to every candidate."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_staff.staff_pages import CANDIDATE_COUNT, Candidate, open_console

pytestmark = pytest.mark.slow


@pytest.mark.hall_settings(invigilation__silent_after_seconds=600)
def test_paused_candidates_are_counted_once(hall, new_context):
    console = open_console(new_context())
    for i in range(3):
        Candidate(new_context(), hall.url, i).log_in().start()
    count = {state: console.locator(f'#summary [data-count="{state}"]')
             for state in ("all", "assigned", "in_progress", "paused", "completed")}
    expect(count["in_progress"]).to_have_text("3")

    assert console.request.post(hall.url + "staff/hall/pause").ok
    expect(count["paused"]).to_have_text("3")
    expect(count["in_progress"]).to_have_text("0")
    expect(count["assigned"]).to_have_text(str(CANDIDATE_COUNT - 3))
    console.locator("#filter-status").select_option("in_progress")
    expect(console.locator("#roster-body tr:visible")).to_have_count(0)
    console.locator("#filter-status").select_option("paused")
    expect(console.locator("#roster-body tr:visible")).to_have_count(3)

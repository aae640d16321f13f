"""The console's alerts in a real Chromium: grouped by kind, a whole kind acknowledged with one
confirmed click, and an alert whose cause passed leaving by itself."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser_staff.staff_pages import Candidate, alert_item, open_console, row

pytestmark = pytest.mark.slow


@pytest.mark.hall_settings(invigilation__silent_after_seconds=600)  # no silence alerts mid-test
def test_alerts_group_by_kind_and_a_whole_kind_is_acknowledged_at_once(hall, new_context, screenshot):
    console = open_console(new_context())
    other = open_console(new_context())
    failing = [Candidate(new_context(), hall.url, i).log_in().start() for i in range(4)]
    for candidate in failing:
        candidate.report(failed_saves=6, offline_seconds=40)
        candidate.report(failed_saves=9, offline_seconds=50)  # the same trouble: no second alert

    group = console.locator('.alert-group[data-kind="save_failures"]')
    expect(group.locator(".alert-group-title")).to_have_text("Saves failing 4")
    expect(group.locator(".alert-item")).to_have_count(4)
    expect(console.locator("#alert-count")).to_have_text("4")
    screenshot(console, "console-alert-group")

    # One PC gets a save through: its alert closes by itself, on every console.
    failing[0].save(answers={"1": "B"})
    expect(alert_item(console, "C0001", "save_failures")).to_have_count(0)
    expect(alert_item(other, "C0001", "save_failures")).to_have_count(0)
    expect(row(console, "C0001")).not_to_have_class(re.compile(r"\bhas-alert\b"))
    expect(group.locator(".alert-group-title")).to_have_text("Saves failing 3")

    group.get_by_role("button", name="Acknowledge all 3: Saves failing").click()
    dialog = console.locator("#confirm-dialog")
    expect(dialog).to_contain_text('Every open alert under "Saves failing" (3)')
    dialog.get_by_role("button", name="Acknowledge all 3").click()
    expect(dialog).to_be_hidden()
    expect(console.locator(".alert-item")).to_have_count(0)
    expect(console.locator("#no-alerts")).to_be_visible()
    expect(console.locator("#action-status")).to_have_text('3 alerts under "Saves failing" acknowledged.')
    expect(other.locator(".alert-item")).to_have_count(0)

    history = hall.sessions("C0002")[0]["history"]
    [acknowledged] = [e for e in history if e["kind"] == "alert_acknowledged"]
    assert acknowledged["by"] == "ivy"
    resolved = [e for e in hall.sessions("C0001")[0]["history"] if e["kind"] == "alert_resolved"]
    assert [e["reason"] for e in resolved] == ["saving_again"]

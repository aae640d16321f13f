"""The console's seat map in a real Chromium: the room laid out from the hall's seat plan, each
candidate at their desk, and a desk named from the console."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser_staff.staff_pages import Candidate, confirm, open_console, row

pytestmark = pytest.mark.slow


def _plan(hall, tmp_path, lines: list[str]) -> None:
    path = tmp_path / "desks.csv"
    path.write_text("desk,pc\n" + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    assert "added" in hall.cli("desks", "import", str(path))


@pytest.mark.hall_settings(invigilation__silent_after_seconds=600)
def test_the_seat_map_shows_the_room_and_a_desk_named_from_the_console(
        hall, new_context, tmp_path, screenshot):
    sitting = [Candidate(new_context(), hall.url, i).log_in().start() for i in range(3)]
    sitting[1].report(failed_saves=5, offline_seconds=0)  # an alert, shown on the map too
    console = open_console(new_context())
    # Every PC here is 127.0.0.1: the plan finds two of them by the id of their login (PC id).
    roster = console.request.get(hall.url + "staff/roster").json()
    devices = {r["registration_number"]: r["device"] for r in roster["candidates"] if r["device"]}
    _plan(hall, tmp_path, [f"A1,{devices['C0001']}", f"B2,{devices['C0002']}",
                           *(f"{r}{c},10.0.9.{n}" for n, (r, c) in enumerate(
                               [("A", 2), ("A", 3), ("B", 1), ("B", 3)], start=1))])
    console.reload()
    expect(console.locator("#feed-state")).to_have_attribute("data-state", "live")

    console.get_by_role("button", name="Seat map").click()
    expect(console.get_by_role("button", name="Seat map")).to_have_attribute("aria-pressed", "true")
    expect(console.locator("#roster-table")).to_be_hidden()
    desks = console.locator(".map-desk")
    expect(desks).to_have_count(6)
    a1 = console.get_by_role("group", name="Desk A1")
    expect(a1).to_contain_text("C0001")
    expect(a1).to_contain_text("In progress")
    b2 = console.get_by_role("group", name="Desk B2")
    expect(b2.locator(".map-candidate")).to_have_class(re.compile(r"\bhas-alert\b"))
    expect(console.get_by_role("group", name="Desk A3")).to_contain_text("Empty")
    unplaced = console.locator("#map-unplaced")
    expect(unplaced).to_contain_text("C0003")
    expect(unplaced).to_contain_text("at 127.0.0.1")
    screenshot(console, "console-seat-map")
    console.locator("#filter-text").fill("C0002")  # the Find box dims the others on the map
    expect(a1.locator(".map-candidate")).to_have_class(re.compile(r"\bis-filtered-out\b"))
    expect(b2.locator(".map-candidate")).not_to_have_class(re.compile(r"\bis-filtered-out\b"))
    console.locator("#filter-text").fill("")

    # C0003's desk is named from the console: B3, where 10.0.9.4 was.
    unplaced.get_by_role("button", name=re.compile(r"C0003")).click()
    dialog = console.locator("#candidate-dialog")
    dialog.get_by_label(re.compile(r"^Desk name")).fill("B3")
    screenshot(console, "console-name-a-desk")
    dialog.get_by_role("button", name="Name this desk…").click()
    confirm(console, "Call C0003's desk B3?", "Name it B3")
    expect(console.locator("#action-status")).to_have_text("C0003 sits at desk B3.")
    expect(console.get_by_role("group", name="Desk B3")).to_contain_text("C0003")
    expect(unplaced).to_be_hidden()

    console.get_by_role("button", name="Table", exact=True).click()
    expect(row(console, "C0003").locator(".cell-seat .seat")).to_have_text("B3")
    expect(row(console, "C0001").locator(".cell-seat .seat")).to_have_text("A1")
    listed = hall.cli("desks", "list")
    assert re.search(r"^B3\t127\.0\.0\.1\t2\t3$", listed, re.MULTILINE), listed

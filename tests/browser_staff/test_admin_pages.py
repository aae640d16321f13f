"""The staff login and the hall admin pages in a real Chromium against a real `hall serve`: who
may open what, the analytics drawn as SVG, storage and an online backup, performance, and the
session inspector."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.contrast import contrast_failures
from tests.browser_staff.staff_pages import CONSOLE, Candidate, staff_log_in

pytestmark = pytest.mark.slow


def test_a_candidates_cookie_opens_no_staff_page(hall, new_context):
    """A candidate logged in on this PC is sent to the staff login from the console and from
    every admin page, and the staff API answers them 401."""
    context = new_context()
    Candidate(context, hall.url, 0).log_in().start()
    page = context.new_page()
    for path in (CONSOLE, "ui/admin/analytics.html", "ui/admin/inspector.html?candidate=C0001"):
        page.goto(path)
        page.wait_for_url(re.compile(r"/ui/staff/index\.html\?next="))
        expect(page.get_by_role("heading", name="Staff login")).to_be_visible()
    for path in ("staff/roster", "staff/live", "admin/analytics", "admin/candidates/C0001"):
        assert context.request.get(hall.url + path).status == 401, path
    assert context.request.post(hall.url + "staff/hall/pause", data={}).status == 401


def test_an_invigilator_sees_the_console_and_no_admin_page(hall, new_context):
    """An invigilator's login goes to the console, which shows no admin links; an admin page
    opened by its address says it is not for their role and shows no figures; a wrong password
    is refused with the hall's message."""
    page = new_context().new_page()
    page.goto("ui/staff/index.html")
    page.get_by_label("Name").fill("ivy")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#login-error")).to_be_visible()
    expect(page.locator("#staff-password")).to_be_focused()

    staff_log_in(page, "ivy")
    expect(page.locator("#staff-who")).to_have_text("ivy · invigilator")
    nav = page.get_by_role("navigation", name="Staff pages")
    expect(nav.get_by_role("link")).to_have_count(1)
    expect(nav.get_by_role("link", name="Console")).to_have_attribute("aria-current", "page")

    for path in ("ui/admin/analytics.html", "ui/admin/storage.html", "ui/admin/performance.html",
                 "ui/admin/inspector.html?candidate=C0001"):
        page.goto(path)
        expect(page.get_by_role("heading", name="Not for your role")).to_be_visible()
        expect(page.locator("#admin-denied-text")).to_have_text(
            "These pages are for hall admins. You are logged in as ivy, an invigilator.")
        expect(page.locator("#admin-main")).to_have_count(0)
        expect(page.locator("svg")).to_have_count(0)
    assert page.context.request.get(hall.url + "admin/analytics").status == 403
    assert page.context.request.post(hall.url + "admin/backup", data={}).status == 403

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/ui/staff/index\.html$"))
    assert page.context.request.get(hall.url + "staff/me").status == 401


def _a_day_in_the_hall(hall, new_context) -> None:
    """Some history to draw: candidates saving, one submitted, pages reporting time offline."""
    candidates = [Candidate(new_context(), hall.url, i).log_in().start() for i in range(6)]
    for round_ in range(3):
        for i, candidate in enumerate(candidates):
            candidate.save(answers={str(round_ * 6 + i + 1): "B"}, current_question=round_)
    candidates[0].complete()
    candidates[2].report(failed_saves=1, offline_seconds=42)
    candidates[4].report(offline_seconds=95)


def _admin(new_context) -> Page:
    # Tall enough that a screenshot holds every chart of a page.
    page = new_context(viewport={"width": 1280, "height": 1500}).new_page()
    staff_log_in(page, "ada")
    return page


def test_analytics_draws_the_day_as_svg_charts(hall, new_context, screenshot):
    """An admin chooses the admin pages; the analytics page draws sessions by state, saves per
    minute, save latency, completion times and offline periods as SVG (each with its figures as a
    table), and passes WCAG AA contrast."""
    _a_day_in_the_hall(hall, new_context)
    page = _admin(new_context)
    expect(page.get_by_role("link", name="Open the invigilator console")).to_be_visible()
    page.get_by_role("link", name="Open the hall admin pages").click()
    page.wait_for_url(re.compile(r"/ui/admin/analytics\.html$"))

    expect(page.get_by_role("heading", name="Session analytics", level=1)).to_be_visible()
    charts = page.locator("figure.chart svg[role='img']")
    expect(charts).to_have_count(5)
    for name in ("Saves per minute", "Sessions by state", "Save latency percentiles",
                 "Completion times (minutes)", "Time offline per candidate (the 20 longest)"):
        expect(page.get_by_role("img", name=re.compile("^" + re.escape(name)))).to_be_visible()
    saves = page.locator("#saves-chart")
    expect(saves.locator("figcaption")).to_contain_text("18 in all")
    states = page.locator("#states-chart")
    states.get_by_text("Show the figures").click()
    expect(states.locator("tbody tr")).to_have_count(3)
    expect(states.locator("tbody")).to_contain_text("In progress5")
    offline = page.locator("#offline-chart")
    expect(offline.locator("svg text.label")).to_have_text(["C0005", "C0003"])
    expect(page.locator("#analytics-stats")).to_contain_text("1Failed saves reported")
    measured = contrast_failures(page)
    assert measured["failures"] == [], measured["failures"]
    screenshot(page, "analytics")


def test_storage_backs_up_and_performance_and_inspector_show_the_hall(hall, new_context, screenshot):
    """Storage shows the database, the log and the retention, and makes an online backup that
    passes its integrity check; performance shows the server's figures and its routes; the
    inspector shows a candidate's answers and history with the hash chain verified."""
    _a_day_in_the_hall(hall, new_context)
    page = _admin(new_context)

    page.goto("ui/admin/storage.html")
    expect(page.locator("#log-facts")).to_contain_text("Retention90 days")
    expect(page.locator("#storage-stats")).to_contain_text("Database")
    page.get_by_role("button", name="Make a backup now").click()
    result = page.locator("#backup-result")
    expect(result.locator(".badge")).to_have_text("Integrity check: ok")
    written = re.search(r"Backup written to (\S+) \(", result.inner_text()).group(1)
    assert Path(written).is_file() and Path(written).parent == hall.config.base_dir / "backups"
    screenshot(page, "storage")

    page.goto("ui/admin/performance.html")
    expect(page.locator("#performance-stats")).to_contain_text("Memory in use")
    routes = page.locator("#routes-table")
    save_row = routes.locator("tbody tr").filter(
        has=page.get_by_role("rowheader", name="/student/exam/{exam_id}/session/save", exact=True))
    expect(save_row.locator("td").first).to_have_text("18")
    expect(page.locator("#batch-chart svg")).to_be_visible()
    expect(page.locator("#lag-chart svg")).to_be_visible(timeout=15_000)  # after a second sample
    screenshot(page, "performance")

    page.goto("ui/admin/inspector.html")
    page.get_by_label("Registration number").fill("C0002")
    page.get_by_role("button", name="Inspect").click()
    expect(page.locator("#chain")).to_have_text(re.compile(r"^Hash chain verified: \d+ events checked"))
    session = page.locator("section.session")
    expect(session.get_by_role("heading", name="MTH101: In progress")).to_be_visible()
    expect(session.get_by_role("table", name="Answers held").locator("tbody tr")).to_have_count(3)
    history = session.get_by_role("table", name="History of the session, oldest first")
    expect(history.locator("tbody tr").first).to_contain_text("session started")
    expect(history.locator("tbody tr").filter(has_text="answers saved")).to_have_count(3)
    assert page.url.endswith("inspector.html?candidate=C0002")
    screenshot(page, "inspector")

    page.get_by_label("Registration number").fill("NOBODY")
    page.get_by_role("button", name="Inspect").click()
    expect(page.locator("#inspection .notice.bad")).to_have_text("There is no candidate NOBODY in this hall.")

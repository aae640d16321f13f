"""In Chromium: an invigilator's action reaches an idle candidate's page within 2 s, pushed (the
page's autosave is set to two minutes, so no save brings it); the page survives a restart of the
hall and still hears the next action at once; `/` is the candidates' login; a candidate who has
submitted can log out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import INVIGILATOR
from tests.browser.exam_page import (
    CANDIDATES, EXAM_ID, act_on, answer, expect_offline_ready, expect_saved, fill_login, invigilator,
    log_in,
)

PUSHED_WITHIN_MS = 2000
IDLE = {"exam__autosave_seconds": 120}  # no save of the page's own may carry the news


def notices_heard(page: Page) -> None:
    """Waits until the page's notice channel is open (its first answer, a reset, was acted on)."""
    expect(page.locator("html")).to_have_attribute("data-last-notice", re.compile(r".+"))


def page_now(page: Page) -> int:
    """The page's own clock, in milliseconds."""
    return page.evaluate("Date.now()")


def acted_within(page: Page, kind: str, since_ms: int) -> int:
    """Waits for the page to act on notice `kind` after `since_ms`; how long it took, by the
    page's own clock."""
    page.wait_for_function(
        "([kind, since]) => document.documentElement.dataset.lastNotice === kind"
        " && Number(document.documentElement.dataset.lastNoticeAt) >= since",
        arg=[kind, since_ms])
    return int(page.locator("html").get_attribute("data-last-notice-at")) - since_ms


@pytest.mark.parametrize("hall_settings", [IDLE], ids=["idle-page"])
def test_pause_extra_time_and_force_submit_reach_an_idle_page_within_two_seconds(hall, new_context):
    """Each action shows on the page within 2 s of the invigilator's click, and the submit says
    an invigilator did it."""
    staff = invigilator(new_context(), hall.url, *INVIGILATOR)
    page = new_context().new_page()
    log_in(page)
    answer(page, 1, "A")
    expect_saved(page)
    notices_heard(page)

    before = page_now(page)
    act_on(staff, hall.url, "pause")
    assert acted_within(page, "paused", before) < PUSHED_WITHIN_MS
    expect(page.locator("#pause-banner")).to_be_visible()
    expect(page.locator("#clock-label")).to_have_text("Paused")

    before = page_now(page)
    act_on(staff, hall.url, "resume")
    assert acted_within(page, "resumed", before) < PUSHED_WITHIN_MS
    expect(page.locator("#pause-banner")).to_be_hidden()

    before = page_now(page)
    extended = staff.post(f"{hall.url}staff/candidates/C0001/exams/{EXAM_ID}/extend",
                          data={"minutes": 30, "reason": "a late start"})
    assert extended.ok, extended.text()
    assert acted_within(page, "time_extended", before) < PUSHED_WITHIN_MS
    expect(page.locator("#clock-value")).to_have_text(re.compile(r"^1:[23]\d:\d\d$"))  # 60 + 30 min

    before = page_now(page)
    act_on(staff, hall.url, "force-submit")
    assert acted_within(page, "force_submitted", before) < PUSHED_WITHIN_MS
    expect(page.get_by_role("heading", name="An invigilator submitted your exam")).to_be_visible()
    expect(page.locator("#exam-main")).to_be_hidden()
    assert hall.sessions("C0001")[0]["status"] == "completed"


@pytest.mark.parametrize("hall_settings", [IDLE], ids=["idle-page"])
def test_a_hall_pause_and_a_restart_of_the_hall_leave_the_page_listening(hall, new_context):
    """The whole hall's pause reaches the page at once; after `kill -9` of the hall and a start
    again, the page hears that its notices restarted and the next action reaches it at once."""
    staff_context = new_context()
    staff = invigilator(staff_context, hall.url, *INVIGILATOR)
    page = new_context().new_page()
    log_in(page)
    notices_heard(page)

    before = page_now(page)
    assert staff.post(f"{hall.url}staff/hall/pause").ok
    assert acted_within(page, "hall_paused", before) < PUSHED_WITHIN_MS
    expect(page.locator("#pause-banner")).to_be_visible()
    assert staff.post(f"{hall.url}staff/hall/resume").ok
    expect(page.locator("#pause-banner")).to_be_hidden()

    hall.kill9()
    down = page_now(page)
    hall.start()
    acted_within(page, "reset", down)  # the page asked again and learnt its version was old
    staff = invigilator(staff_context, hall.url, *INVIGILATOR)  # staff logins end with the run
    before = page_now(page)
    act_on(staff, hall.url, "pause")
    assert acted_within(page, "paused", before) < PUSHED_WITHIN_MS
    expect(page.locator("#pause-banner")).to_be_visible()


_CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
  }
  return urls;
}"""


def test_the_service_worker_neither_answers_nor_keeps_the_notices(hall, new_context):
    """Under the service worker the notices still come from the hall, and no copy of them is
    kept on the PC (a kept one would replay old news to the next page)."""
    staff = invigilator(new_context(), hall.url, *INVIGILATOR)
    page = new_context().new_page()
    log_in(page)
    expect_offline_ready(page)
    notices_heard(page)
    act_on(staff, hall.url, "pause")
    acted_within(page, "paused", 0)
    with page.expect_response(lambda r: "/student/notices" in r.url) as polled:
        act_on(staff, hall.url, "resume")  # answers the poll opened under the service worker
    assert polled.value.ok and not polled.value.from_service_worker
    acted_within(page, "resumed", 0)
    cached = page.evaluate(_CACHED_URLS)
    assert any(url.endswith("/ui/student/notices.js") for url in cached)  # the page's code is kept
    assert not [url for url in cached if "/student/notices" in url and "/ui/" not in url]


def test_the_hall_address_lands_on_the_login(hall, new_context):
    """What /join, its QR code and the mDNS advert point to is the login form itself."""
    page = new_context().new_page()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/ui/student/index\.html$"))
    expect(page.get_by_label("Registration number")).to_be_visible()
    staff_login = page.get_by_role("link", name="staff login")
    expect(staff_login).to_have_attribute("href", "../staff/index.html")


def test_a_candidate_who_has_submitted_can_log_out(hall, new_context):
    """Logging in again after submitting says there is nothing to take, and offers to log out:
    the login form comes back and the PC's login no longer opens anything."""
    context = new_context()
    page = context.new_page()
    log_in(page)
    page.get_by_role("button", name="Review and submit").click()
    page.get_by_role("button", name="Submit my exam").click()
    expect(page.get_by_role("heading", name="Your exam is submitted")).to_be_visible()

    registration, name, _ = CANDIDATES[0]
    fill_login(page, 0)
    expect(page.get_by_text("You have no exam to take now")).to_be_visible()
    expect(page.locator("#exams-who")).to_have_text(f"{name} · {registration}")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_label("Registration number")).to_be_visible()
    expect(page.get_by_label("Registration number")).to_have_value("")
    expect(page.get_by_role("button", name="Log out")).to_be_hidden()
    assert context.request.get(hall.url + "student/notices?wait=0").status == 401

"""The admin pages' figures agree with what happened: the console's live feed is no slow request,
the day's saves chart starts when the hall did, and the storage page counts each session once."""

from __future__ import annotations

import asyncio

from prometheus_client.parser import text_string_to_metric_families

from hallserver.app import create_app
from hallserver.clock import iso
from tests.conftest import login
from tests.halls import add_staff_member, make_hall
from tests.test_admin import as_staff
from tests.test_staff import read_sse

SAVE = "/student/exam/MTH101/session/save"
LIVE = "/staff/live"


async def _admin_hall(tmp_path, aiohttp_client, clock):
    config = make_hall(tmp_path / "hall", candidates=5)
    add_staff_member(config, "ada", "admin", "ada-password")
    candidate = await aiohttp_client(create_app(config, clock))
    await login(candidate)
    admin = await aiohttp_client(candidate.server)
    await as_staff(admin, "ada")
    return candidate, admin


async def _live_figures(admin) -> dict[str, float]:
    text = await (await admin.get("/metrics")).text()
    found: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.labels.get("route") == LIVE:
                found[sample.name] = found.get(sample.name, 0) + sample.value
    return found


async def test_the_live_feed_is_counted_but_not_timed(tmp_path, aiohttp_client, clock):
    candidate, admin = await _admin_hall(tmp_path, aiohttp_client, clock)
    stream = await admin.get(LIVE)
    await read_sse(stream, 1)
    stream.close()
    # The hall notices the console has gone at its next item: a save.
    assert (await candidate.post(SAVE, json={"answers": {"1": "B"}})).status == 200
    figures: dict[str, float] = {}
    for _ in range(200):  # until the stream's handler has ended (a condition, not a guess)
        figures = await _live_figures(admin)
        if figures.get("examhall_requests_total"):
            break
        await asyncio.sleep(0.05)
    assert figures.get("examhall_requests_total") == 1
    assert figures.get("examhall_request_seconds_count", 0) == 0


async def test_the_saves_chart_starts_at_the_halls_first_activity(tmp_path, aiohttp_client, clock):
    began = clock.now()
    candidate, admin = await _admin_hall(tmp_path, aiohttp_client, clock)
    assert (await candidate.get("/student/exam/MTH101")).status == 200  # the day's first event
    clock.advance(600)
    assert (await candidate.post(SAVE, json={"answers": {"1": "B"}})).status == 200
    figures = await (await admin.get("/admin/analytics")).json()
    assert figures["activity_since"] == iso(began)
    assert sum(m["saves"] for m in figures["saves_per_minute"]) == 1


async def test_storage_counts_every_session_once_by_age_and_by_state(tmp_path, aiohttp_client, clock):
    candidate, admin = await _admin_hall(tmp_path, aiohttp_client, clock)
    assert (await candidate.get("/student/exam/MTH101")).status == 200
    held = await (await admin.get("/admin/storage")).json()
    assert held["sessions_by_state"] == {"in_progress": 1, "assigned": 4}
    assert sum(held["sessions_by_age"].values()) == 5
    assert held["sessions_by_age"]["not started"] == 4
    assert held["sessions_by_age"]["under a day"] == 1

"""The notice board and GET /student/notices: an invigilator's action reaches the candidate's
long poll at once, and only that candidate's; the whole hall's reach everyone; a restart or a
long absence is answered with `reset`."""

from __future__ import annotations

import asyncio
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

from hallserver.app import create_app
from hallserver.domain.invigilation.notices import NoticeBoard
from hallserver.keys import ROOM
from hallserver.views.routes import openapi_document, ALL_ROUTES
from tests.conftest import login
from tests.halls import add_staff_member, make_hall

NOTICES = "/student/notices"
ONE = "/staff/candidates/C0001/exams/MTH101"
SAVE = "/student/exam/MTH101/session/save"
PUSHED_WITHIN = 2.0  # seconds: the walkthrough's bound for every invigilator's action


# The board on its own -------------------------------------------------------------------------

async def test_a_candidates_notice_reaches_them_and_no_one_else():
    board = NoticeBoard()
    start = board.version
    board.publish_candidate(1, "paused", {"exam_id": "MTH101"})
    board.publish_hall("hall_paused", {"paused": True})
    mine, theirs = board.since(1, start), board.since(2, start)
    assert [n["kind"] for n in mine["notices"]] == ["paused", "hall_paused"]
    assert [n["kind"] for n in theirs["notices"]] == ["hall_paused"]
    assert mine["version"] == theirs["version"] == board.version and not mine["reset"]


async def test_a_waiting_page_wakes_for_its_own_notice_only():
    board = NoticeBoard()
    start = board.version
    first = asyncio.create_task(board.next_for(1, start, 10))
    second = asyncio.create_task(board.next_for(2, start, 0.3))
    await asyncio.sleep(0)  # both are waiting
    assert board.waiting() == 2
    board.publish_candidate(1, "time_extended", {"time_remaining": 900})
    answer = await asyncio.wait_for(first, 1)
    assert [n["kind"] for n in answer["notices"]] == ["time_extended"]
    assert (await second)["notices"] == []  # waited its whole wait, heard nothing of candidate 1
    assert board.waiting() == 0  # nothing is kept for pages that no longer wait


async def test_a_thousand_waiting_pages_wake_only_when_the_notice_is_theirs():
    board = NoticeBoard()
    start = board.version
    pages = {n: asyncio.create_task(board.next_for(n, start, 20)) for n in range(1_000)}
    await asyncio.sleep(0)
    assert board.waiting() == 1_000
    board.publish_candidate(7, "paused", {})
    await asyncio.wait_for(pages[7], 1)
    await asyncio.sleep(0.05)
    assert [n for n, page in pages.items() if page.done()] == [7]  # no thundering herd
    board.publish_hall("sitting_started", {"sitting_id": "S1", "exam_ids": ["MTH101"]})
    answers = await asyncio.wait_for(asyncio.gather(*pages.values()), 1)
    assert all(a["notices"] for a in answers)
    assert board.waiting() == 0  # memory: nothing is left of a thousand waits


async def test_another_run_or_a_page_too_far_behind_is_told_to_reset():
    board = NoticeBoard(capacity=3)
    assert board.since(1, None)["reset"]
    assert board.since(1, "0123abcd-5")["reset"]  # a version of the hall before its restart
    seen = board.version
    for number in range(5):
        board.publish_candidate(2, "paused", {"n": number})
    assert board.since(1, seen)["reset"]  # the ring moved past what this page saw


async def test_closing_answers_every_waiting_page_at_once():
    board = NoticeBoard()
    waiting = [asyncio.create_task(board.next_for(n, board.version, 20)) for n in range(50)]
    await asyncio.sleep(0)
    board.close()
    answers = await asyncio.wait_for(asyncio.gather(*waiting), 1)
    assert all(a["notices"] == [] and not a["reset"] for a in answers)
    assert (await asyncio.wait_for(board.next_for(1, board.version, 20), 1))["notices"] == []


# The endpoint ----------------------------------------------------------------------------------

@pytest.fixture
async def hall_app(aiohttp_client, tmp_path, clock):
    config = make_hall(tmp_path / "hall")
    add_staff_member(config, "ivy", "invigilator", "ivy-password")
    staff = await aiohttp_client(create_app(config, clock))
    response = await staff.post("/staff/login", json={"name": "ivy", "password": "ivy-password"})
    assert response.status == 200
    return staff


async def candidate(aiohttp_client, hall_app, index: int):
    client = await aiohttp_client(hall_app.server)
    await login(client, index)
    assert (await client.get("/student/exam/MTH101")).status == 200
    return client


async def version_now(client) -> str:
    answer = await (await client.get(NOTICES, params={"wait": "0"})).json()
    assert answer["reset"] and answer["notices"] == []  # a first poll: the current version
    return answer["version"]


async def poll(client, after: str, wait: float = 20) -> dict:
    response = await client.get(NOTICES, params={"after": after, "wait": str(wait)})
    assert response.status == 200, await response.text()
    assert response.headers["Cache-Control"] == "no-store"
    return await response.json()


async def test_only_a_candidates_own_login_opens_the_notices(hall_app, aiohttp_client):
    nobody = await aiohttp_client(hall_app.server)
    for client in (nobody, hall_app):  # no cookie at all; a member of staff's cookie
        response = await client.get(NOTICES)
        assert response.status == 401
        assert (await response.json())["error"]["code"] == "not_logged_in"


@pytest.mark.parametrize("query", [{"wait": "soon"}, {"wait": "21"}, {"wait": "-1"},
                                   {"after": "x" * 65}])
async def test_a_bad_query_gets_the_one_error_shape(hall_app, aiohttp_client, query):
    client = await candidate(aiohttp_client, hall_app, 0)
    response = await client.get(NOTICES, params=query)
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "bad_request"


@pytest.mark.parametrize("action, kind, check", [
    ("pause", "paused", lambda data: data["paused"] is True),
    ("extend", "time_extended", lambda data: data["time_remaining"] > 60 * 60),
    ("force-submit", "force_submitted", lambda data: data["status"] == "completed"),
])
async def test_an_invigilators_action_reaches_the_waiting_candidate_at_once_and_no_other(
        hall_app, aiohttp_client, action, kind, check):
    first = await candidate(aiohttp_client, hall_app, 0)
    other = await candidate(aiohttp_client, hall_app, 1)
    seen = await version_now(first)
    waiting = asyncio.create_task(poll(first, seen))
    other_waiting = asyncio.create_task(poll(other, seen, wait=1))
    await asyncio.sleep(0.05)  # the polls are open before the action
    acted_at = time.monotonic()
    response = await hall_app.post(f"{ONE}/{action}", json={"minutes": 15, "reason": "illness"})
    assert response.status == 200, await response.text()
    answer = await asyncio.wait_for(waiting, PUSHED_WITHIN)
    assert time.monotonic() - acted_at < PUSHED_WITHIN
    [notice] = answer["notices"]
    assert notice["kind"] == kind and notice["data"]["exam_id"] == "MTH101"
    assert check(notice["data"])
    assert (await other_waiting)["notices"] == []  # C0002 never hears of C0001's exam
    assert (await poll(other, seen, wait=0))["notices"] == []


async def test_a_refused_action_tells_nobody(hall_app, aiohttp_client):
    first = await candidate(aiohttp_client, hall_app, 0)
    assert (await hall_app.post(f"{ONE}/pause")).status == 200
    seen = (await poll(first, await version_now(first), wait=0))["version"]
    assert (await hall_app.post(f"{ONE}/pause")).status == 409  # already paused: nothing changed
    assert (await poll(first, seen, wait=0))["notices"] == []


async def test_a_login_on_another_pc_tells_the_old_pc_at_once(hall_app, aiohttp_client):
    first = await candidate(aiohttp_client, hall_app, 0)
    waiting = asyncio.create_task(poll(first, await version_now(first)))
    await asyncio.sleep(0.05)
    spare = await aiohttp_client(hall_app.server)
    await login(spare, 0)  # the same candidate on a spare PC: the exam moves there
    [notice] = (await asyncio.wait_for(waiting, PUSHED_WITHIN))["notices"]
    assert notice["kind"] == "lease_moved" and notice["data"] == {"exam_id": "MTH101"}
    clock = await (await first.get("/student/exam/MTH101/session/clock")).json()
    assert clock["lease_held"] is False  # what the old PC's page asks, and then stops


async def test_a_hall_pause_reaches_every_candidate(hall_app, aiohttp_client):
    pages = [await candidate(aiohttp_client, hall_app, index) for index in range(3)]
    seen = await version_now(pages[0])
    waiting = [asyncio.create_task(poll(page, seen)) for page in pages]
    await asyncio.sleep(0.05)
    assert (await hall_app.post("/staff/hall/pause")).status == 200
    answers = await asyncio.wait_for(asyncio.gather(*waiting), PUSHED_WITHIN)
    assert [[n["kind"] for n in a["notices"]] for a in answers] == [["hall_paused"]] * 3


async def test_after_a_force_submit_the_page_is_told_who_submitted(hall_app, aiohttp_client):
    first = await candidate(aiohttp_client, hall_app, 0)
    assert (await hall_app.post(f"{ONE}/force-submit")).status == 200
    refused = await first.post(SAVE, json={"answers": {"1": "A"}})
    assert refused.status == 409
    error = (await refused.json())["error"]
    assert error["code"] == "session_completed" and error["reason"] == "force_submitted"
    assert error["message"].startswith("An invigilator submitted your exam")
    clock = await (await first.get("/student/exam/MTH101/session/clock")).json()
    assert clock["status"] == "completed" and clock["reason"] == "force_submitted"


async def test_the_hall_answers_waiting_pages_when_it_stops(hall_app, aiohttp_client):
    first = await candidate(aiohttp_client, hall_app, 0)
    waiting = asyncio.create_task(poll(first, await version_now(first)))
    await asyncio.sleep(0.05)
    hall_app.server.app[ROOM].notices.close()  # what the app's on_shutdown does
    assert (await asyncio.wait_for(waiting, 1))["notices"] == []


async def test_a_long_poll_is_counted_but_not_timed(hall_app, aiohttp_client):
    """A thousand pages waiting 20 s each are no slow requests on the performance page."""
    first = await candidate(aiohttp_client, hall_app, 0)
    await poll(first, await version_now(first), wait=0.3)
    figures: dict[str, float] = {}
    for family in text_string_to_metric_families(await (await hall_app.get("/metrics")).text()):
        for sample in family.samples:
            if sample.labels.get("route") == NOTICES:
                figures[sample.name] = figures.get(sample.name, 0) + sample.value
    assert figures.get("examhall_requests_total") == 2
    assert figures.get("examhall_request_seconds_count", 0) == 0


def test_the_openapi_document_describes_the_notices():
    document = openapi_document(ALL_ROUTES)
    operation = document["paths"]["/student/notices"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"after", "wait"}
    assert operation["security"] == [{"candidateCookie": []}]
    answer = document["components"]["schemas"]["NoticesAnswer"]
    assert set(answer["properties"]) == {"version", "reset", "notices"}
    assert "Notice" in document["components"]["schemas"]

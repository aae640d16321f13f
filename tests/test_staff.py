"""The staff side: roles on every staff endpoint, the invigilators' actions, alerts, the live feed."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from hallserver.app import create_app
from hallserver.domain.log.events import read_events
from hallserver.keys import STORAGE
from tests.conftest import login
from tests.halls import add_staff_member, make_hall

ONE = "/staff/candidates/C0001/exams/MTH101"
SAVE = "/student/exam/MTH101/session/save"
CLOCK = "/student/exam/MTH101/session/clock"


@pytest.fixture
def staffed_hall(tmp_path):
    config = make_hall(tmp_path / "hall", invigilation__silent_after_seconds=10)
    add_staff_member(config, "ivy", "invigilator", "ivy-password")
    add_staff_member(config, "ada", "admin", "ada-password")
    return config


@pytest.fixture
async def hall_app(aiohttp_client, staffed_hall, clock):
    return await aiohttp_client(create_app(staffed_hall, clock))


async def staff_login(client, name: str) -> None:
    response = await client.post("/staff/login", json={"name": name, "password": f"{name}-password"})
    assert response.status == 200, await response.text()


async def started(client, index: int = 0) -> None:
    await login(client, index)
    assert (await client.get("/student/exam/MTH101")).status == 200


async def test_staff_me_names_who_is_logged_in(hall_app):
    await staff_login(hall_app, "ivy")
    assert (await (await hall_app.get("/staff/me")).json()) == {"name": "ivy", "role": "invigilator"}


async def test_a_wrong_staff_password_is_refused_and_throttled(hall_app):
    for _ in range(5):
        response = await hall_app.post("/staff/login", json={"name": "ivy", "password": "nope"})
        assert response.status == 401
    response = await hall_app.post("/staff/login", json={"name": "ivy", "password": "nope"})
    assert response.status == 429
    response = await hall_app.post("/staff/login", json={"name": "ivy", "password": "ivy-password"})
    assert response.status == 200  # a right password is never throttled


async def test_extending_time_moves_the_candidates_clock(hall_app, aiohttp_client, clock):
    candidate = await aiohttp_client(hall_app.server)
    await started(candidate)
    await staff_login(hall_app, "ivy")
    before = (await (await candidate.get(CLOCK)).json())["time_remaining"]
    response = await hall_app.post(f"{ONE}/extend", json={"minutes": 10, "reason": "late start"})
    assert response.status == 200, await response.text()
    after = (await (await candidate.get(CLOCK)).json())["time_remaining"]
    assert after == before + 600
    bad = await hall_app.post(f"{ONE}/extend", json={"minutes": 0})
    assert bad.status == 422


async def test_pausing_the_hall_stops_every_clock_and_resuming_moves_every_deadline(
        hall_app, aiohttp_client, clock):
    first, second = await aiohttp_client(hall_app.server), await aiohttp_client(hall_app.server)
    await started(first, 0)
    await started(second, 1)
    await staff_login(hall_app, "ivy")
    clock.advance(100)
    paused = await (await hall_app.post("/staff/hall/pause")).json()
    assert paused["sessions"] == 2
    frozen = [(await (await c.get(CLOCK)).json()) for c in (first, second)]
    assert all(f["paused"] and f["time_remaining"] == 3500 for f in frozen)

    clock.advance(600)  # the power is off for ten minutes
    late = await aiohttp_client(hall_app.server)
    await started(late, 2)  # a candidate who starts meanwhile starts paused
    assert (await (await late.get(CLOCK)).json())["paused"] is True
    for client in (first, second):
        assert (await (await client.get(CLOCK)).json())["time_remaining"] == 3500
    saved = await first.post(SAVE, json={"answers": {"1": "B"}})
    assert saved.status == 200  # answers are still kept during a pause

    resumed = await (await hall_app.post("/staff/hall/resume")).json()
    assert resumed["sessions"] == 3
    clock.advance(50)
    for client in (first, second):
        assert (await (await client.get(CLOCK)).json())["time_remaining"] == 3450
    assert (await (await late.get(CLOCK)).json())["time_remaining"] == 3550
    again = await hall_app.post("/staff/hall/resume")
    assert again.status == 409


async def test_pausing_one_candidate(hall_app, aiohttp_client, clock):
    candidate = await aiohttp_client(hall_app.server)
    await started(candidate)
    await staff_login(hall_app, "ivy")
    assert (await hall_app.post(f"{ONE}/pause")).status == 200
    clock.advance(300)
    assert (await (await candidate.get(CLOCK)).json())["time_remaining"] == 3600
    assert (await hall_app.post(f"{ONE}/resume")).status == 200
    clock.advance(60)
    assert (await (await candidate.get(CLOCK)).json())["time_remaining"] == 3540
    assert (await hall_app.post(f"{ONE}/resume")).status == 409


async def test_force_submit_completes_with_what_was_saved(hall_app, aiohttp_client):
    candidate = await aiohttp_client(hall_app.server)
    await started(candidate)
    await candidate.post(SAVE, json={"answers": {"1": "B", "2": "A"}})
    await staff_login(hall_app, "ivy")
    done = await (await hall_app.post(f"{ONE}/force-submit")).json()
    assert done["status"] == "completed"
    restored = await (await candidate.get("/student/exam/MTH101/session/restore")).json()
    assert restored["status"] == "completed"
    assert (await candidate.post(SAVE, json={"answers": {"3": "B"}})).status == 409
    assert (await hall_app.post(f"{ONE}/force-submit")).status == 409


def spare_pc(server, address: str) -> aiohttp.ClientSession:
    """A browser on another PC: its own loopback address, so the hall sees another seat."""
    connector = aiohttp.TCPConnector(local_addr=(address, 0))
    return aiohttp.ClientSession(base_url=f"http://127.0.0.1:{server.port}", connector=connector,
                                 cookie_jar=aiohttp.CookieJar(unsafe=True))


async def test_a_move_to_a_spare_pc_waits_for_approval(tmp_path, aiohttp_client):
    config = make_hall(tmp_path / "hall", invigilation__moves_need_approval=True)
    add_staff_member(config, "ivy", "invigilator", "ivy-password")
    first = await aiohttp_client(create_app(config))
    await started(first)
    await first.post(SAVE, json={"answers": {"1": "A"}, "device_seq": 1})
    async with spare_pc(first.server, "127.0.0.2") as spare:
        await spare.post("/student/login", json={"registration_number": "C0001", "pin": "1001"})
        waiting = await spare.post(SAVE, json={"answers": {"2": "B"}, "device_seq": 1})
        assert waiting.status == 409
        assert (await waiting.json())["error"]["code"] == "move_pending"
        assert (await first.post(SAVE, json={"answers": {"1": "C"}, "device_seq": 2})).status == 200

        staff = await aiohttp_client(first.server)
        await staff_login(staff, "ivy")
        roster = await (await staff.get("/staff/roster")).json()
        assert [a["kind"] for a in roster["alerts"]] == ["move_requested"]
        assert (await staff.post(f"{ONE}/approve-move")).status == 200
        moved = await spare.post(SAVE, json={"answers": {"2": "B"}, "device_seq": 1})
        assert moved.status == 200
        restored = await (await spare.get("/student/exam/MTH101/session/restore")).json()
        assert restored["session_data"]["answers"] == {"1": "C", "2": "B"}
    lost = await first.post(SAVE, json={"answers": {"1": "D"}, "device_seq": 3})
    assert (await lost.json())["error"]["code"] == "lease_lost"
    roster = await (await staff.get("/staff/roster")).json()
    assert roster["alerts"] == []  # approving acknowledged the request


async def test_alerts_are_raised_and_acknowledged_in_the_log(hall_app, aiohttp_client, clock):
    candidate = await aiohttp_client(hall_app.server)
    await started(candidate)
    await staff_login(hall_app, "ivy")
    clock.advance(30)  # silent for longer than the threshold (10 s in this hall)
    alerts = []
    for _ in range(100):  # the silence watch looks every 2.5 s; wait up to ten
        alerts = (await (await hall_app.get("/staff/roster")).json())["alerts"]
        if alerts:
            break
        await asyncio.sleep(0.1)
    assert [a["kind"] for a in alerts] == ["silent"]
    assert alerts[0]["registration_number"] == "C0001"

    report = await candidate.post("/student/exam/MTH101/session/report",
                                  json={"failed_saves": 4, "offline_seconds": 12.5})
    assert report.status == 200
    kinds = {a["kind"]: a for a in (await (await hall_app.get("/staff/roster")).json())["alerts"]}
    assert set(kinds) == {"silent", "save_failures"}

    ack = await hall_app.post(f"/staff/alerts/{kinds['silent']['id']}/acknowledge")
    assert (await ack.json())["acknowledged_by"] == "ivy"
    assert (await hall_app.post(f"/staff/alerts/{kinds['silent']['id']}/acknowledge")).status == 404
    storage = hall_app.server.app[STORAGE]
    events = await storage.read(lambda c: [e.kind for e in read_events(c, storage.key,
                                                                      storage.hall_id)])
    assert events.count("alert_raised") == 2 and events.count("alert_acknowledged") == 1


async def read_sse(response, wanted: int) -> list[tuple[str, str, dict]]:
    """The next `wanted` events of a stream: (event, id, data)."""
    events: list[tuple[str, str, dict]] = []
    event, event_id, data = "message", "", ""
    while len(events) < wanted:
        line = (await asyncio.wait_for(response.content.readline(), 5)).decode().rstrip("\r\n")
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("id:"):
            event_id = line[3:].strip()
        elif line.startswith("data:"):
            data += line[5:].strip()
        elif line == "" and data:
            events.append((event, event_id, json.loads(data)))
            event, event_id, data = "message", "", ""
    return events


async def test_the_live_feed_shows_a_save_at_once_and_resumes_from_its_last_id(
        hall_app, aiohttp_client):
    candidate = await aiohttp_client(hall_app.server)
    await started(candidate)
    await staff_login(hall_app, "ivy")
    stream = await hall_app.get("/staff/live")
    [(kind, first_id, snapshot)] = await read_sse(stream, 1)
    assert kind == "snapshot"
    assert {c["registration_number"] for c in snapshot["candidates"]} >= {"C0001"}

    await candidate.post(SAVE, json={"answers": {"1": "B", "2": "C"}, "current_question": 2})
    [(kind, save_id, row)] = await read_sse(stream, 1)  # within the read's five seconds
    assert kind == "candidate" and row["answered"] == 2 and row["current_question"] == 2
    stream.close()

    await candidate.post(SAVE, json={"answers": {"3": "A"}})
    again = await hall_app.get("/staff/live", headers={"Last-Event-ID": save_id})
    [(kind, _, row)] = await read_sse(again, 1)
    assert kind == "candidate" and row["answered"] == 3  # what it missed, no snapshot
    again.close()
    stale = await hall_app.get("/staff/live", headers={"Last-Event-ID": "other-run-7"})
    [(kind, _, _)] = await read_sse(stale, 1)
    assert kind == "snapshot"
    stale.close()

"""Alerts an invigilator can keep up with: a blip that is over raises nothing, an alert whose
cause has passed closes itself (in the log), one alert per candidate and kind, and a whole kind
acknowledged at once."""

from __future__ import annotations

import sqlite3

import pytest

from hallserver.app import create_app
from hallserver.domain.invigilation.actions import alert_silent_sessions
from hallserver.domain.log.events import read_events
from hallserver.keys import CONFIG, ROOM, STORAGE
from tests.conftest import login
from tests.halls import add_staff_member, make_hall
from tests.test_staff import staff_login

PAPER = "/student/exam/MTH101"
SAVE = f"{PAPER}/session/save"
REPORT = f"{PAPER}/session/report"


@pytest.fixture
async def hall_app(aiohttp_client, tmp_path, clock):
    config = make_hall(tmp_path / "hall", invigilation__silent_after_seconds=10)
    add_staff_member(config, "ivy", "invigilator", "ivy-password")
    app = await aiohttp_client(create_app(config, clock))
    await staff_login(app, "ivy")
    return app


async def _sitting(hall_app, aiohttp_client, index: int):
    candidate = await aiohttp_client(hall_app.server)
    await login(candidate, index)
    assert (await candidate.get(PAPER)).status == 200
    return candidate


async def _open_alerts(hall_app) -> list[dict]:
    return (await (await hall_app.get("/staff/roster")).json())["alerts"]


async def _silence_watch(hall_app) -> int:
    """One step of the hall's silence watch."""
    app = hall_app.server.app
    return await alert_silent_sessions(app[STORAGE], app[ROOM], app[CONFIG])


async def _logged(hall_app) -> list[dict]:
    storage = hall_app.server.app[STORAGE]
    events = await storage.read(lambda c: list(read_events(c, storage.key, storage.hall_id)))
    return [{"kind": e.kind, **e.body} for e in events if e.kind.startswith("alert_")]


async def test_a_blip_that_is_over_leaves_no_alert_open(hall_app, aiohttp_client, clock):
    """The PC lost the LAN for 7 s, 10 saves failed; its page reports once a save got through."""
    candidate = await _sitting(hall_app, aiohttp_client, 0)
    clock.advance(7)
    assert (await candidate.post(SAVE, json={"answers": {"1": "B"}, "device_seq": 1})).status == 200
    report = await candidate.post(REPORT, json={"failed_saves": 10, "offline_seconds": 7})
    assert report.status == 200
    assert await _open_alerts(hall_app) == []


async def test_a_silent_candidate_who_saves_again_closes_the_alert_in_the_log(
        hall_app, aiohttp_client, clock):
    candidate = await _sitting(hall_app, aiohttp_client, 0)
    clock.advance(30)
    assert await _silence_watch(hall_app) == 1
    [alert] = await _open_alerts(hall_app)
    assert alert["kind"] == "silent"

    # Back on the LAN: the save gets through, and the page reports the failed ones.
    assert (await candidate.post(SAVE, json={"answers": {"1": "B"}, "device_seq": 1})).status == 200
    await candidate.post(REPORT, json={"failed_saves": 12, "offline_seconds": 30})
    assert await _open_alerts(hall_app) == []
    logged = await _logged(hall_app)
    assert [(e["kind"], e.get("reason")) for e in logged] == [
        ("alert_raised", None), ("alert_resolved", "saving_again")]
    assert logged[1]["alert_id"] == alert["id"] and "by" not in logged[1]


async def test_saves_still_failing_give_one_alert_that_submitting_closes(
        hall_app, aiohttp_client, clock):
    candidate = await _sitting(hall_app, aiohttp_client, 0)
    clock.advance(5)
    for failed in (4, 9):  # the hall answers, but refuses; the page reports twice
        await candidate.post(REPORT, json={"failed_saves": failed, "offline_seconds": 0})
    [alert] = await _open_alerts(hall_app)
    assert alert["kind"] == "save_failures" and alert["detail"]["failed_saves"] == 4

    done = await candidate.post(f"{PAPER}/session/complete", json={"final_answers": {"1": "B"}})
    assert done.status == 200
    assert await _open_alerts(hall_app) == []
    assert [e.get("reason") for e in await _logged(hall_app)] == [None, "completed"]


async def test_every_alert_of_a_kind_is_acknowledged_at_once(hall_app, aiohttp_client, clock):
    """A switch reboots: every PC goes silent; one click acknowledges them all."""
    for index in range(4):
        await _sitting(hall_app, aiohttp_client, index)
    clock.advance(30)
    assert await _silence_watch(hall_app) == 4

    done = await hall_app.post("/staff/alerts/kinds/silent/acknowledge")
    assert await done.json() == {"kind": "silent", "acknowledged": 4, "by": "ivy"}
    assert await _open_alerts(hall_app) == []
    acknowledged = [e for e in await _logged(hall_app) if e["kind"] == "alert_acknowledged"]
    assert len(acknowledged) == 4 and {e["by"] for e in acknowledged} == {"ivy"}
    again = await hall_app.post("/staff/alerts/kinds/silent/acknowledge")
    assert (await again.json())["acknowledged"] == 0


async def test_an_unknown_kind_is_refused_and_changes_nothing(hall_app, aiohttp_client, clock):
    await _sitting(hall_app, aiohttp_client, 0)
    clock.advance(30)
    await _silence_watch(hall_app)
    refused = await hall_app.post("/staff/alerts/kinds/everything/acknowledge")
    assert refused.status == 422
    assert (await refused.json())["error"]["code"] == "invalid"
    assert len(await _open_alerts(hall_app)) == 1


async def test_two_open_alerts_of_a_kind_from_before_the_grouping_can_both_be_closed(
        tmp_path, aiohttp_client, clock):
    config = make_hall(tmp_path / "old-hall")
    add_staff_member(config, "ivy", "invigilator", "ivy-password")
    database = sqlite3.connect(config.database_path)
    with database:  # what an older hall left: one outage, two alerts for one candidate
        database.executemany(
            "INSERT INTO alerts (id, kind, registration_number, exam_id, raised_at, detail) "
            "VALUES (?, 'save_failures', 'C0001', 'MTH101', ?, '{}')", [("old1", 1.0), ("old2", 2.0)])
    database.close()
    app = await aiohttp_client(create_app(config, clock))
    await staff_login(app, "ivy")
    assert sorted(a["id"] for a in await _open_alerts(app)) == ["old1", "old2"]
    done = await (await app.post("/staff/alerts/kinds/save_failures/acknowledge")).json()
    assert done["acknowledged"] == 2 and await _open_alerts(app) == []

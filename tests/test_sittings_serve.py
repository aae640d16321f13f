"""A started sitting survives `kill -9` of a real `hall serve`: after the restart it is still
started, every deadline is the same, and a candidate still waiting gets the common end; then
`hall sitting end`, run beside the serving hall, has every open session submitted."""

from __future__ import annotations

import json
import time

import pytest

from hallserver.clock import iso
from tests.exams_fixtures import hall_cli, ok
from tests.halls import add_staff_member, candidate_rows, make_hall
from tests.serving import ServedHall, log_in
from tests.sync.processes import eventually

pytestmark = pytest.mark.slow

PAPER = "/student/exam/MTH101"
CLOCK = PAPER + "/session/clock"
SAVE = PAPER + "/session/save"
RESTORE = PAPER + "/session/restore"
ROWS = candidate_rows(4)


async def _staff(hall: ServedHall):
    client = hall.client()
    async with client.post("/staff/login", json={"name": "ivy", "password": "ivy-password"}) as r:
        assert r.status == 200, await r.text()
    return client


async def _deadline(client) -> str:
    async with client.get(CLOCK) as response:
        assert response.status == 200, await response.text()
        return (await response.json())["deadline"]


async def test_a_sitting_started_just_before_kill9_is_still_started_with_the_same_deadlines(
        tmp_path):
    config = make_hall(tmp_path / "hall", candidates=len(ROWS))
    add_staff_member(config, "ivy", "invigilator", "ivy-password")
    made = ok(hall_cli(config, "sitting", "create", "--exam", "MTH101", "--starts",
                       iso(time.time() + 600) or "", "--json"))
    sitting_id = json.loads(made.output)["id"]

    with ServedHall(config) as hall:
        staff = await _staff(hall)
        browsers = [hall.client() for _ in ROWS]
        for browser, (registration, _, pin) in zip(browsers, ROWS, strict=True):
            await log_in(browser, registration, pin)
            async with browser.get(PAPER) as response:
                assert response.status == 409
        async with staff.post(f"/staff/sittings/{sitting_id}/start") as response:
            assert response.status == 200, await response.text()
            started = await response.json()
        assert started["counts"]["checked_in"] == len(ROWS)
        deadlines = {}
        for browser, (registration, _, _) in list(zip(browsers, ROWS, strict=True))[:2]:
            async with browser.get(PAPER) as response:
                assert response.status == 200
                deadlines[registration] = (await response.json())["session"]["deadline"]
        hall.kill9()
        for client in (staff, *browsers):
            await client.close()

    with ServedHall(config) as again:
        staff = await _staff(again)
        async with staff.get(f"/staff/sittings/{sitting_id}") as response:
            shown = await response.json()
        assert shown["state"] == "started" and shown["started_at"] == started["started_at"]
        for registration, _, pin in ROWS[:2]:
            browser = again.client()
            await log_in(browser, registration, pin)
            assert await _deadline(browser) == deadlines[registration]
            await browser.close()
        waiting = again.client()
        registration, _, pin = ROWS[2]  # checked in before the kill, still waiting
        await log_in(waiting, registration, pin)
        async with waiting.get(PAPER) as response:
            assert response.status == 200
            assert (await response.json())["session"]["deadline"] == deadlines[ROWS[0][0]]
        # `hall sitting end` beside the serving hall: the hall submits what is open.
        async with waiting.post(SAVE, json={"answers": {"3": "B"}, "device_seq": 1}) as response:
            assert response.status == 200
        ok(hall_cli(config, "sitting", "end", sitting_id))

        async def submitted() -> bool:
            async with waiting.get(RESTORE) as response:
                return (await response.json())["status"] == "completed"
        await eventually(submitted, what="the hall submitting the sessions of the ended sitting")
        async with waiting.get(RESTORE) as response:
            assert (await response.json())["session_data"]["answers"] == {"3": "B"}
        async with waiting.post(SAVE, json={"answers": {"4": "B"}, "device_seq": 2}) as response:
            assert response.status == 409
        await waiting.close()
        await staff.close()
        again.stop()

"""Save, restore and complete through the hall app on a real SQLite file."""

from __future__ import annotations

from hallserver.app import create_app
from tests.conftest import login

SAVE = "/student/exam/MTH101/session/save"
RESTORE = "/student/exam/MTH101/session/restore"
COMPLETE = "/student/exam/MTH101/session/complete"


async def test_save_restore_complete_round_trip(hall_client):
    await login(hall_client)
    paper = await (await hall_client.get("/student/exam/MTH101")).json()
    assert len(paper["questions"]) == 20
    assert paper["session"]["time_remaining"] == 3600

    response = await hall_client.post(SAVE, json={
        "current_question": 5, "answers": {"1": "A", "2": "B"}, "time_remaining": 1200,
        "marked_questions": ["2", "4"], "device_seq": 1})
    saved = await response.json()
    assert response.status == 200 and saved["saved"] is True and saved["revision"] == 1

    restored = await (await hall_client.get(RESTORE)).json()
    assert restored["has_session"] is True and restored["revision"] == 1
    data = restored["session_data"]
    assert data["current_question"] == 5
    assert data["answers"] == {"1": "A", "2": "B"}
    assert data["marked_questions"] == ["2", "4"]

    done = await hall_client.post(COMPLETE, json={"final_answers": {"1": "B", "3": "B"},
                                                  "time_spent": 1800})
    assert done.status == 200
    body = await done.json()
    assert body["completed"] is True
    again = await hall_client.post(COMPLETE, json={"final_answers": {"1": "C"}})
    assert await again.json() == body

    late = await hall_client.post(SAVE, json={"answers": {"4": "B"}})
    assert late.status == 409
    assert (await late.json())["error"]["code"] == "session_completed"


async def test_partial_saves_and_null_clears(hall_client):
    await login(hall_client)
    await hall_client.post(SAVE, json={"answers": {"1": "A", "2": "B"}, "device_seq": 1})
    await hall_client.post(SAVE, json={"answers": {"2": None, "3": "C"}, "device_seq": 2})
    await hall_client.post(SAVE, json={"current_question": 7, "device_seq": 3})
    data = (await (await hall_client.get(RESTORE)).json())["session_data"]
    assert data["answers"] == {"1": "A", "3": "C"}
    assert data["current_question"] == 7


async def test_replayed_and_late_saves_never_roll_back(hall_client):
    await login(hall_client)
    await hall_client.post(SAVE, json={"answers": {"1": "A"}, "device_seq": 1})
    second = await (await hall_client.post(SAVE, json={"answers": {"1": "B"}, "device_seq": 2})).json()
    replay = await (await hall_client.post(SAVE, json={"answers": {"1": "B"}, "device_seq": 2})).json()
    late = await (await hall_client.post(SAVE, json={"answers": {"1": "A"}, "device_seq": 1})).json()
    assert replay["revision"] == second["revision"] == late["revision"]
    data = (await (await hall_client.get(RESTORE)).json())["session_data"]
    assert data["answers"] == {"1": "B"}


async def test_restore_survives_a_restart(aiohttp_client, hall_config, clock):
    first = await aiohttp_client(create_app(hall_config, clock))
    await login(first)
    await first.post(SAVE, json={"answers": {"5": "D"}, "marked_questions": ["5"],
                                 "current_question": 4, "device_seq": 1})
    await first.close()

    second = await aiohttp_client(create_app(hall_config, clock))
    await login(second)
    restored = await (await second.get(RESTORE)).json()
    assert restored["session_data"]["answers"] == {"5": "D"}
    assert restored["session_data"]["marked_questions"] == ["5"]
    assert restored["session_data"]["current_question"] == 4


async def test_restore_before_starting_has_no_session(hall_client):
    await login(hall_client)
    assert await (await hall_client.get(RESTORE)).json() == {"has_session": False}


async def test_deadline_completes_with_what_was_saved(hall_client, clock):
    await login(hall_client)
    await hall_client.get("/student/exam/MTH101")
    await hall_client.post(SAVE, json={"answers": {"1": "B", "2": "B"}, "device_seq": 1})
    clock.advance(3600 - 30)
    saved = await (await hall_client.post(SAVE, json={"answers": {"3": "B"}, "device_seq": 2})).json()
    assert saved["time_remaining"] == 30

    clock.advance(60)
    late = await hall_client.post(SAVE, json={"answers": {"4": "B"}, "device_seq": 3})
    assert late.status == 409
    assert (await late.json())["error"]["code"] == "time_over"
    restored = await (await hall_client.get(RESTORE)).json()
    assert restored["status"] == "completed"
    assert restored["session_data"]["answers"] == {"1": "B", "2": "B", "3": "B"}


async def test_lease_moves_to_the_newest_login(hall_client, new_client):
    await login(hall_client)
    await hall_client.post(SAVE, json={"answers": {"1": "A"}, "device_seq": 1})
    spare_pc = await new_client()
    await login(spare_pc)

    refused = await hall_client.post(SAVE, json={"answers": {"1": "C"}, "device_seq": 2})
    assert refused.status == 409
    assert (await refused.json())["error"]["code"] == "lease_lost"

    restored = await (await spare_pc.get(RESTORE)).json()
    assert restored["session_data"]["answers"] == {"1": "A"} and restored["lease_held"] is True
    moved_on = await spare_pc.post(SAVE, json={"answers": {"2": "B"}, "device_seq": 1})
    assert moved_on.status == 200


async def test_the_deadline_watch_completes_a_silent_session(hall_client, clock):
    import asyncio
    await login(hall_client)
    await hall_client.get("/student/exam/MTH101")
    await hall_client.post(SAVE, json={"answers": {"1": "B", "2": "C"}, "device_seq": 1})
    clock.advance(3600 + 10)
    restored = {}
    for _ in range(50):  # the watch runs every second; wait for it, up to five seconds
        restored = await (await hall_client.get(RESTORE)).json()
        if restored["status"] == "completed":
            break
        await asyncio.sleep(0.1)
    assert restored["status"] == "completed"
    assert restored["session_data"]["answers"] == {"1": "B", "2": "C"}


async def test_saves_that_arrive_together_share_one_commit(hall_client, new_client):
    import asyncio
    from hallserver.keys import STORAGE
    clients = [hall_client] + [await new_client() for _ in range(4)]
    for index, client in enumerate(clients):
        await login(client, index)
        await client.get("/student/exam/MTH101")
    writer = hall_client.server.app[STORAGE].writer
    batches, jobs = writer.batches, writer.jobs

    async def burst(client):
        return [await client.post(SAVE, json={"answers": {str(q): "A"}, "device_seq": q})
                for q in range(1, 11)]

    results = await asyncio.gather(*(burst(c) for c in clients))
    assert all(r.status == 200 for responses in results for r in responses)
    assert writer.jobs - jobs == 50
    assert writer.batches - batches < 50

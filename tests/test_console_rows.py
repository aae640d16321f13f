"""The console's rows as an invigilator reads them: names and seats that survive a restart of the
hall, and scores kept from invigilators unless the hall shows them."""

from __future__ import annotations

from hallserver.app import create_app
from tests.conftest import login
from tests.halls import add_staff_member, make_hall
from tests.test_staff import read_sse, staff_login

PAPER = "/student/exam/MTH101"


def _staffed(directory, **settings):
    config = make_hall(directory, **settings)
    add_staff_member(config, "ivy", "invigilator", "ivy-password")
    add_staff_member(config, "ada", "admin", "ada-password")
    return config


async def test_a_hall_pause_after_a_restart_keeps_every_name_and_seat(tmp_path, aiohttp_client, clock):
    config = _staffed(tmp_path / "hall")
    before = await aiohttp_client(create_app(config, clock))
    for index in (0, 1):
        candidate = await aiohttp_client(before.server)
        await login(candidate, index)
        assert (await candidate.get(PAPER)).status == 200
    await before.close()

    after = await aiohttp_client(create_app(config, clock))  # `hall serve` again; nobody logs in
    await staff_login(after, "ivy")
    stream = await after.get("/staff/live")
    [(kind, _, _)] = await read_sse(stream, 1)
    assert kind == "snapshot"
    assert (await after.post("/staff/hall/pause")).status == 200
    rows = {}
    while len(rows) < 2:
        [(kind, _, data)] = await read_sse(stream, 1)
        if kind == "candidate":
            rows[data["registration_number"]] = data
    stream.close()
    assert rows["C0001"]["name"] == "Candidate 1" and rows["C0002"]["name"] == "Candidate 2"
    assert all(row["seat"] == "127.0.0.1" and row["paused"] for row in rows.values())


async def _submitted_hall(aiohttp_client, config, clock):
    app = await aiohttp_client(create_app(config, clock))
    candidate = await aiohttp_client(app.server)
    await login(candidate)
    await candidate.get(PAPER)
    done = await candidate.post(f"{PAPER}/session/complete", json={"final_answers": {"1": "B"}})
    assert done.status == 200
    return app


async def _score_seen(client, name: str) -> bool:
    await staff_login(client, name)
    roster = await (await client.get("/staff/roster")).json()
    [row] = [r for r in roster["candidates"] if r["registration_number"] == "C0001"]
    assert row["status"] == "completed"
    return "score" in row


async def test_invigilators_do_not_see_scores_and_admins_do(tmp_path, aiohttp_client, clock):
    app = await _submitted_hall(aiohttp_client, _staffed(tmp_path / "hall"), clock)
    assert await _score_seen(app, "ivy") is False
    assert await _score_seen(await aiohttp_client(app.server), "ada") is True

    invigilator = await aiohttp_client(app.server)
    await staff_login(invigilator, "ivy")
    stream = await invigilator.get("/staff/live")
    [(_, _, snapshot)] = await read_sse(stream, 1)
    stream.close()
    assert all("score" not in row for row in snapshot["candidates"])


async def test_a_hall_may_show_scores_to_invigilators(tmp_path, aiohttp_client, clock):
    config = _staffed(tmp_path / "hall", invigilation__show_scores=True)
    app = await _submitted_hall(aiohttp_client, config, clock)
    assert await _score_seen(app, "ivy") is True


async def test_a_live_completion_reaches_an_invigilator_without_its_score(
        tmp_path, aiohttp_client, clock):
    config = _staffed(tmp_path / "hall")
    app = await aiohttp_client(create_app(config, clock))
    await staff_login(app, "ivy")
    candidate = await aiohttp_client(app.server)
    await login(candidate)
    await candidate.get(PAPER)
    stream = await app.get("/staff/live")
    await read_sse(stream, 1)
    await candidate.post(f"{PAPER}/session/complete", json={"final_answers": {"1": "B"}})
    while True:
        [(kind, _, data)] = await read_sse(stream, 1)
        if kind == "candidate" and data["status"] == "completed":
            break
    stream.close()
    assert "score" not in data

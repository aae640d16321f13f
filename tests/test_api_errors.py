"""Every status of CONTRACT.md, each from a real request, each in the one error shape."""

from __future__ import annotations

import gzip
import json
import sqlite3

import pytest

from hallserver.app import create_app
from tests.conftest import login
from tests.halls import make_hall

SAVE = "/student/exam/MTH101/session/save"
RESTORE = "/student/exam/MTH101/session/restore"
COMPLETE = "/student/exam/MTH101/session/complete"


async def expect_error(response, status: int, code: str) -> dict:
    """Asserts the one error shape, the status and the code; returns the error."""
    assert response.status == status, await response.text()
    assert response.content_type == "application/json"
    body = await response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and len(error["message"]) > 15
    return error


async def revision(client) -> int:
    return (await (await client.get(RESTORE)).json()).get("revision", 0)


async def test_400_malformed_json_changes_nothing(hall_client):
    await login(hall_client)
    await hall_client.post(SAVE, json={"answers": {"1": "A"}})
    response = await hall_client.post(SAVE, data=b'{"answers": {"1": "B"',
                                      headers={"Content-Type": "application/json"})
    await expect_error(response, 400, "bad_request")
    assert (await (await hall_client.get(RESTORE)).json())["session_data"]["answers"] == {"1": "A"}


async def test_401_not_logged_in_on_every_candidate_endpoint(hall_client):
    for method, path in [("GET", "/student/exam/MTH101"), ("POST", SAVE), ("GET", RESTORE),
                         ("POST", COMPLETE), ("POST", "/student/logout")]:
        response = await hall_client.request(method, path, json={})
        await expect_error(response, 401, "not_logged_in")


async def test_401_wrong_pin_and_unknown_candidate_say_the_same(hall_client):
    wrong = await hall_client.post("/student/login", json={"registration_number": "C0001", "pin": "0"})
    unknown = await hall_client.post("/student/login", json={"registration_number": "X9", "pin": "0"})
    first = await expect_error(wrong, 401, "wrong_credentials")
    assert first == await expect_error(unknown, 401, "wrong_credentials")


async def test_401_after_logout(hall_client):
    await login(hall_client)
    assert (await hall_client.post("/student/logout")).status == 200
    await expect_error(await hall_client.get(RESTORE), 401, "not_logged_in")


async def test_403_cross_site_change_is_refused(hall_client):
    await login(hall_client)
    response = await hall_client.post(SAVE, json={"answers": {"1": "A"}},
                                      headers={"Origin": "http://evil.example"})
    await expect_error(response, 403, "forbidden")
    response = await hall_client.post(SAVE, json={"answers": {"1": "A"}},
                                      headers={"Sec-Fetch-Site": "cross-site"})
    await expect_error(response, 403, "forbidden")
    assert await revision(hall_client) == 0


async def test_404_an_exam_that_is_not_yours(hall_client):
    await login(hall_client)
    for method, path in [("GET", "/student/exam/PHY201"), ("POST", "/student/exam/PHY201/session/save"),
                         ("GET", "/student/exam/PHY201/session/restore"),
                         ("POST", "/student/exam/PHY201/session/complete")]:
        await expect_error(await hall_client.request(method, path, json={}), 404, "not_found")
    await expect_error(await hall_client.get("/no/such/page"), 404, "not_found")


async def test_405_wrong_method(hall_client):
    await expect_error(await hall_client.delete("/student/login"), 405, "method_not_allowed")


async def test_409_completed(hall_client):
    await login(hall_client)
    await hall_client.post(COMPLETE, json={"final_answers": {"1": "B"}})
    error = await expect_error(await hall_client.post(SAVE, json={"answers": {"1": "A"}}), 409,
                               "session_completed")
    assert "submitted" in error["message"]


async def test_409_time_over(hall_client, clock):
    await login(hall_client)
    await hall_client.get("/student/exam/MTH101")
    clock.advance(3600 + 60)
    error = await expect_error(await hall_client.post(SAVE, json={"answers": {"1": "A"}}), 409,
                               "time_over")
    assert error["time_remaining"] == 0


async def test_409_lease_lost_keeps_the_refused_save(hall_client, new_client):
    await login(hall_client)
    await hall_client.post(SAVE, json={"answers": {"1": "A"}})
    await login(await new_client())
    await expect_error(await hall_client.post(SAVE, json={"answers": {"1": "D"}}), 409, "lease_lost")
    kept = hall_client.server.app  # the refused save is in the log, for review
    from hallserver.domain.log.events import read_events
    from hallserver.keys import STORAGE
    storage = kept[STORAGE]
    events = await storage.read(lambda c: list(read_events(c, storage.key, storage.hall_id)))
    refused = [e for e in events if e.kind == "save_refused"]
    assert refused and refused[-1].body["payload"] == {"answers": {"1": "D"}}
    assert refused[-1].body["reason"] == "lease_lost"


async def test_409_revision_ahead(hall_client):
    await login(hall_client)
    await hall_client.post(SAVE, json={"answers": {"1": "A"}})
    await expect_error(await hall_client.post(SAVE, json={"answers": {"2": "A"}, "base_revision": 9}),
                       409, "revision_ahead")


async def test_413_body_too_large_even_when_gzipped(hall_client):
    await login(hall_client)
    huge = {"answers": {"1": "A"}, "marked_questions": ["1"] * 200_000}
    response = await hall_client.post(SAVE, json=huge)
    await expect_error(response, 413, "too_large")
    bomb = gzip.compress(json.dumps(huge).encode())
    assert len(bomb) < 262144
    response = await hall_client.post(SAVE, data=bomb, headers={
        "Content-Type": "application/json", "Content-Encoding": "gzip"})
    await expect_error(response, 413, "too_large")
    assert await revision(hall_client) == 0


async def test_gzip_bodies_are_accepted(hall_client):
    await login(hall_client)
    body = gzip.compress(json.dumps({"answers": {"7": "C"}}).encode())
    response = await hall_client.post(SAVE, data=body, headers={
        "Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert response.status == 200
    assert (await (await hall_client.get(RESTORE)).json())["session_data"]["answers"] == {"7": "C"}


async def test_whole_numbers_written_as_floats_are_whole_numbers(hall_client):
    await login(hall_client)
    response = await hall_client.post(SAVE, json={"device_seq": 2884763890.0,
                                                  "current_question": 3.0})
    assert response.status == 200, await response.text()
    error = await expect_error(await hall_client.post(SAVE, json={"current_question": 3.5}),
                               422, "invalid")
    assert "current_question" in error["message"]


async def test_415_not_json(hall_client):
    await login(hall_client)
    response = await hall_client.post(SAVE, data="answers=1", headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    await expect_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize(("body", "named"), [
    ({"answers": {"999": "A"}}, "no question '999'"),
    ({"answers": {"1": "Z"}}, "no option 'Z'"),
    ({"answers": {"1": 2}}, "answers.1"),
    ({"answers": ["A"]}, "answers"),
    ({"current_question": "5"}, "current_question"),
    ({"current_question": True}, "current_question"),
    ({"device_seq": -1}, "device_seq"),
    ({"marked_questions": ["77"]}, "no question '77'"),
    ({"answer": {"1": "A"}}, "answer"),
    ([1, 2, 3], "body"),
])
async def test_422_invalid_content_changes_nothing(hall_client, body, named):
    await login(hall_client)
    await hall_client.post(SAVE, json={"answers": {"1": "A"}})
    error = await expect_error(await hall_client.post(SAVE, json=body), 422, "invalid")
    assert named in error["message"]
    restored = await (await hall_client.get(RESTORE)).json()
    assert restored["revision"] == 1 and restored["session_data"]["answers"] == {"1": "A"}


async def test_429_too_many_wrong_pins_for_one_candidate(hall_client):
    for _ in range(5):
        response = await hall_client.post("/student/login", json={"registration_number": "C0002",
                                                                   "pin": "0000"})
        await expect_error(response, 401, "wrong_credentials")
    response = await hall_client.post("/student/login", json={"registration_number": "C0002",
                                                              "pin": "0001"})
    error = await expect_error(response, 429, "slow_down")
    assert int(response.headers["Retry-After"]) == error["retry_after"] >= 1
    await login(hall_client, 0)  # other candidates are not held up
    await login(hall_client, 1)  # nor is this one, with the right PIN


async def test_503_when_storage_is_locked_and_nothing_is_half_done(tmp_path, aiohttp_client):
    config = make_hall(tmp_path / "hall", storage__busy_timeout_ms=200)
    client = await aiohttp_client(create_app(config))
    await login(client)
    await client.post(SAVE, json={"answers": {"1": "A"}})
    intruder = sqlite3.connect(config.database_path, isolation_level=None)
    intruder.execute("BEGIN EXCLUSIVE")
    try:
        await expect_error(await client.post(SAVE, json={"answers": {"1": "C"}}), 503,
                           "storage_unavailable")
    finally:
        intruder.execute("ROLLBACK")
        intruder.close()
    restored = await (await client.get(RESTORE)).json()
    assert restored["session_data"]["answers"] == {"1": "A"} and restored["revision"] == 1
    assert (await client.post(SAVE, json={"answers": {"1": "C"}})).status == 200

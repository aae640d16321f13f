"""A hostile PC on the hall's LAN cannot freeze the hall, lock a candidate out, or read anything."""

from __future__ import annotations

import asyncio
import gzip
import json
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import login
from tests.halls import add_staff_member, make_hall
from tests.hostile import gzip_bomb, post_raw
from tests.serving import ServedHall, log_in
from tests.test_api_errors import expect_error

SAVE = "/student/exam/MTH101/session/save"
RESTORE = "/student/exam/MTH101/session/restore"
GZIP_JSON = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
CORRUPT_GZIP = b"\x1f\x8b\x08\x00garbage"


async def test_bombs_do_not_hold_up_saves(tmp_path):
    config = make_hall(tmp_path / "hall")
    bomb = gzip_bomb(b'{"pin":"', 2 * 2**20)  # 2 MiB that inflates to 330 MB
    with ServedHall(config) as hall:
        async with hall.client() as candidate:
            await log_in(candidate, "C0001", "1001")
            for n in range(5):  # the session opened and cached: what follows is the steady state
                async with candidate.post(SAVE, json={"current_question": n + 1}) as response:
                    assert response.status == 200, await response.text()
            # The same stream with no bomb: what this machine gives right now, to compare with.
            done = asyncio.get_running_loop().create_future()
            done.set_result(None)
            quiet = await _saves_until(candidate, done)
            # Threads of the test's own, started before the clock runs: the bombs are sent
            # without taking the test's loop, which times the saves.
            with ThreadPoolExecutor(4) as senders:
                bombs = asyncio.gather(*(asyncio.wrap_future(senders.submit(
                    post_raw, hall.port, "/student/login", GZIP_JSON, bomb)) for _ in range(4)))
                latencies = await _saves_until(candidate, bombs)
            assert set(await bombs) <= {413, None}
        hall.stop()
    # 100 ms on a quiet machine; on a busy one (tests running beside it) three times the worst
    # save of the same stream without bombs. Unbounded inflation took seconds.
    bound = max(0.1, 3 * max(quiet))
    assert max(latencies) < bound, (f"the worst save took {max(latencies):.3f} s beside the bombs "
                                    f"(without them: {max(quiet):.3f} s)")


async def _saves_until(candidate, bombs: asyncio.Future) -> list[float]:
    """Saves one after another until the bombs are all answered (20 at least); their latencies."""
    loop = asyncio.get_running_loop()
    latencies = []
    n = 0
    while not bombs.done() or n < 20:
        n += 1
        started = loop.time()
        async with candidate.post(SAVE, json={"current_question": n % 20 + 1}) as response:
            assert response.status == 200, await response.text()
        latencies.append(loop.time() - started)
    return latencies


async def test_a_bomb_gets_413_in_the_one_shape(hall_client):
    response = await hall_client.post("/student/login", data=gzip_bomb(b'{"pin":"', 65536),
                                      headers=GZIP_JSON)
    await expect_error(response, 413, "too_large")


async def test_a_corrupt_gzip_body_is_a_400(hall_config, hall_client):
    add_staff_member(hall_config, "ivy", "invigilator", "ivy-password")
    await login(hall_client)
    for path in ("/student/login", "/staff/login", SAVE):
        response = await hall_client.post(path, data=CORRUPT_GZIP, headers=GZIP_JSON)
        await expect_error(response, 400, "bad_request")


async def test_deflate_is_taken_and_a_cut_off_body_is_a_400(hall_client):
    await login(hall_client)
    body = json.dumps({"answers": {"3": "C"}}).encode()
    response = await hall_client.post(SAVE, data=zlib.compress(body), headers={
        "Content-Type": "application/json", "Content-Encoding": "deflate"})
    assert response.status == 200, await response.text()
    cut = gzip.compress(body)[:-12]
    await expect_error(await hall_client.post(SAVE, data=cut, headers=GZIP_JSON), 400,
                       "bad_request")
    restored = await (await hall_client.get(RESTORE)).json()
    assert restored["revision"] == 1 and restored["session_data"]["answers"] == {"3": "C"}


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress"])
async def test_an_encoding_the_hall_does_not_take_is_refused_in_the_one_shape(hall_client,
                                                                               encoding):
    response = await hall_client.post("/student/login", data=b"{}", headers={
        "Content-Type": "application/json", "Content-Encoding": encoding})
    await expect_error(response, 415, "unsupported_media_type")


async def _wrong_login(client, path: str, body: dict) -> int:
    return (await client.post(path, json=body)).status


@pytest.mark.parametrize(("path", "wrong", "right"), [
    ("/student/login", {"registration_number": "C0002", "pin": "000000"},
     {"registration_number": "C0002", "pin": "1002"}),
    ("/staff/login", {"name": "ivy", "password": "guess"}, {"name": "ivy", "password": "ivy-pass"}),
])
async def test_guessing_at_someones_login_never_locks_them_out(hall_config, hall_client, new_client,
                                                               clock, path, wrong, right):
    """Five wrong guesses, then one every 12 s (from the same address, as behind a NAT): the
    guesser is slowed, the real owner's right PIN or password is taken every time."""
    add_staff_member(hall_config, "ivy", "invigilator", "ivy-pass")
    guesses = [await _wrong_login(hall_client, path, wrong) for _ in range(6)]
    assert guesses == [401] * 5 + [429]
    for _ in range(5):
        clock.advance(12)
        assert await _wrong_login(hall_client, path, wrong) in (401, 429)
        owner = await new_client()
        response = await owner.post(path, json=right)
        assert response.status == 200, await response.text()

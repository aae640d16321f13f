"""Wrong release codes are throttled on the console: after `[security] release_code_failures`
wrong codes for a sitting (or from one member of staff), every further code, even the right one,
is refused with 429 slow_down and when to retry, and logged, until the allowance refills on the
hall's (settable) clock; a mistyped symbol, caught by the code's check, does not count.

The hall app on a real socket with a real database; sealed papers sealed as the central seals.
"""

from __future__ import annotations

from examkit.release_codes import new_code
from hallserver.app import create_app
from hallserver.cli.common import data_key, open_database
from hallserver.db import migrate
from hallserver.domain.log.events import read_events
from tests.halls import add_staff_member, make_hall
from tests.sealed_sittings import sealed_sitting

FAILURES, LOCKOUT = 3, 300


def _other_code(code: str) -> str:
    while (other := new_code()) == code:
        pass
    return other


def _mistyped(code: str) -> str:
    return ("7" if code[0] != "7" else "8") + code[1:]


async def _invigilators(aiohttp_client, config, clock) -> list:
    """Ivy and Ian logged in to the hall's console, each with their own cookies."""
    app, clients = create_app(config, clock), []
    for name in ("ivy", "ian"):
        add_staff_member(config, name, "invigilator", f"{name}-pw")
        client = await aiohttp_client(clients[0].server if clients else app)
        response = await client.post("/staff/login", json={"name": name, "password": f"{name}-pw"})
        assert response.status == 200, await response.text()
        clients.append(client)
    return clients


async def _release(client, sitting_id: str, code: str) -> tuple[int, dict, object]:
    response = await client.post(f"/staff/sittings/{sitting_id}/release", json={"code": code})
    return response.status, await response.json(), response


async def _sealed(client, sitting_id: str) -> bool:
    response = await client.get(f"/staff/sittings/{sitting_id}")
    return (await response.json())["sealed"]


def _refusals(config) -> list[dict]:
    with open_database(config).connect() as connection:
        hall_id, _ = migrate.read_identity(connection)
        return [e.body for e in read_events(connection, data_key(config), hall_id)
                if e.kind == "release_code_refused"]


def _is_slow_down(status: int, body: dict, response, *words: str) -> int:
    assert status == 429, body
    assert set(body) == {"error"} and body["error"]["code"] == "slow_down", body
    wait = body["error"]["retry_after"]
    assert wait > 0 and response.headers["Retry-After"] == str(wait)
    assert all(w in body["error"]["message"] for w in words), body
    return wait


async def test_wrong_codes_lock_the_sitting_until_the_allowance_refills(
        aiohttp_client, tmp_path, clock):
    config = make_hall(tmp_path / "hall", security__release_code_failures=FAILURES,
                       security__release_code_lockout_seconds=LOCKOUT)
    code = new_code()
    sitting_id = sealed_sitting(config, code)
    ivy, ian = await _invigilators(aiohttp_client, config, clock)

    # A mistyped symbol is caught by the check: refused, logged, not counted.
    status, body, _ = await _release(ivy, sitting_id, _mistyped(code))
    assert status == 422 and body["error"]["code"] == "wrong_release_code"
    for _ in range(FAILURES):
        status, body, _ = await _release(ivy, sitting_id, _other_code(code))
        assert status == 422 and body["error"]["code"] == "wrong_release_code", body

    # Spent for this sitting: the right code is refused too, from anyone, with when to retry.
    wait = _is_slow_down(*await _release(ivy, sitting_id, code), "Too many wrong release codes")
    assert wait == LOCKOUT // FAILURES + 1
    _is_slow_down(*await _release(ian, sitting_id, code), "this sitting")
    assert await _sealed(ivy, sitting_id)
    clock.advance(wait - 5)
    _is_slow_down(*await _release(ian, sitting_id, code.lower()), "this sitting")
    assert await _sealed(ivy, sitting_id)

    clock.advance(5)
    status, shown, _ = await _release(ian, sitting_id, code)
    assert status == 200 and shown["sealed"] is False, shown
    refused = _refusals(config)
    assert len(refused) == 1 + FAILURES + 3
    assert [r["by"] for r in refused[-3:]] == ["ivy", "ian", "ian"]
    assert all("Too many wrong release codes" in r["reason"] for r in refused[-3:])


async def test_one_member_of_staff_guessing_across_sittings_is_stopped(
        aiohttp_client, tmp_path, clock):
    config = make_hall(tmp_path / "hall", security__release_code_failures=FAILURES,
                       security__release_code_lockout_seconds=LOCKOUT)
    first, second = new_code(), new_code()
    morning = sealed_sitting(config, first, "morning", "SEALED1", ("C0001", "C0002"))
    afternoon = sealed_sitting(config, second, "afternoon", "SEALED2", ("C0003", "C0004"))
    ivy, ian = await _invigilators(aiohttp_client, config, clock)

    for sitting_id, code in ((morning, first), (morning, first), (afternoon, second)):
        assert (await _release(ivy, sitting_id, _other_code(code)))[0] == 422
    # Ivy's allowance is spent; the afternoon's is not: Ian opens it, Ivy may not.
    _is_slow_down(*await _release(ivy, afternoon, second), "from you")
    assert await _sealed(ian, afternoon)
    status, shown, _ = await _release(ian, afternoon, second)
    assert status == 200 and shown["sealed"] is False
    status, shown, _ = await _release(ian, morning, first)
    assert status == 200 and shown["sealed"] is False

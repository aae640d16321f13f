"""What the central refuses, and what it answers to a replay: crafted batches made from a real
hall's log and key, posted to a real central. Each case ends by healing with a real `syncd once`
and checking that the central equals the hall, with nothing duplicated."""

from __future__ import annotations

import json

import pytest

from syncd.protocol import Base
from tests.sync.conftest import assert_converged, enroll, sync_hall
from tests.sync.crafting import events_of, first_base, rechained, signed
from tests.sync.processes import hall_toml, syncd, syncd_ok
from tests.sync.traffic import exam_traffic, hall_chain, hall_in_process

pytestmark = pytest.mark.slow
BATCH = "/v1/sync/batch"


@pytest.fixture
async def hall(tmp_path, shared_central):
    """A hall with a log of a few dozen events, enrolled at the shared central, not yet synced."""
    config = sync_hall(tmp_path / "hall", shared_central, candidates=4)
    async with hall_in_process(config) as url:
        await exam_traffic(url, count=4, saves=6, complete_share=0.5, seed=7)
    return config


def _hall_id(config) -> str:
    return json.loads(syncd_ok("status", "--config", hall_toml(config), "--json"))["hall_id"]


async def _central_id(api) -> str:
    return (await api.get("/healthz"))["central_id"]


async def _snapshot(api, hall_id):
    return await api.hall(hall_id), await api.line(hall_id), await api.sessions(hall_id)


def _same(before, after) -> None:
    (hall_a, line_a, sessions_a), (hall_b, line_b, sessions_b) = before, after
    keep = ("epoch", "high_water_mark", "events_stored", "sessions", "last_sync_at")
    assert {k: hall_a[k] for k in keep} == {k: hall_b[k] for k in keep}
    assert line_a == line_b and sessions_a == sessions_b


async def test_a_replayed_batch_gets_the_same_answer_and_changes_nothing(hall, shared_central):
    api, hall_id = shared_central.api(), _hall_id(hall)
    raw = signed(hall, await _central_id(api), events_of(hall, 1, 10), base=first_base())
    first = await api.post(BATCH, raw)
    assert first[0] == 200 and first[1]["high_water_mark"] == 10
    before = await _snapshot(api, hall_id)
    for _ in range(3):
        assert await api.post(BATCH, raw) == first
    _same(before, await _snapshot(api, hall_id))
    syncd_ok("once", "--config", hall_toml(hall))
    await assert_converged(api, hall, hall_id)
    assert (await api.hall(hall_id))["events_stored"] == len(hall_chain(hall))


async def test_a_batch_with_one_byte_changed_is_refused(hall, shared_central):
    api, hall_id = shared_central.api(), _hall_id(hall)
    raw = signed(hall, await _central_id(api), events_of(hall, 1, 12), base=first_base())
    before = await _snapshot(api, hall_id)
    for where, marker, shift in [("event body", b"answers_saved", -2),
                                 ("signature", b'"signature":"', 0), ("digest", b'"digest":"', 0),
                                 ("hall id", b'"hall_id":"', 0), ("seq", b'"last_seq":1', 0)]:
        at = raw.index(marker) + len(marker) + shift
        changed = raw[:at] + bytes([raw[at] ^ 0x01]) + raw[at + 1:]
        assert changed != raw and len(changed) == len(raw)
        status, answer = await api.post(BATCH, changed)
        assert status in (400, 401, 403), f"{where}: {answer}"
        assert set(answer) == {"error"} and {"code", "message"} <= set(answer["error"])
        _same(before, await _snapshot(api, hall_id))
    assert (await api.post(BATCH, raw))[0] == 200
    syncd_ok("once", "--config", hall_toml(hall))
    await assert_converged(api, hall, hall_id)


async def test_a_gap_gets_the_high_water_mark_back(hall, shared_central):
    api, hall_id = shared_central.api(), _hall_id(hall)
    central_id = await _central_id(api)
    assert (await api.post(BATCH, signed(hall, central_id, events_of(hall, 1, 5),
                                         base=first_base())))[0] == 200
    before = await _snapshot(api, hall_id)
    status, answer = await api.post(BATCH, signed(hall, central_id, events_of(hall, 7, 9)))
    assert status == 409 and answer["error"]["code"] == "gap"
    assert answer["error"]["high_water_mark"] == 5 and answer["error"]["epoch"] == 1
    _same(before, await _snapshot(api, hall_id))
    syncd_ok("once", "--config", hall_toml(hall))
    await assert_converged(api, hall, hall_id)


async def test_a_fork_stops_the_stream_flags_the_hall_and_heals_in_a_new_epoch(
        hall, shared_central):
    api, hall_id = shared_central.api(), _hall_id(hall)
    syncd_ok("once", "--config", hall_toml(hall))
    last = len(hall_chain(hall))
    other_history = rechained(events_of(hall, last - 2, last), b'"forged":1,')
    status, answer = await api.post(BATCH, signed(hall, await _central_id(api), other_history))
    assert status == 409 and answer["error"]["code"] == "fork", answer
    row = await api.hall(hall_id)
    assert row["status"] == "alarm" and "fork in epoch 1" in row["alarm"]
    async with hall_in_process(hall) as url:  # the hall goes on writing in epoch 1
        await exam_traffic(url, count=4, saves=2, complete_share=0.0, seed=8)
    code, output = syncd("once", "--config", hall_toml(hall), timeout=60)
    assert code != 0 and "Restart `hall serve`" in output, output
    request = json.loads((hall.base_dir / "sync" / "epoch-request.json").read_text())
    assert request["hall_epoch"] == 1
    async with hall_in_process(hall) as url:  # restarted: epoch 2 begins
        await exam_traffic(url, count=4, saves=1, complete_share=0.0, seed=9)
    syncd_ok("once", "--config", hall_toml(hall))
    await assert_converged(api, hall, hall_id)
    assert (await api.hall(hall_id))["epoch"] == 2
    assert not (hall.base_dir / "sync" / "epoch-request.json").exists()


async def test_a_batch_for_another_hall_or_another_central_is_refused(
        hall, shared_central, tmp_path):
    api, hall_id = shared_central.api(), _hall_id(hall)
    other = sync_hall(tmp_path / "other", shared_central, candidates=1)
    other_id = _hall_id(other)
    central_id = await _central_id(api)
    before = await _snapshot(api, hall_id), await _snapshot(api, other_id)
    status, answer = await api.post(BATCH, signed(hall, central_id, events_of(hall, 1, 4),
                                                  base=first_base(), hall_id=other_id))
    assert status == 401 and answer["error"]["code"] == "bad_signature"
    status, answer = await api.post(BATCH, signed(hall, "f" * 32, events_of(hall, 1, 4),
                                                  base=first_base()))
    assert status == 403 and answer["error"]["code"] == "wrong_central"
    status, answer = await api.post(BATCH, signed(hall, central_id, events_of(hall, 1, 4),
                                                  base=first_base(), hall_id="no-such-hall"))
    assert status == 403 and answer["error"]["code"] == "not_enrolled"
    assert (await _snapshot(api, hall_id), await _snapshot(api, other_id)) == before
    syncd_ok("once", "--config", hall_toml(hall))
    await assert_converged(api, hall, hall_id)


async def test_a_revoked_key_is_refused_until_the_hall_is_enrolled_again(hall, shared_central):
    api, hall_id = shared_central.api(), _hall_id(hall)
    central_toml = str(shared_central.directory / "central.toml")
    syncd_ok("central", "revoke-hall", hall_id, "--config", central_toml)
    code, output = syncd("once", "--config", hall_toml(hall), timeout=60)
    assert code != 0 and "revoked" in output, output
    status = json.loads(syncd_ok("status", "--config", hall_toml(hall), "--json"))
    assert "revoked" in status["last_error"]
    assert (await api.hall(hall_id))["state"] == "revoked"
    assert await api.line(hall_id) == []
    enroll(hall, shared_central.directory)
    syncd_ok("once", "--config", hall_toml(hall))
    await assert_converged(api, hall, hall_id)


async def test_a_new_epoch_must_branch_off_history_the_central_holds(hall, shared_central):
    api, hall_id = shared_central.api(), _hall_id(hall)
    central_id = await _central_id(api)
    syncd_ok("once", "--config", hall_toml(hall))
    last = len(hall_chain(hall))
    before = await _snapshot(api, hall_id)
    wrong_base = Base(1, last, bytes(32))
    events = rechained(events_of(hall, last, last), b'"x":1,')
    status, answer = await api.post(BATCH, signed(hall, central_id, events, epoch=2,
                                                  base=Base(1, last - 1, events[0].prev_hash)))
    assert status == 200  # a branch off event last-1, which the central holds: accepted
    assert (await api.hall(hall_id))["epoch"] == 2
    status, answer = await api.post(BATCH, signed(hall, central_id, events_of(hall, last, last),
                                                  epoch=3, base=wrong_base))
    assert status == 400, answer
    del before

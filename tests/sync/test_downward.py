"""The downward half: what the central publishes for a hall reaches it by `syncd once`, checked
and applied once in one transaction; changed bytes, another hall's items, a revoked hall and a
sitting already started are all refused. Real centrals and halls, through their CLIs."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from examkit.chain import canonical
from hallserver.cli.common import data_key, open_database
from hallserver.clock import iso
from hallserver.domain.log.events import read_events
from syncd.downlink import DownRequest, encode_request
from syncd.signing import load_signing_key
from tests.halls import EXAM, add_staff_member
from tests.serving import ServedHall, log_in
from tests.sync.conftest import sync_hall
from tests.sync.processes import SyncdProcess, eventually, hall_toml, syncd, syncd_ok
from tests.sync.proxy import FaultProxy

pytestmark = pytest.mark.slow

BANK_EXAM = {**EXAM, "id": "PHY201", "title": "Physics",
             "questions": [{**q, "text": f"Physics question {q['id']}: {q['text']}"}
                           for q in EXAM["questions"]] * 1}
CANDIDATES = "registration_number,name\nP-001,Ada Obi\nP-002,Bola Ade\nP-003,Chi Eze\n"
CENTRAL_KEY = re.compile(r"central key \(halls learn it with `syncd enroll --central-key`\): "
                         r"([0-9a-f]{64})")


def _central_toml(central) -> str:
    return str(central.directory / "central.toml")


def _bank(tmp_path: Path, central, exam: dict = BANK_EXAM) -> dict[str, str]:
    """The exam and its candidates in the central's bank, PINs made there; {reg: PIN}."""
    config = _central_toml(central)
    exam_file, csv_file = tmp_path / "bank-exam.json", tmp_path / "bank-candidates.csv"
    exam_file.write_text(json.dumps(exam), encoding="utf-8")
    csv_file.write_text(CANDIDATES, encoding="utf-8")
    syncd_ok("central", "exam", "import", str(exam_file), "--config", config)
    syncd_ok("central", "candidates", "import", str(csv_file), "--exam", exam["id"],
             "--config", config)
    syncd_ok("central", "candidates", "pins", "--exam", exam["id"], "--config", config)
    slips = tmp_path / "slips.html"
    syncd_ok("central", "candidates", "slips", "--exam", exam["id"], "-o", str(slips),
             "--config", config)
    text = slips.read_text(encoding="utf-8")
    return {reg: re.search(rf"{reg}.*?(\d{{6}})", text, re.S).group(1)
            for reg in ("P-001", "P-002", "P-003")}


def _down_hall(tmp_path: Path, central, name: str = "hall", url: str | None = None):
    """A hall enrolled at the central that learned the central's key (as `enroll-hall` prints
    it); (config, hall_id)."""
    config = sync_hall(tmp_path / name, central, url=url, candidates=2)
    info = json.loads(syncd_ok("enroll", "--json", "--config", hall_toml(config)))
    printed = syncd_ok("central", "enroll-hall", info["hall_id"], info["public_key"],
                       "--config", _central_toml(central))
    syncd_ok("enroll", "--central-key", CENTRAL_KEY.search(printed).group(1),
             "--config", hall_toml(config))
    return _reload(config), info["hall_id"]


def _reload(config):
    from hallserver.config import load
    return load(config.base_dir / "hall.toml")


def _publish(central, hall_id: str, *extra: str) -> str:
    out = syncd_ok("central", "sitting", "create", "--hall", hall_id, "--exam", BANK_EXAM["id"],
                   "--starts", iso(time.time() + 600), "--json", *extra,
                   "--config", _central_toml(central))
    return json.loads(out)["id"]


def _csv(tmp_path: Path, *numbers: str) -> Path:
    path = tmp_path / "sitting-candidates.csv"
    path.write_text("registration_number\n" + "".join(f"{n}\n" for n in numbers),
                    encoding="utf-8")
    return path


def _hall_sittings(config) -> list[dict]:
    return json.loads(_hall_cli("sitting", "list", "--json", "--config", hall_toml(config)))


def _hall_cli(*args: str) -> str:
    import subprocess
    import sys
    done = subprocess.run([str(Path(sys.executable).parent / "hall"), *args],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _applied_events(config) -> list[dict]:
    with open_database(config).connect() as connection:
        from hallserver.db import migrate
        hall_id, _ = migrate.read_identity(connection)
        return [e.body for e in read_events(connection, data_key(config), hall_id)
                if e.kind == "central_item_applied"]


def _sittings_at_central(central, hall_id: str) -> list[dict]:
    return json.loads(syncd_ok("central", "sitting", "list", "--hall", hall_id, "--json",
                               "--config", _central_toml(central)))["sittings"]


async def started_with_an_answer(hall: ServedHall, sitting_id: str, pin: str):
    """Ivy (an invigilator, added) logs in, P-001 logs in with `pin`, Ivy starts the sitting and
    P-001 saves an answer (1: B); (staff, candidate) clients, to close."""
    staff, candidate = hall.client(), hall.client()
    async with staff.post("/staff/login", json={"name": "ivy", "password": "ivy-password"}) as r:
        assert r.status == 200
    await log_in(candidate, "P-001", pin)
    async with staff.post(f"/staff/sittings/{sitting_id}/start") as r:
        assert r.status == 200, await r.text()
    async with candidate.post(f"/student/exam/{BANK_EXAM['id']}/session/save", json={
            "answers": {"1": "B"}, "current_question": 1, "device_seq": 1}) as r:
        assert r.status == 200, await r.text()
    return staff, candidate


async def test_a_sitting_published_at_the_central_is_sat_at_the_hall_and_reported_back(
        tmp_path, central):
    pins = _bank(tmp_path, central)
    config, hall_id = _down_hall(tmp_path, central)
    sitting_id = _publish(central, hall_id, "--candidates", str(_csv(tmp_path, "P-001")))
    assert not _sittings_at_central(central, hall_id)[0]["received"]
    output = syncd_ok("once", "--config", hall_toml(config), "--timeout", "60")
    assert "3 item(s) applied" in output, output
    found = {s["id"]: s for s in _hall_sittings(config)}
    assert found[sitting_id]["exams"] == [BANK_EXAM["id"]]
    assert [e["item_kind"] for e in _applied_events(config)] == ["exam", "candidates", "sitting"]
    assert _sittings_at_central(central, hall_id)[0]["received"]
    status = json.loads(syncd_ok("status", "--json", "--config", hall_toml(config)))
    assert status["down_mark"] == 3 and status["down"]["refused"] is None
    # Nothing twice: a second run applies nothing.
    assert "0 item(s) applied" in syncd_ok("once", "--config", hall_toml(config))
    assert len(_applied_events(config)) == 3

    add_staff_member(config, "ivy", "invigilator", "ivy-password")
    with ServedHall(config) as hall:
        staff, candidate = await started_with_an_answer(hall, sitting_id, pins["P-001"])
        paper = f"/student/exam/{BANK_EXAM['id']}"
        async with candidate.post(paper + "/session/complete",
                                  json={"final_answers": {"1": "B", "2": "B"},
                                        "time_spent": 60}) as r:
            assert r.status == 200, await r.text()
        await staff.close()
        await candidate.close()
        hall.stop()
    syncd_ok("once", "--config", hall_toml(config), "--timeout", "60")
    sessions = await central.api().sessions(hall_id)
    done = [s for s in sessions.values() if s["registration_number"] == "P-001"]
    assert done and done[0]["state"] == "completed" and done[0]["exam_id"] == BANK_EXAM["id"]
    assert _sittings_at_central(central, hall_id)[0]["state"] == "started"
    assert done[0]["score"] == 2
    # A corrected key (question 1's answer is A) reaches the hall, which rescores; the new
    # result comes back up.
    fixed = {**BANK_EXAM, "questions": [{**q, "answer": "A"} if q["id"] == "1" else q
                                        for q in BANK_EXAM["questions"]]}
    fixed_file = tmp_path / "fixed.json"
    fixed_file.write_text(json.dumps(fixed), encoding="utf-8")
    assert "sent to 1 hall(s)" in syncd_ok("central", "exam", "correct-key", str(fixed_file),
                                           "--config", _central_toml(central))
    assert "1 item(s) applied" in syncd_ok("once", "--config", hall_toml(config))
    syncd_ok("once", "--config", hall_toml(config))   # the rescored result goes up
    rescored = [s for s in (await central.api().sessions(hall_id)).values()
                if s["registration_number"] == "P-001"]
    assert rescored[0]["score"] == 1
    assert "1 of 1 result(s) rescored" in _applied_events(config)[-1]["outcome"]
    # A second sitting of the same exam: the exam (begun here) is not sent again; a candidate
    # still in the first is refused at the central, before anything is published.
    code, output = syncd("central", "sitting", "create", "--hall", hall_id, "--exam",
                         BANK_EXAM["id"], "--starts", iso(time.time() + 900), "--candidates",
                         str(_csv(tmp_path, "P-001", "P-002")), "--config", _central_toml(central))
    assert code != 0 and "already sit" in output
    second = _publish(central, hall_id, "--candidates", str(_csv(tmp_path, "P-002", "P-003")))
    assert "2 item(s) applied" in syncd_ok("once", "--config", hall_toml(config))
    assert [e["item_kind"] for e in _applied_events(config)][4:] == ["candidates", "sitting"]
    assert second in {s["id"] for s in _hall_sittings(config)}
    # Started at the hall: the central can no longer change it (409 sitting_started).
    code, output = syncd("central", "sitting", "change", sitting_id, "--name", "Renamed",
                         "--config", _central_toml(central))
    assert code != 0 and "can no longer be changed" in output
    status, answer = await central.api().post_json(f"/api/sittings/{sitting_id}/change",
                                                   {"name": "Renamed"})
    assert status == 409 and answer["error"]["code"] == "sitting_started"


BIG_EXAM = {**BANK_EXAM, "questions": [
    {**q, "id": str(n), "text": f"Physics question {n}, long enough to matter: " + "x" * 200}
    for n, q in enumerate(EXAM["questions"] * 10, start=1)]}


async def test_a_download_cut_midway_is_finished_by_the_next_run_and_applied_once(
        tmp_path, central):
    _bank(tmp_path, central, BIG_EXAM)
    proxy = FaultProxy(central.port)
    try:
        config, hall_id = _down_hall(tmp_path, central,
                                     url=f"{central.scheme}://{proxy.url_host}")
        syncd_ok("once", "--config", hall_toml(config))   # nothing to fetch yet
        _publish(central, hall_id)
        proxy.set(cut_download_after=20_000)   # past the handshake and hello, inside the package
        code, output = syncd("once", "--config", hall_toml(config), "--timeout", "4")
        assert code != 0, output
        assert proxy.counters.resets > 0
        assert _applied_events(config) == [] and _hall_sittings(config) == []
        proxy.heal()
        assert "3 item(s) applied" in syncd_ok("once", "--config", hall_toml(config))
        assert "0 item(s) applied" in syncd_ok("once", "--config", hall_toml(config))
        assert [e["seq"] for e in _applied_events(config)] == [1, 2, 3]
        assert len(_hall_sittings(config)) == 1
    finally:
        proxy.close()


def _down_request(config, hall_id: str, after: int = 0, max_items: int = 200) -> bytes:
    request = DownRequest(hall_id, after, max_items, 4 << 20, 1790000000.0)
    return encode_request(request, load_signing_key(config.secrets_dir))


async def _post_raw(central, path: str, raw: bytes) -> tuple[int, bytes]:
    import aiohttp
    ssl = aiohttp.Fingerprint(bytes.fromhex(central.fingerprint)) if central.fingerprint else False
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=ssl)) as client:
        async with client.post(central.url + path, data=raw) as response:
            return response.status, await response.read()


async def test_packages_are_bounded_signed_and_the_same_bytes_for_the_same_request(
        tmp_path, central):
    _bank(tmp_path, central)
    config, hall_id = _down_hall(tmp_path, central)
    _publish(central, hall_id)
    first = await _post_raw(central, "/v1/sync/down", _down_request(config, hall_id, 0, 2))
    again = await _post_raw(central, "/v1/sync/down", _down_request(config, hall_id, 0, 2))
    assert first[0] == 200 and first == again
    package = json.loads(first[1])
    assert [i["kind"] for i in package["items"]] == ["exam", "candidates"] and package["more"]
    last = json.loads((await _post_raw(central, "/v1/sync/down",
                                       _down_request(config, hall_id, 2)))[1])
    assert [i["seq"] for i in last["items"]] == [3] and last["more"] is False
    candidates = json.loads(package["items"][1]["body"])["candidates"]
    assert all(c["pin_hash"].startswith("scrypt$") and "pin" not in c for c in candidates)
    nothing = json.loads((await _post_raw(central, "/v1/sync/down",
                                          _down_request(config, hall_id, 3)))[1])
    assert nothing == {"version": 1, "type": "nothing"}


async def test_a_package_with_one_byte_changed_is_refused_and_nothing_applied(tmp_path, central):
    from aiohttp import web
    import aiohttp
    _bank(tmp_path, central)
    ssl = aiohttp.Fingerprint(bytes.fromhex(central.fingerprint)) if central.fingerprint else False
    changed: list[str] = []

    async def forward(request: web.Request) -> web.Response:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=ssl)) as client:
            async with client.post(central.url + request.path, data=await request.read()) as r:
                body, status = await r.read(), r.status
        if request.path == "/v1/sync/down" and b"Ada Obi" in body:
            body = body.replace(b"Ada Obi", b"Ada Obj", 1)  # one byte
            changed.append(request.path)
        return web.Response(body=body, status=status, content_type="application/json")

    app = web.Application()
    app.router.add_post("/{tail:.*}", forward)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        config, hall_id = _down_hall(tmp_path, central, url=f"http://127.0.0.1:{port}")
        _publish(central, hall_id)
        import asyncio
        code, output = await asyncio.to_thread(syncd, "once", "--config", hall_toml(config),
                                               "--timeout", "30")
        assert changed and code != 0 and "refused" in output and "signature" in output, output
        assert _applied_events(config) == [] and _hall_sittings(config) == []
        status = json.loads(syncd_ok("status", "--json", "--config", hall_toml(config)))
        assert status["down_mark"] == 0 and "signature" in status["down"]["refused"]
    finally:
        await runner.cleanup()


async def test_a_revoked_hall_gets_nothing_and_no_hall_gets_another_halls_sittings(
        tmp_path, central):
    _bank(tmp_path, central)
    config_a, hall_a = _down_hall(tmp_path, central, "hall-a")
    config_b, hall_b = _down_hall(tmp_path, central, "hall-b")
    _publish(central, hall_a)
    assert "0 item(s) applied" in syncd_ok("once", "--config", hall_toml(config_b))
    assert _hall_sittings(config_b) == [] and _applied_events(config_b) == []
    # B signs a request for A's outbox: its key is not A's.
    status, body = await _post_raw(central, "/v1/sync/down", _down_request(config_b, hall_a))
    assert status == 401 and json.loads(body)["error"]["code"] == "bad_signature"

    syncd_ok("central", "revoke-hall", hall_a, "--config", _central_toml(central))
    status, body = await _post_raw(central, "/v1/sync/down", _down_request(config_a, hall_a))
    assert status == 403 and json.loads(body)["error"]["code"] == "revoked"
    code, output = syncd("once", "--config", hall_toml(config_a), "--timeout", "30")
    assert code != 0 and "revoked" in output
    assert _hall_sittings(config_a) == [] and _applied_events(config_a) == []
    # Nor can anything more be published to it.
    code, output = syncd("central", "sitting", "create", "--hall", hall_a, "--exam",
                         BANK_EXAM["id"], "--starts", iso(time.time() + 600),
                         "--config", _central_toml(central))
    assert code != 0 and "revoked" in output


async def test_syncd_run_fetches_what_is_published_while_it_runs_and_acknowledges_it(
        tmp_path, central):
    _bank(tmp_path, central)
    config, hall_id = _down_hall(tmp_path, central)
    daemon = SyncdProcess("run", "--config", hall_toml(config))
    try:
        sitting_id = _publish(central, hall_id)

        async def received() -> bool:
            found = await central.api().get(f"/api/sittings?hall_id={hall_id}")
            return any(s["received"] for s in found["sittings"])
        await eventually(received, timeout=60, what="the hall's acknowledgement")
        assert [s["id"] for s in _hall_sittings(config)] == [sitting_id]
        listed = syncd_ok("central", "halls", "--config", _central_toml(central))
        assert "received 3/3 item(s)" in listed
    finally:
        daemon.stop()
    assert [e["seq"] for e in _applied_events(config)] == [1, 2, 3]

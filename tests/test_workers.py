"""The hall on two worker processes: faults in either kind of process, and one hall as seen from outside.

Every test runs a real `hall serve` over HTTPS with `[server] workers = 2`: the core process (the
`hall serve` process itself) and two workers that take the PCs' TLS (hallserver/processes); the
last runs the default, one worker per core. (Other tests' halls pin `workers = 1`: tests/halls.py.)
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import time
from pathlib import Path

import aiohttp
import pytest

from tests.halls import candidate_rows, make_hall
from tests.serving import ServedHall, log_in
from tests.test_kill9 import (
    PAPER, SAVE, Sitting, assert_database_is_sound, assert_every_acknowledged_save_is_there,
    restored_sessions, save_body,
)

pytestmark = pytest.mark.slow

CANDIDATES = 24
RELAY = "hallserver.processes.relay"


def workers_of(pid: int) -> list[int]:
    """The process ids of a `hall serve` process's workers (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid and RELAY in command:
            found.append(int(entry.name))
    return sorted(found)


async def until(condition, what: str, timeout: float = 30.0,
                beside: asyncio.Future | None = None) -> None:
    """Waits for `condition()` to hold, with a deadline; fails at once if `beside` fails."""
    deadline = time.monotonic() + timeout
    while not condition():
        if beside is not None and beside.done():
            beside.result()  # raises what stopped it
            raise AssertionError(f"{what}: the candidates stopped saving")
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        await asyncio.sleep(0.02)


class Stream:
    """Candidates saving one after another, retrying a save whose connection broke, as pages do."""

    def __init__(self, served: ServedHall) -> None:
        self.served = served
        self.sittings = [Sitting(r, p) for r, _, p in candidate_rows(CANDIDATES)]
        self.acknowledged = 0
        self.retried = 0
        self.stop = asyncio.Event()

    async def _one(self, sitting: Sitting) -> None:
        async with self.served.client() as client:
            await log_in(client, sitting.registration_number, sitting.pin)
            async with client.get(PAPER) as response:
                assert response.status == 200, await response.text()
            k = 0
            while not self.stop.is_set():
                k += 1
                body = save_body(k)
                sitting.in_flight = body
                while True:
                    try:
                        async with client.post(SAVE, json=body) as response:
                            status, answer = response.status, await response.json()
                        break
                    except (aiohttp.ClientError, asyncio.TimeoutError):
                        self.retried += 1  # the page keeps it in its journal and sends it again
                        if self.stop.is_set():
                            return
                        await asyncio.sleep(0.05)
                if status != 200:
                    sitting.refused.append((status, answer))
                    if status != 503:  # 503 is the hall restarting: sent again like the rest
                        return
                    await asyncio.sleep(0.05)
                    continue
                sitting.acknowledge(body, answer)
                self.acknowledged += 1

    def run(self) -> asyncio.Task:
        return asyncio.ensure_future(asyncio.gather(*(self._one(s) for s in self.sittings)))


async def test_a_killed_worker_is_started_again_and_no_acknowledged_save_is_lost(tmp_path):
    config = make_hall(tmp_path / "hall", candidates=CANDIDATES, tls=True, server__workers=2)
    with ServedHall(config) as served:
        stream = Stream(served)
        running = stream.run()
        await until(lambda: stream.acknowledged >= 300, "saves before the kill", beside=running)
        before = workers_of(served.process.pid)
        assert len(before) == 2
        os.kill(before[0], signal.SIGKILL)
        at_kill = stream.acknowledged
        await until(lambda: len(set(workers_of(served.process.pid)) - set(before)) == 1,
                    "a new worker in the killed one's place")
        await until(lambda: stream.acknowledged >= at_kill + 300, "saves after the kill", beside=running)
        stream.stop.set()
        await running
        served.stop()
    assert "worker 1 stopped" in served.output or "worker 2 stopped" in served.output
    assert not [s.refused for s in stream.sittings if any(c != 503 for c, _ in s.refused)]

    with ServedHall(config) as served:
        restored = await restored_sessions(served, stream.sittings)
        served.stop()
    assert_every_acknowledged_save_is_there(stream.sittings, restored)
    assert_database_is_sound(config)


async def test_when_the_core_is_killed_the_workers_stop_too_and_nothing_acknowledged_is_lost(tmp_path):
    config = make_hall(tmp_path / "hall", candidates=CANDIDATES, tls=True, server__workers=2)
    with ServedHall(config) as served:
        workers = workers_of(served.process.pid)
        assert len(workers) == 2
        stream = Stream(served)
        running = stream.run()
        await until(lambda: stream.acknowledged >= 500, "saves before the kill", beside=running)
        served.kill9()
        # No worker carries on alone: each sees the core gone and stops (never half-alive).
        await until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers),
                    "the workers stopping after the core")
        stream.stop.set()
        await running
    with ServedHall(config) as served:
        restored = await restored_sessions(served, stream.sittings)
        served.stop()
    assert_every_acknowledged_save_is_there(stream.sittings, restored)
    assert_database_is_sound(config)


def _requests_counted(metrics: str, route: str) -> float:
    pattern = re.compile(r'^examhall_requests_total\{([^}]*)\} ([0-9.e+]+)$', re.M)
    return sum(float(value) for labels, value in pattern.findall(metrics)
               if f'route="{route}"' in labels)


async def test_two_workers_serve_one_hall_the_console_and_metrics_see_every_request(tmp_path):
    from tests.halls import add_staff_member
    config = make_hall(tmp_path / "hall", candidates=CANDIDATES, tls=True, server__workers=2)
    add_staff_member(config, "ada", "admin", "ada-password")
    with ServedHall(config) as served:
        async with served.client() as console:
            async with console.post("/staff/login", json={"name": "ada",
                                                          "password": "ada-password"}) as r:
                assert r.status == 200
            async with console.get("/metrics") as r:
                first = await r.text()
            # Every candidate on connections of their own, so the kernel spreads them.
            feed = await console.get("/staff/live")
            seen: set[str] = set()

            async def read_feed() -> None:
                async for line in feed.content:
                    text = line.decode().strip()
                    if not text.startswith("data:"):
                        continue
                    row = json.loads(text[5:])
                    if isinstance(row, dict) and row.get("answered") == 1:
                        seen.add(row["registration_number"])

            reader = asyncio.ensure_future(read_feed())
            for registration, _, pin in candidate_rows(CANDIDATES):
                async with served.client() as pc:
                    await log_in(pc, registration, pin)
                    async with pc.get(PAPER) as r:
                        assert r.status == 200
                    async with pc.post(SAVE, json={"answers": {"1": "B"}}) as r:
                        assert r.status == 200
            await until(lambda: len(seen) == CANDIDATES, "every save on the console's feed")
            reader.cancel()
            feed.close()
            async with console.get("/metrics") as r:
                second = await r.text()
            async with console.get("/admin/performance") as r:
                workers = (await r.json())["workers"]
    login_route = "/student/login"
    assert _requests_counted(second, login_route) - _requests_counted(first, login_route) == CANDIDATES
    assert workers["count"] == 2
    carried = workers["connections"]
    assert set(carried) == {"1", "2"} and all(n > 0 for n in carried.values()), carried


@pytest.mark.parametrize("workers", [1, 2])
async def test_sessions_leases_and_the_clock_behave_the_same_on_one_or_two_workers(tmp_path, workers):
    config = make_hall(tmp_path / "hall", tls=True, server__workers=workers)
    with ServedHall(config) as served:
        async with served.client() as first_pc, served.client() as second_pc:
            await log_in(first_pc, "C0001", "1001")
            async with first_pc.get(PAPER) as r:
                paper = await r.json()
            assert paper["session"]["time_remaining"] == pytest.approx(3600, abs=5)
            async with first_pc.post(SAVE, json={"answers": {"1": "B"}, "device_seq": 1}) as r:
                assert (await r.json())["revision"] == 1
            await log_in(second_pc, "C0001", "1001")  # the exam moves to the second PC
            async with first_pc.post(SAVE, json={"answers": {"2": "A"}, "device_seq": 2}) as r:
                assert r.status == 409 and (await r.json())["error"]["code"] == "lease_lost"
            async with second_pc.get(PAPER + "/session/restore") as r:
                restored = await r.json()
            assert restored["session_data"]["answers"] == {"1": "B"}
            async with second_pc.get(PAPER + "/session/clock") as r:
                clock = await r.json()
            assert clock["lease_held"] is True and clock["time_remaining"] <= 3600
            async with second_pc.post(PAPER + "/session/complete", json={}) as r:
                assert (await r.json())["completed"] is True
            async with second_pc.post(SAVE, json={"answers": {"3": "C"}}) as r:
                assert r.status == 409 and (await r.json())["error"]["code"] == "session_completed"
        served.stop()


async def test_a_hall_as_init_writes_it_runs_a_worker_per_core_and_ctrl_c_stops_them_all(tmp_path):
    """Without `[server] workers` set, an HTTPS hall runs one worker per core it may use (the
    banner says how many), and Ctrl+C (SIGINT to the core and its workers, as a terminal sends
    it) stops every process cleanly."""
    config = make_hall(tmp_path / "hall", tls=True)
    path = config.base_dir / "hall.toml"
    path.write_text("".join(line for line in path.read_text(encoding="utf-8").splitlines(True)
                            if not line.startswith("workers =")), encoding="utf-8")
    cores = len(os.sched_getaffinity(0))
    with ServedHall(config) as served:
        workers = workers_of(served.process.pid)
        assert len(workers) == (cores if cores > 1 else 0)
        banner = served.wait_for_line(r'hall "Test Hall" is serving(.*)$').group(1)
        assert banner == (f" ({cores} worker processes)" if cores > 1 else "")
        async with served.client() as pc:
            await log_in(pc, "C0001", "1001")
            async with pc.get(PAPER) as r:
                assert r.status == 200
            async with pc.post(SAVE, json={"answers": {"1": "B"}}) as r:
                assert r.status == 200
        for pid in (served.process.pid, *workers):
            os.kill(pid, signal.SIGINT)
        assert served.wait() == 0, served.output
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    assert "stopping; finishing saves in progress" in served.output
    assert "Traceback" not in served.output, served.output

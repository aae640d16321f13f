"""Jobs that share one transaction of the write path see each other's staged changes.

The write path runs every job waiting in one transaction (group commit). A job that starts a session
and a job that pauses the whole hall may therefore land in the same batch, in either order; so may
a candidate's login on a new PC and the start of that candidate's session on the old one. Each test
holds the writer inside a first transaction until both requests are queued behind it, so the two
land in one batch for certain, then checks the outcome a candidate would notice.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest

from hallserver.keys import CONFIG, EXAMS, STORAGE
from hallserver.runtime import Storage
from tests.conftest import login
from tests.test_staff import CLOCK, hall_app, staff_login, staffed_hall  # noqa: F401 (fixtures)

PAPER = "/student/exam/MTH101"


class HeldWriter:
    """Keeps the writer waiting on SQLite's write lock until the requests under test are queued.

    Another connection holds the database's write lock; the writer takes a first, empty job and
    waits for the lock (in its driver's thread: the event loop stays free), so every request sent
    meanwhile queues behind it and goes into the next transaction together.
    """

    def __init__(self, storage: Storage, database_path: Path) -> None:
        self._storage = storage
        self._lock = sqlite3.connect(database_path, isolation_level=None)
        self._first: asyncio.Task | None = None

    async def __aenter__(self) -> HeldWriter:
        self._lock.execute("BEGIN IMMEDIATE")
        self._first = asyncio.create_task(self._storage.write(lambda *_job_arguments: None))
        await self.queued(0)
        return self

    async def queued(self, count: int) -> None:
        """Waits (with a deadline) until exactly `count` jobs wait behind the held one."""
        deadline = time.monotonic() + 10
        while self._storage.writer.waiting != count:
            assert time.monotonic() < deadline, f"{self._storage.writer.waiting} jobs queued"
            await asyncio.sleep(0.005)

    async def __aexit__(self, *_exc) -> None:
        self._lock.execute("ROLLBACK")
        self._lock.close()
        assert self._first is not None
        await self._first


@pytest.fixture
async def hall_and_staff(hall_app):  # noqa: F811 (the fixture imported above)
    await staff_login(hall_app, "ivy")
    return hall_app, hall_app.server.app


@pytest.mark.parametrize("first", ["pause", "start"])
async def test_a_session_started_in_the_batch_of_a_hall_pause_is_paused(
        hall_and_staff, aiohttp_client, first):
    staff, app = hall_and_staff
    candidate = await aiohttp_client(staff.server)
    await login(candidate)
    await app[EXAMS].exam("MTH101")  # the exam is cached, so the paper goes straight to the writer
    async with HeldWriter(app[STORAGE], app[CONFIG].database_path) as held:
        requests = {"pause": lambda: staff.post("/staff/hall/pause"),
                    "start": lambda: candidate.get(PAPER)}
        order = [first, "start" if first == "pause" else "pause"]
        one = asyncio.create_task(requests[order[0]]())
        await held.queued(1)
        two = asyncio.create_task(requests[order[1]]())
        await held.queued(2)
    responses = dict(zip(order, await asyncio.gather(one, two), strict=True))
    assert responses["pause"].status == 200 and responses["start"].status == 200
    state = await (await candidate.get(CLOCK)).json()
    assert state["paused"] is True, "a session started with the hall's pause escaped it"
    resumed = await (await staff.post("/staff/hall/resume")).json()
    assert resumed["sessions"] == 1


async def test_a_second_hall_pause_in_the_same_batch_is_refused(hall_and_staff, aiohttp_client):
    staff, app = hall_and_staff
    other = await aiohttp_client(staff.server)
    await staff_login(other, "ivy")
    async with HeldWriter(app[STORAGE], app[CONFIG].database_path) as held:
        one = asyncio.create_task(staff.post("/staff/hall/pause"))
        await held.queued(1)
        two = asyncio.create_task(other.post("/staff/hall/pause"))
        await held.queued(2)
    statuses = sorted(r.status for r in await asyncio.gather(one, two))
    assert statuses == [200, 409]


async def test_a_login_on_a_new_pc_takes_a_session_started_in_the_same_batch(
        hall_and_staff, aiohttp_client):
    staff, app = hall_and_staff
    old_pc = await aiohttp_client(staff.server)
    new_pc = await aiohttp_client(staff.server)
    await login(old_pc)
    await app[EXAMS].exam("MTH101")
    async with HeldWriter(app[STORAGE], app[CONFIG].database_path) as held:
        start = asyncio.create_task(old_pc.get(PAPER))
        await held.queued(1)
        moved = asyncio.create_task(login(new_pc))
        await held.queued(2)
    assert (await start).status == 200
    await moved
    # The login came after the start: the exam is on the new PC, and the old one may not save.
    refused = await old_pc.post(f"{PAPER}/session/save", json={"answers": {"1": "A"}})
    assert refused.status == 409, await refused.text()
    assert (await refused.json())["error"]["code"] == "lease_lost"
    assert (await new_pc.get(PAPER)).status == 200
    saved = await new_pc.post(f"{PAPER}/session/save", json={"answers": {"1": "B"}})
    assert saved.status == 200, await saved.text()

"""An acknowledged save survives `kill -9` and SIGTERM of a real `hall serve` process.

Many candidates, each on a browser of their own, stream saves at a real `hall serve` started
through its command line. Every save sets one answer to a value it alone writes, so the test knows
exactly what each acknowledged save put on disk. Once enough saves are acknowledged, with saves
still in flight, the server is killed (SIGKILL) or stopped (SIGTERM), restarted on the same
directory, and every candidate's session is restored and compared. Then the database file itself
is checked: integrity, a gap-free event sequence and a hash chain that verifies.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from hallserver.config import HallConfig
from examkit.sealing import DataKey
from hallserver.db import engine as engines
from hallserver.db import migrate
from hallserver.domain.log.events import verify_chain
from hallserver.runtime import DATA_KEY_FILE
from tests.halls import candidate_rows, make_hall
from tests.serving import ServedHall, log_in

pytestmark = pytest.mark.slow

CANDIDATES = 30
QUESTIONS = 20
LETTERS = "ABCD"
ACKED_BEFORE_FAULT = 900
PAPER = "/student/exam/MTH101"
SAVE = PAPER + "/session/save"
RESTORE = PAPER + "/session/restore"


def save_body(k: int) -> dict[str, Any]:
    """Save number k (from 1): one answer that no neighbouring save writes, and the position k."""
    question = str(k % QUESTIONS + 1)
    letter = LETTERS[(k // QUESTIONS) % len(LETTERS)]
    return {"answers": {question: letter}, "current_question": k, "device_seq": k}


@dataclass
class Sitting:
    """One candidate's stream of saves, and exactly what the hall acknowledged of it."""

    registration_number: str
    pin: str
    answers: dict[str, str] = field(default_factory=dict)
    current_question: int | None = None
    revision: int = 0
    acknowledged: int = 0
    in_flight: dict[str, Any] | None = None   # sent, never answered: may or may not be stored
    refused: list[tuple[int, Any]] = field(default_factory=list)
    ended_by: BaseException | None = None

    def acknowledge(self, body: dict[str, Any], answer: dict[str, Any]) -> None:
        """A 200: what this save wrote is now on disk."""
        assert answer["saved"] is True and answer["revision"] > self.revision, answer
        self.answers.update(body["answers"])
        self.current_question = body["current_question"]
        self.revision = answer["revision"]
        self.acknowledged += 1
        self.in_flight = None

    def possible_states(self) -> list[tuple[int, dict[str, str], int | None]]:
        """(revision, answers, current_question) the hall may hold: acknowledged, or one more."""
        states = [(self.revision, dict(self.answers), self.current_question)]
        if self.in_flight is not None:
            states.append((self.revision + 1, {**self.answers, **self.in_flight["answers"]},
                           self.in_flight["current_question"]))
        return states


@dataclass
class Tally:
    """Saves acknowledged across the hall; fires the fault once at the target."""

    fault: Callable[[], None]
    target: int = ACKED_BEFORE_FAULT
    acknowledged: int = 0
    in_flight_at_fault: int = -1

    def count(self, sittings: list[Sitting]) -> None:
        """One more acknowledged save; at the target, note what is in flight and fault."""
        self.acknowledged += 1
        if self.acknowledged == self.target:
            self.in_flight_at_fault = sum(s.in_flight is not None for s in sittings)
            self.fault()


async def stream_saves(client: aiohttp.ClientSession, sitting: Sitting, sittings: list[Sitting],
                       tally: Tally) -> None:
    """Sends saves one after another (as a page does) until the hall stops answering."""
    k = 0
    while True:
        k += 1
        body = save_body(k)
        sitting.in_flight = body
        try:
            async with client.post(SAVE, json=body) as response:
                status, answer = response.status, await response.json()
        except (aiohttp.ClientError, asyncio.TimeoutError) as err:
            sitting.ended_by = err
            return
        if status != 200:
            # An answer that is not a 200 is no acknowledgement: the save may not be stored.
            sitting.refused.append((status, answer))
            return
        sitting.acknowledge(body, answer)
        tally.count(sittings)


async def sit_until_fault(served: ServedHall, fault: Callable[[], None]) -> tuple[list[Sitting], Tally]:
    """Every candidate logs in, opens the paper and streams saves until the fault stops them."""
    sittings = [Sitting(r, p) for r, _, p in candidate_rows(CANDIDATES)]
    tally = Tally(fault)
    clients = [served.client() for _ in sittings]
    try:
        for client, sitting in zip(clients, sittings, strict=True):
            await log_in(client, sitting.registration_number, sitting.pin)
            async with client.get(PAPER) as response:
                assert response.status == 200, await response.text()
        await asyncio.gather(*(stream_saves(c, s, sittings, tally)
                               for c, s in zip(clients, sittings, strict=True)))
    finally:
        await asyncio.gather(*(c.close() for c in clients))
    assert tally.acknowledged >= ACKED_BEFORE_FAULT
    return sittings, tally


async def restored_sessions(served: ServedHall, sittings: list[Sitting]) -> list[dict[str, Any]]:
    """What the (restarted) hall gives back to each candidate logging in again."""

    async def restore(sitting: Sitting) -> dict[str, Any]:
        async with served.client() as client:
            await log_in(client, sitting.registration_number, sitting.pin)
            async with client.get(RESTORE) as response:
                assert response.status == 200, await response.text()
                return await response.json()

    return list(await asyncio.gather(*(restore(s) for s in sittings)))


def assert_every_acknowledged_save_is_there(sittings: list[Sitting],
                                            restored: list[dict[str, Any]]) -> None:
    """Each session is exactly what was acknowledged, or that plus the one save left in flight."""
    for sitting, session in zip(sittings, restored, strict=True):
        assert session["has_session"] is True and session["status"] == "in_progress"
        data = session["session_data"]
        held = (session["revision"], data["answers"], data["current_question"])
        assert held in sitting.possible_states(), (
            f"{sitting.registration_number}: the hall holds revision {held[0]}, "
            f"answers {held[1]}, position {held[2]}; acknowledged were {sitting.possible_states()[0]}"
            f" (and in flight: {sitting.in_flight})")


def assert_database_is_sound(config: HallConfig) -> Counter[str]:
    """integrity_check ok; events numbered 1..N with no gap; the chain verifies. Event kinds."""
    with sqlite3.connect(config.database_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        seqs = [seq for (seq,) in connection.execute("SELECT seq FROM events ORDER BY seq")]
        kinds = Counter(kind for (kind,) in connection.execute("SELECT kind FROM events"))
    connection.close()
    assert seqs == list(range(1, len(seqs) + 1)), "the event sequence has a gap"
    key = DataKey.from_file(config.secrets_dir / DATA_KEY_FILE)
    engine = engines.sync_engine(config.database_path)
    try:
        with engine.connect() as connection:
            hall_id, _ = migrate.read_identity(connection)
            assert verify_chain(connection, key, hall_id) == len(seqs)
    finally:
        engine.dispose()
    return kinds


def assert_log_holds_the_saves(kinds: Counter[str], sittings: list[Sitting]) -> None:
    """One answers_saved event per stored save; one session start and one handover each."""
    acknowledged = sum(s.acknowledged for s in sittings)
    in_flight = sum(s.in_flight is not None for s in sittings)
    assert acknowledged <= kinds["answers_saved"] <= acknowledged + in_flight
    assert kinds["session_started"] == CANDIDATES
    assert kinds["lease_moved"] == CANDIDATES  # the logins after the restart


async def test_kill_9_in_a_stream_of_saves_loses_no_acknowledged_save(tmp_path):
    config = make_hall(tmp_path / "hall", candidates=CANDIDATES)
    with ServedHall(config) as served:
        killed: list[int] = []
        sittings, tally = await sit_until_fault(served, lambda: killed.append(served.kill9()))
    assert killed == [-signal.SIGKILL]
    assert tally.in_flight_at_fault >= CANDIDATES // 2, "the kill came with no save in flight"
    assert all(isinstance(s.ended_by, aiohttp.ClientError) for s in sittings)
    assert not any(s.refused for s in sittings), [s.refused for s in sittings if s.refused]

    with ServedHall(config) as served:
        restored = await restored_sessions(served, sittings)
        served.stop()
    assert_every_acknowledged_save_is_there(sittings, restored)
    assert_log_holds_the_saves(assert_database_is_sound(config), sittings)


async def test_sigterm_in_a_stream_of_saves_exits_0_and_keeps_every_acknowledged_save(tmp_path):
    config = make_hall(tmp_path / "hall", candidates=CANDIDATES)
    stopping: list[asyncio.Task[None]] = []
    with ServedHall(config) as served:
        # stop() waits for the exit (asserting code 0) in a thread: the saves in flight go on.
        sittings, tally = await sit_until_fault(
            served, lambda: stopping.append(asyncio.create_task(asyncio.to_thread(served.stop))))
        await stopping[0]
    assert "finishing saves in progress" in served.output
    assert tally.in_flight_at_fault >= CANDIDATES // 2, "the stop came with no save in flight"
    assert not any(s.refused for s in sittings), [s.refused for s in sittings if s.refused]

    with ServedHall(config) as served:
        restored = await restored_sessions(served, sittings)
        served.stop()
    assert_every_acknowledged_save_is_there(sittings, restored)
    assert_log_holds_the_saves(assert_database_is_sound(config), sittings)

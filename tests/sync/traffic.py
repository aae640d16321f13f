"""Exam traffic for sync tests: candidates logging in, saving and submitting over the hall's HTTP API,
and the hall's sessions read back from its database for comparison with the central."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import select

from hallserver.app import create_app
from hallserver.config import HallConfig
from examkit.sealing import DataKey
from hallserver.db import engine as engines
from hallserver.db.models import candidates, events, exam_records, exam_sessions
from hallserver.runtime import DATA_KEY_FILE
from hallserver.domain.sessions.live import open_json, result_aad, session_aad
from tests.halls import EXAM, candidate_rows

PAPER = f"/student/exam/{EXAM['id']}"
QUESTIONS = [q["id"] for q in EXAM["questions"]]


@asynccontextmanager
async def hall_in_process(config: HallConfig) -> AsyncIterator[str]:
    """The hall app on a real loopback socket in this process; yields its URL."""
    runner = web.AppRunner(create_app(config), handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        await runner.cleanup()


class Candidate:
    """One candidate's browser: logs in once, then saves and submits."""

    def __init__(self, url: str, index: int) -> None:
        self.registration_number, _, self.pin = candidate_rows(index + 1)[index]
        self.client = aiohttp.ClientSession(base_url=url, cookie_jar=aiohttp.CookieJar(unsafe=True),
                                            timeout=aiohttp.ClientTimeout(total=60))
        self.device_seq = 0
        self.logged_in = False

    async def close(self) -> None:
        """Closes the browser."""
        await self.client.close()

    async def _post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        async with self.client.post(path, json=body) as response:
            return response.status, await response.json()

    async def log_in(self) -> None:
        """Logs in (once)."""
        if not self.logged_in:
            status, answer = await self._post("/student/login", {
                "registration_number": self.registration_number, "pin": self.pin})
            assert status == 200, answer
            self.logged_in = True

    async def save(self, rng: random.Random) -> int:
        """One save of one to three answers; returns the status."""
        await self.log_in()
        self.device_seq += 1
        answers = {q: rng.choice("ABCD") for q in rng.sample(QUESTIONS, rng.randint(1, 3))}
        if rng.random() < 0.1:
            answers[rng.choice(QUESTIONS)] = None
        status, answer = await self._post(PAPER + "/session/save", {
            "answers": answers, "current_question": rng.randint(1, len(QUESTIONS)),
            "device_seq": self.device_seq})
        assert status in (200, 409), answer
        return status

    async def complete(self, rng: random.Random) -> int:
        """Submits; returns the status."""
        await self.log_in()
        final = {q: rng.choice("ABCD") for q in rng.sample(QUESTIONS, 2)}
        status, answer = await self._post(PAPER + "/session/complete",
                                          {"final_answers": final, "time_spent": 60})
        assert status in (200, 409), answer
        return status


async def exam_traffic(url: str, count: int, saves: int, complete_share: float,
                       seed: int = 0) -> None:
    """`count` candidates save `saves` times each, and a share of them submit."""
    rng = random.Random(seed)
    people = [Candidate(url, i) for i in range(count)]
    try:
        async def sit(person: Candidate, local: random.Random) -> None:
            for _ in range(saves):
                await person.save(local)
            if local.random() < complete_share:
                await person.complete(local)
        await asyncio.gather(*(sit(p, random.Random(rng.random())) for p in people))
    finally:
        for person in people:
            await person.close()


def _state(status: str) -> str:
    return {"in_progress": "active", "completed": "completed"}.get(status, status)


def hall_sessions(config: HallConfig) -> dict[str, dict[str, Any]]:
    """Every session of the hall, decrypted from its database, in the central's terms."""
    key = DataKey.from_file(config.secrets_dir / DATA_KEY_FILE)
    query = (select(exam_sessions.c.id, exam_sessions.c.revision, exam_sessions.c.session_data,
                    exam_records.c.id.label("record_id"), exam_records.c.exam_id,
                    exam_records.c.status, exam_records.c.result,
                    candidates.c.registration_number)
             .join(exam_records, exam_records.c.id == exam_sessions.c.exam_record_id)
             .join(candidates, candidates.c.id == exam_records.c.candidate_id))
    engine = engines.sync_engine(config.database_path)
    try:
        with engine.connect() as connection:
            rows = connection.execute(query).all()
    finally:
        engine.dispose()
    out = {}
    for row in rows:
        data = open_json(key, row.session_data, session_aad(row.id))
        result = open_json(key, row.result, result_aad(row.record_id)) if row.result else {}
        out[row.id] = {"exam_id": row.exam_id, "registration_number": row.registration_number,
                       "state": _state(row.status), "revision": row.revision,
                       "answers": data["answers"], "score": result.get("score")}
    return out


def hall_chain(config: HallConfig) -> list[tuple[int, bytes]]:
    """(seq, hash) of every event of the hall's log, in order."""
    engine = engines.sync_engine(config.database_path)
    try:
        with engine.connect() as connection:
            return [(r.seq, r.hash) for r in connection.execute(
                select(events.c.seq, events.c.hash).order_by(events.c.seq))]
    finally:
        engine.dispose()

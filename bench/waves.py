"""The two waves that hit a hall at once: the reconnect storm after the LAN blinks, and the start
of a sitting (every waiting page fetching the paper at once).

Each simulated lab PC has a client of its own (its own connection, so its own TLS handshake), as a
browser on a PC does; the times are measured from when each request was due (no coordinated
omission) and from the moment the wave began.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp

from bench.clients import Candidate, _headers
from bench.halls import tls_trust
from bench.load import (CLOCK_PATH, OPTIONS, PAPER_PATH, QUESTIONS, REQUEST_TIMEOUT_S,
                        RESTORE_PATH, SAVE_PATH, SAVED_MARK, latency_summary)

ANSWERS_PER_RESEND = 5
NOTICES_PATH = "/student/notices"
SETTLE_SECONDS = 2.0  # for the last long poll sent to be parked at the hall before the start


def lab_pc() -> aiohttp.ClientSession:
    """One PC's browser: one connection of its own, kept alive between requests."""
    connector = aiohttp.TCPConnector(limit=1, keepalive_timeout=300, ssl=tls_trust())
    return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                 timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S))


class Tally:
    """What each PC's request came to: when it was due and answered, or why it failed."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.done_at: list[float] = []
        self.errors: dict[str, int] = {}
        self.samples: list[str] = []

    async def request(self, pc: aiohttp.ClientSession, method: str, url: str, token: str | None,
                      body: dict[str, Any] | None, due: float, must_hold: bytes | None) -> bool:
        """Sends one request; counts it ok (200, holding `must_hold`) or as an error."""
        data = None if body is None else json.dumps(body).encode()
        why = ""
        try:
            async with pc.request(method, url, data=data,
                                  headers=_headers(token, data is not None)) as response:
                payload = await response.read()
                if response.status != 200:
                    why = f"HTTP {response.status}"
                elif must_hold is not None and must_hold not in payload:
                    why = "answered but not saved"
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as err:
            why, payload = type(err).__name__, str(err).encode()
        if why:
            self.errors[why] = self.errors.get(why, 0) + 1
            if len(self.samples) < 5:
                self.samples.append(f"{why} {payload[:200]!r}")
            return False
        now = time.monotonic()
        self.latencies.append(now - due)
        self.done_at.append(now)
        return True

    def figures(self, began: float, count: int) -> dict[str, Any]:
        return {"candidates": count, "ok": len(self.latencies),
                "errors": sum(self.errors.values()), "error_kinds": self.errors,
                "error_samples": self.samples,
                "all_done_seconds": round(max(self.done_at) - began, 3) if self.done_at else None,
                "latency": latency_summary(self.latencies)}


def _resend(candidate: Candidate, rng: random.Random) -> dict[str, Any]:
    """What a PC's journal sends once it is back: the last 5 answers it holds, unsaved."""
    candidate.device_seq += 1
    answers = {q: rng.choice(OPTIONS) for q in rng.sample(QUESTIONS, ANSWERS_PER_RESEND)}
    candidate.answers.update(answers)
    return {"answers": answers, "current_question": int(max(answers, key=int)),
            "device_seq": candidate.device_seq, "time_remaining": 3000}


async def reconnect_storm(base_url: str, candidates: Sequence[Candidate], within: float = 2.0,
                          seed: int = 1) -> dict[str, Any]:
    """Every candidate (logged in, paper open) holds a connection; all are dropped at once (a LAN
    blink); each PC reconnects at a random moment within `within` seconds, with a fresh TLS
    handshake, and resends a save of 5 answers. Figures: time from the drop until every save is
    acknowledged, latency of each from its reconnect, errors."""
    rng = random.Random(seed)
    held = [lab_pc() for _ in candidates]
    connected = Tally()
    await asyncio.gather(*(connected.request(pc, "GET", base_url + CLOCK_PATH, c.token, None,
                                             time.monotonic(), None)
                           for pc, c in zip(held, candidates, strict=True)))
    if connected.errors:
        raise RuntimeError(f"could not connect every PC before the blink: {connected.errors}")
    blink = time.monotonic()
    await asyncio.gather(*(pc.close() for pc in held))  # every connection ends at once
    tally = Tally()

    async def come_back(candidate: Candidate, due: float) -> None:
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        async with lab_pc() as pc:
            await tally.request(pc, "POST", base_url + SAVE_PATH, candidate.token,
                                _resend(candidate, rng), due, SAVED_MARK)

    await asyncio.gather(*(come_back(c, blink + rng.uniform(0, within)) for c in candidates))
    return {**tally.figures(blink, len(candidates)), "reconnect_within_seconds": within,
            "answers_per_save": ANSWERS_PER_RESEND}


async def sitting_start(base_url: str, candidates: Sequence[Candidate],
                        start: Callable[[], Awaitable[None]]) -> dict[str, Any]:
    """The start of a sitting as exam day has it: every candidate (logged in, so checked in) waits
    on the check-in page, its PC holding a long poll of the hall's notices on a connection of its
    own; the invigilator starts the sitting (`start`, the console's request); each page, told by
    the pushed `sitting_started` notice, fetches the paper and restores its session. Figures: the
    time from the start request until every candidate has the paper, each paper's latency from
    that moment, the notices' delivery, errors."""
    pcs = [lab_pc() for _ in candidates]
    try:
        versions = [await _notice_version(pc, base_url, c) for pc, c in zip(pcs, candidates,
                                                                          strict=True)]
        told, papers, openings = Tally(), Tally(), Tally()
        began = asyncio.get_running_loop().create_future()

        async def wait_then_open(pc: aiohttp.ClientSession, candidate: Candidate,
                                 after: str) -> None:
            if not await _until_started(pc, base_url, candidate, after, began, told):
                return
            since = began.result()
            if await papers.request(pc, "GET", base_url + PAPER_PATH, candidate.token, None,
                                    since, None):
                await openings.request(pc, "GET", base_url + RESTORE_PATH, candidate.token,
                                       None, since, None)

        waiting = [asyncio.create_task(wait_then_open(pc, c, v))
                   for pc, c, v in zip(pcs, candidates, versions, strict=True)]
        await asyncio.sleep(SETTLE_SECONDS)  # every long poll sent and parked at the hall
        began.set_result(time.monotonic())
        await start()
        start_answered = time.monotonic() - began.result()
        await asyncio.gather(*waiting)
    finally:
        await asyncio.gather(*(pc.close() for pc in pcs))
    return {**papers.figures(began.result(), len(candidates)),
            "start_request_ms": round(start_answered * 1000, 1),
            "notified": told.figures(began.result(), len(candidates)),
            "opening": openings.figures(began.result(), len(candidates))}


async def _notice_version(pc: aiohttp.ClientSession, base_url: str, candidate: Candidate) -> str:
    """The notice board's version as a page first sees it (no wait)."""
    async with pc.get(f"{base_url}{NOTICES_PATH}?wait=0",
                      headers=_headers(candidate.token, False)) as response:
        if response.status != 200:
            raise RuntimeError(f"notices answered HTTP {response.status}: {await response.text()}")
        return (await response.json())["version"]


async def _until_started(pc: aiohttp.ClientSession, base_url: str, candidate: Candidate,
                         after: str, began: asyncio.Future[float], told: Tally) -> bool:
    """Long-polls the notices, as the waiting page does, until `sitting_started` arrives; counts
    its delivery from the start in `told`. False when the poll failed."""
    while True:
        try:
            async with pc.get(f"{base_url}{NOTICES_PATH}?after={after}",
                              headers=_headers(candidate.token, False)) as response:
                answer = await response.json() if response.status == 200 else None
                why = f"HTTP {response.status}"
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as err:
            answer, why = None, type(err).__name__
        if answer is None:
            told.errors[why] = told.errors.get(why, 0) + 1
            return False
        after = answer["version"]
        if any(n["kind"] == "sitting_started" for n in answer["notices"]):
            now = time.monotonic()
            told.latencies.append(now - began.result())
            told.done_at.append(now)
            return True

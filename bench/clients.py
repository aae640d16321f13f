"""The bench's clients: simulated candidates, their logins (a few at a time, or all at once) and
the save bodies they send."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.halls import credentials, tls_trust
from bench.load import COOKIE, OPTIONS, PAPER_PATH, QUESTIONS, REQUEST_TIMEOUT_S, latency_summary

# --------------------------------------------------------------------------------------------
# Request bodies

# ~1 KB saves for the closed loop: every answer, plus a long list of marked questions as padding
# (marked_questions is a list of question ids; repeats are allowed).
_PADDING = [QUESTIONS[i % len(QUESTIONS)] for i in range(130)]


def closed_loop_body(variant: int) -> dict[str, Any]:
    """A ~1 KB save; different variants set different answers."""
    return {"answers": {q: OPTIONS[(variant + k) % 4] for k, q in enumerate(QUESTIONS)},
            "current_question": variant % len(QUESTIONS) + 1,
            "time_remaining": 3000 - variant % 97,
            "marked_questions": _PADDING}


def closed_loop_bodies(count: int = 8) -> list[bytes]:
    return [json.dumps(closed_loop_body(v)).encode() for v in range(count)]


def replayed_bodies(count: int = 8) -> list[bytes]:
    """The same saves sent again by a device that has since saved newer ones (device_seq 1,
    below every stamp the closed loop leaves): each is checked and merged, and changes nothing."""
    return [json.dumps({**closed_loop_body(v), "device_seq": 1}).encode() for v in range(count)]


# --------------------------------------------------------------------------------------------
# Clients


def client_session(limit: int = 0) -> aiohttp.ClientSession:
    """One shared session for many candidates: cookies are sent by hand, never kept in a jar."""
    connector = aiohttp.TCPConnector(limit=limit, limit_per_host=0, keepalive_timeout=120,
                                     enable_cleanup_closed=False, ssl=tls_trust())
    return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                 timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S))


def _headers(token: str | None, json_body: bool) -> dict[str, str]:
    headers = {}
    if token:
        headers["Cookie"] = f"{COOKIE}={token}"
    if json_body:
        headers["Content-Type"] = "application/json"
    return headers


@dataclass
class Candidate:
    """A simulated candidate: credentials, login token, and what the page holds."""

    n: int
    registration_number: str
    pin: str
    token: str | None = None
    device_seq: int = 0
    answers: dict[str, str] = field(default_factory=dict)
    current_question: int = 1

    @classmethod
    def numbered(cls, n: int) -> Candidate:
        return cls(n, *credentials(n))


async def _login(session: aiohttp.ClientSession, base_url: str, candidate: Candidate) -> tuple[bool, str]:
    body = json.dumps({"registration_number": candidate.registration_number,
                       "pin": candidate.pin}).encode()
    try:
        async with session.post(base_url + "/student/login", data=body,
                                headers=_headers(None, True)) as response:
            await response.read()
            if response.status != 200:
                return False, f"HTTP {response.status}"
            morsel = response.cookies.get(COOKIE)
            if morsel is None:
                return False, "no cookie"
            candidate.token = morsel.value
            candidate.device_seq = 0
            return True, ""
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as err:
        return False, type(err).__name__


async def login_many(base_url: str, candidates: Sequence[Candidate], concurrency: int = 32,
                     open_paper: bool = False) -> dict[str, Any]:
    """Logs in (and optionally opens the paper of) every candidate without a token, a few at a time."""
    todo = [c for c in candidates if c.token is None]
    errors: dict[str, int] = {}
    started = time.monotonic()
    queue: asyncio.Queue[Candidate] = asyncio.Queue()
    for candidate in todo:
        queue.put_nowait(candidate)
    async with client_session(limit=concurrency) as session:
        async def worker() -> None:
            while not queue.empty():
                candidate = queue.get_nowait()
                ok, why = await _login(session, base_url, candidate)
                if ok and open_paper:
                    async with session.get(base_url + PAPER_PATH,
                                           headers=_headers(candidate.token, False)) as response:
                        await response.read()
                        ok, why = response.status == 200, f"paper HTTP {response.status}"
                if not ok:
                    errors[why] = errors.get(why, 0) + 1
        await asyncio.gather(*(worker() for _ in range(min(concurrency, len(todo)) or 1)))
    seconds = time.monotonic() - started
    if errors:
        raise RuntimeError(f"logins failed: {errors}")
    return {"logged_in": len(todo), "seconds": round(seconds, 2)}


async def login_storm(base_url: str, candidates: Sequence[Candidate],
                      timeout: float = 600.0) -> dict[str, Any]:
    """Every candidate POSTs its login at the same instant, each on its own connection."""
    gate = asyncio.Event()
    done_at: list[float] = []
    errors: dict[str, int] = {}
    connector = aiohttp.TCPConnector(limit=0, limit_per_host=0, ssl=tls_trust())
    async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                     timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        async def one(candidate: Candidate) -> None:
            await gate.wait()
            ok, why = await _login(session, base_url, candidate)
            if ok:
                done_at.append(time.monotonic())
            else:
                errors[why] = errors.get(why, 0) + 1

        tasks = [asyncio.create_task(one(c)) for c in candidates]
        await asyncio.sleep(0.2)  # every task is waiting at the gate
        started = time.monotonic()
        gate.set()
        await asyncio.gather(*tasks)
    latencies = [t - started for t in done_at]
    return {"candidates": len(candidates), "logged_in": len(done_at),
            "errors": sum(errors.values()), "error_kinds": errors,
            "all_in_seconds": round(max(latencies), 2) if latencies else None,
            "first_in_seconds": round(min(latencies), 3) if latencies else None,
            "logins_per_second": round(len(done_at) / max(latencies), 1) if latencies else None,
            "login_latency": latency_summary(latencies)}


def scrypt_seconds(log2_cost: int, repeats: int = 3) -> float:
    """How long one PIN hash of this cost takes here (the floor of a login), best of a few."""
    import hashlib

    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        hashlib.scrypt(b"1234", salt=b"0123456789abcdef", n=2**log2_cost, r=8, p=1,
                       maxmem=256 * 1024 * 1024, dklen=32)
        best = min(best, time.perf_counter() - started)
    return best

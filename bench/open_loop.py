"""The open loop: simulated candidates on a schedule (answer changes every 3-8 s, an autosave
every 30 s), latency measured from when each request was due, so a slow server cannot hide its
slowness by delaying the requests (no coordinated omission)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import random
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import aiohttp

from bench.clients import Candidate, _headers, client_session
from bench.halls import ServerProcess
from bench.load import (OPTIONS, PAPER_PATH, QUESTIONS, RESTORE_PATH, SAVE_PATH, SAVED_MARK, CpuWatch, latency_summary, log, percentile)


class OpenLoopRecord(NamedTuple):
    """One request of the open loop. A tuple of plain values, which the garbage collector stops
    tracking: tens of thousands of them must not slow the generator's own collections."""

    kind: str
    due: float
    sent: float
    done: float
    error: str


@contextlib.contextmanager
def quiet_collector() -> Iterator[None]:
    """Keeps the generator's garbage collector from pausing its event loop while it measures:
    what exists now is frozen out of collections, and young collections become rare."""
    gc.collect()
    gc.freeze()
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 10)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


class _LagProbe:
    """How late this process's event loop wakes up: the load generator's own overload."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval, self.lags = interval, []

    async def run(self, stop_at: float) -> None:
        loop = asyncio.get_running_loop()
        while True:
            expected = loop.time() + self.interval
            if expected >= stop_at:
                return
            await asyncio.sleep(self.interval)
            self.lags.append(max(0.0, loop.time() - expected))


async def open_loop(base_url: str, candidates: Sequence[Candidate], duration: float, ramp: float,
                    seed: int, servers: Sequence[ServerProcess] = (), label: str = "",
                    progress_every: float = 5.0, change_every: tuple[float, float] = (3.0, 8.0),
                    autosave_every: float = 30.0,
                    records_out: list[OpenLoopRecord] | None = None) -> dict[str, Any]:
    """Candidates behaving as candidates do, for `duration` seconds.

    Each candidate (already logged in) opens the paper and restores its session at a moment
    spread over the first `ramp` seconds; then it changes an answer every 3-8 s (random), each
    change a save, and autosaves its whole page every 30 s. Latency is measured from when a
    request was due to when its answer arrived. `records_out`, if given, receives every request
    (kind, due, sent, done in this event loop's clock; error) for closer study.
    """
    loop = asyncio.get_running_loop()
    rng = random.Random(seed)
    records: list[OpenLoopRecord] = []
    error_samples: list[str] = []
    failed = 0
    t0 = loop.time() + 0.5
    stop_at = t0 + duration
    max_requests = int(duration / change_every[0]) + int(duration / autosave_every) + 8

    async with client_session(limit=0) as session:
        async def request(kind: str, method: str, path: str, candidate: Candidate,
                          body: dict[str, Any] | None, due: float) -> None:
            nonlocal failed
            sent = loop.time()
            why = ""
            data = None if body is None else json.dumps(body).encode()
            try:
                async with session.request(method, base_url + path, data=data,
                                           headers=_headers(candidate.token, data is not None)) as r:
                    payload = await r.read()
                    if r.status != 200:
                        why = f"{kind}: HTTP {r.status}"
                        if len(error_samples) < 5:
                            error_samples.append(f"{why} {payload[:200]!r}")
                    elif kind in ("change", "autosave") and SAVED_MARK not in payload:
                        why = f"{kind}: not saved"
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as err:
                why = f"{kind}: {type(err).__name__}"
                if len(error_samples) < 5:
                    error_samples.append(f"{why} {err}")
            records.append(OpenLoopRecord(kind, due, sent, loop.time(), why))
            if why:
                failed += 1

        async def sleep_until(when: float) -> None:
            delay = when - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)

        async def candidate_run(candidate: Candidate, start: float) -> None:
            crng = random.Random(rng.random())
            await sleep_until(start)
            await request("paper", "GET", PAPER_PATH, candidate, None, start)
            await request("restore", "GET", RESTORE_PATH, candidate, None, loop.time())
            next_change = start + crng.uniform(*change_every)
            next_autosave = start + autosave_every
            for _ in range(max_requests):
                due = min(next_change, next_autosave)
                if due >= stop_at:
                    return
                await sleep_until(due)
                candidate.device_seq += 1
                remaining = max(0, 3600 - int(loop.time() - t0))
                if next_change <= next_autosave:
                    question = crng.choice(QUESTIONS)
                    option = crng.choice(OPTIONS)
                    candidate.answers[question] = option
                    candidate.current_question = int(question)
                    body = {"answers": {question: option}, "current_question": int(question),
                            "device_seq": candidate.device_seq, "time_remaining": remaining}
                    kind = "change"
                    next_change = due + crng.uniform(*change_every)
                else:
                    body = {"answers": dict(candidate.answers),
                            "current_question": candidate.current_question,
                            "marked_questions": [], "device_seq": candidate.device_seq,
                            "time_remaining": remaining}
                    kind = "autosave"
                    next_autosave = due + autosave_every
                await request(kind, "POST", SAVE_PATH, candidate, body, due)

        async def progress() -> None:
            seen = 0
            while True:
                await asyncio.sleep(progress_every)
                now = loop.time()
                if now >= stop_at:
                    return
                window = records[seen:]
                seen = len(records)
                lat = sorted(r.done - r.due for r in window)
                p99 = percentile(lat, 99)
                log(f"  {label} t={now - t0:5.1f}s  {len(window) / progress_every:7.0f} req/s  "
                    f"p99 {p99 * 1000 if p99 is not None else 0:7.1f} ms  errors {failed}")

        probe = _LagProbe()
        cpu = CpuWatch(servers)
        spacing = ramp / max(1, len(candidates))
        order = list(candidates)
        rng.shuffle(order)
        with quiet_collector():
            tasks = [asyncio.create_task(candidate_run(c, t0 + i * spacing))
                     for i, c in enumerate(order)]
            watchers = [asyncio.create_task(probe.run(stop_at)), asyncio.create_task(progress())]
            await asyncio.gather(*tasks)
        shares = cpu.shares()
        for watcher in watchers:
            watcher.cancel()
        await asyncio.gather(*watchers, return_exceptions=True)

    if records_out is not None:
        records_out.extend(records)
    elapsed = max(r.done for r in records) - t0 if records else duration
    errors: dict[str, int] = {}
    for r in records:
        if r.error:
            errors[r.error] = errors.get(r.error, 0) + 1
    by_kind = {}
    for kind in ("paper", "restore", "change", "autosave"):
        by_kind[kind] = latency_summary([r.done - r.due for r in records if r.kind == kind and not r.error])
    everything = latency_summary([r.done - r.due for r in records if not r.error])
    saves = [r for r in records if r.kind in ("change", "autosave")]
    lags = sorted(probe.lags)
    send_delay = sorted(r.sent - r.due for r in records)
    return {
        "candidates": len(candidates), "seconds": round(elapsed, 1), "ramp_seconds": ramp,
        "requests": len(records), "saves": len(saves),
        "requests_per_second": round(len(records) / max(elapsed, 1e-9), 1),
        "saves_per_second_steady": round(
            sum(1 for r in saves if r.due >= t0 + ramp) / max(duration - ramp, 1e-9), 1),
        "errors": sum(errors.values()), "error_kinds": errors, "error_samples": error_samples,
        "latency": everything, "by_kind": by_kind,
        "client_send_delay_p99_ms": round((percentile(send_delay, 99) or 0) * 1000, 2),
        "client_loop_lag_p99_ms": round((percentile(lags, 99) or 0) * 1000, 2),
        "client_loop_lag_max_ms": round((lags[-1] if lags else 0) * 1000, 2),
        **shares,
    }

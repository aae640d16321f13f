"""The closed loop: N connections sending saves back to back, as fast as they go, from this
process (aiohttp) or from wrk."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp

from bench.clients import _headers, client_session
from bench.load import LUA_SCRIPT, latency_summary

async def closed_loop(url: str, tokens: Sequence[str], bodies: Sequence[bytes], connections: int,
                      warmup: float, duration: float, check: bytes | None,
                      device_seq_from: int | None) -> dict[str, Any]:
    """`connections` workers, each POSTing back to back; counts what completes in the window.

    Worker i is candidate tokens[i % len(tokens)]; with `device_seq_from`, its saves carry an
    increasing device_seq starting there (safe: one worker is one candidate, one request at a
    time; the caller starts each run above the last one's numbers).
    """
    loop = asyncio.get_running_loop()
    begin = loop.time()
    measure_from, stop_at = begin + warmup, begin + warmup + duration
    latencies: list[float] = []
    errors: dict[str, int] = {}
    prefixes = [b[:-1] for b in bodies]
    max_requests = int(duration + warmup + 1) * 100_000  # bound: far above what a core can do

    async with client_session(limit=connections) as session:
        async def worker(i: int) -> None:
            token = tokens[i % len(tokens)]
            headers = _headers(token, True)
            for seq in range(max_requests):
                sent = loop.time()
                if sent >= stop_at:
                    return
                if device_seq_from is not None:
                    body = (prefixes[seq % len(prefixes)]
                            + b', "device_seq": %d}' % (device_seq_from + seq))
                else:
                    body = bodies[seq % len(bodies)]
                why = ""
                try:
                    async with session.post(url, data=body, headers=headers) as response:
                        payload = await response.read()
                        if response.status != 200:
                            why = f"HTTP {response.status}"
                        elif check is not None and check not in payload:
                            why = "unexpected answer"
                except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as err:
                    why = type(err).__name__
                done = loop.time()
                if measure_from <= done <= stop_at:
                    if why:
                        errors[why] = errors.get(why, 0) + 1
                    else:
                        latencies.append(done - sent)

        await asyncio.gather(*(worker(i) for i in range(connections)))
    summary = latency_summary(latencies)
    return {"client": "python-aiohttp", "connections": connections, "seconds": duration,
            "ok": len(latencies), "per_second": round(len(latencies) / duration, 1),
            "errors": sum(errors.values()), "error_kinds": errors,
            "p50_ms": summary["p50_ms"], "p99_ms": summary["p99_ms"], "max_ms": summary["max_ms"]}


def wrk_available() -> str | None:
    return shutil.which("wrk")


def closed_loop_wrk(url: str, tokens: Sequence[str], bodies: Sequence[bytes], connections: int,
                    warmup: float, duration: float, check: str | None, workdir: Path) -> dict[str, Any]:
    """The same closed loop driven by wrk (one thread): a C client, so the server is the limit.

    wrk sends each request with the next candidate cookie in turn, so saves carry no device_seq
    (two connections may hold the same candidate's saves at once; without a device_seq every
    save applies). With no `bodies` it sends GETs.
    """
    cookies_file, bodies_file = workdir / "wrk-cookies.txt", workdir / "wrk-bodies.txt"
    cookies_file.write_text("\n".join(tokens) + "\n", encoding="utf-8")
    bodies_file.write_text("\n".join(b.decode() for b in bodies) + "\n", encoding="utf-8")
    bodies_arg = str(bodies_file) if bodies else "-"

    def run(seconds: float) -> dict[str, Any]:
        argv = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
                "-s", str(LUA_SCRIPT), url, "--", str(cookies_file), bodies_arg, check or "-"]
        finished = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60,
                                  stdin=subprocess.DEVNULL)
        for line in finished.stdout.splitlines():
            if line.startswith("BENCHJSON "):
                return json.loads(line[len("BENCHJSON "):])
        raise RuntimeError(f"wrk failed ({finished.returncode}): {finished.stdout}{finished.stderr}")

    if warmup > 0:
        run(warmup)
    result = run(duration)
    seconds = result["duration_us"] / 1e6
    errors = result["bad"] + sum(v for k, v in result["errors"].items() if k != "status")
    ok = result["requests"] - result["bad"]
    lat = result["latency_us"]
    return {"client": "wrk", "connections": connections, "seconds": round(seconds, 2), "ok": ok,
            "per_second": round(ok / seconds, 1), "errors": errors,
            "error_kinds": {**{k: v for k, v in result["errors"].items() if v},
                            **({"bad_answer": result["bad"]} if result["bad"] else {})},
            "p50_ms": round(lat["p50"] / 1000, 2), "p99_ms": round(lat["p99"] / 1000, 2),
            "max_ms": round(lat["max"] / 1000, 2)}

"""Replication benchmark: backlog drain hall → central, and 200 simulated halls pushing at once.

    .venv/bin/python -m bench.sync_drain            # SQLite and PostgreSQL (when it answers)
    .venv/bin/python -m bench.sync_drain --quick    # smaller numbers

1. Drain: a real hall gets a backlog of saves over its HTTP API (in process), a real central is
   served (`syncd central serve`, HTTPS, pinned), and the real pusher sends it all: events/s.
2. Many halls: N simulated halls (real keys, enrolled, valid hash chains of answers_saved events)
   each send hello + K signed batches of B events, all at once, to one central: events/s and
   the p50/p99 latency of a batch (send to answer, which comes after the commit).
Results are printed and written to bench/results/sync.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from examkit.chain import GENESIS, canonical, chain_hash
from syncd.central.config import load as load_central
from syncd.central.halls import enroll_hall
from syncd.central.store import open_store
from syncd.client import CentralClient
from syncd.daemon import state_dir_of
from syncd.protocol import (
    Base, Batch, Hello, WireEvent, encode_batch, encode_hello, public_key_hex,
)
from syncd.push import Pusher
from syncd.signing import ensure_signing_key
from tests.halls import make_hall
from tests.sync.crafting import hall_log
from tests.sync.processes import ServedCentral
from tests.sync.traffic import exam_traffic, hall_chain, hall_in_process

RESULTS = Path(__file__).parent / "results" / "sync.json"
SYNCD = Path(sys.executable).parent / "syncd"


def _central(directory: Path, database: str | None) -> ServedCentral:
    args = [str(SYNCD), "central", "init", str(directory)]
    subprocess.run(args + (["--database", database] if database else []), check=True,
                   capture_output=True)
    return ServedCentral(directory)


async def _postgres(statement: str) -> None:
    connection = await asyncpg.connect(host="127.0.0.1", port=5432, user="postgres",
                                       database="test")
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def drain(root: Path, database: str | None, candidates: int, saves: int) -> dict[str, Any]:
    """A real hall's backlog sent to a real central by the real pusher."""
    config = make_hall(root / "hall", candidates=candidates)
    async with hall_in_process(config) as url:
        await exam_traffic(url, count=candidates, saves=saves, complete_share=1.0, seed=1)
    events = len(hall_chain(config))
    central = _central(root / "central", database)
    try:
        store = await open_store(load_central(root / "central" / "central.toml"))
        log = hall_log(config)
        key, _ = ensure_signing_key(config.secrets_dir)
        await enroll_hall(store, log.hall_id, public_key_hex(key))
        await store.close()
        async with CentralClient(central.url, central.fingerprint) as client:
            pusher = Pusher(log, client, key, state_dir_of(config), 500, 1 << 20)
            started = time.perf_counter()
            sent = await pusher.drain()
            elapsed = time.perf_counter() - started
        log.close()
    finally:
        central.stop()
    assert sent == events
    return {"events": events, "seconds": round(elapsed, 3), "events_per_s": round(events / elapsed)}


def _synthetic_chain(hall_id: str, count: int) -> list[WireEvent]:
    out, prev = [], GENESIS
    for seq in range(1, count + 1):
        body = canonical({"kind": "answers_saved", "session_id": f"s{seq % 40}", "at": 1e9 + seq,
                          "exam_id": "MTH101", "registration_number": f"C{seq % 40:04d}",
                          "device": "d", "device_seq": seq, "revision": seq,
                          "changes": {"answers": {str(seq % 20 + 1): "ABCD"[seq % 4]},
                                      "current_question": seq % 20 + 1}})
        digest = chain_hash(prev, seq, body)
        out.append(WireEvent(seq, 1, prev, digest, body))
        prev = digest
    return out


async def _one_hall(session: aiohttp.ClientSession, url: str, central_id: str, hall_id: str,
                    key: Ed25519PrivateKey, batches: int, size: int,
                    latencies: list[float]) -> None:
    events = _synthetic_chain(hall_id, batches * size)
    hello = encode_hello(Hello(hall_id, 1, len(events), 40, (), time.time()), key)
    async with session.post(url + "/v1/sync/hello", data=hello,
                            headers={"Content-Type": "application/json"}) as response:
        assert response.status == 200, await response.text()
    for index in range(batches):
        chunk = tuple(events[index * size:(index + 1) * size])
        base = Base(0, 0, GENESIS) if index == 0 else None
        raw = encode_batch(Batch(hall_id, central_id, 1, chunk, base), key)
        started = time.perf_counter()
        async with session.post(url + "/v1/sync/batch", data=raw,
                                headers={"Content-Type": "application/json"}) as response:
            assert response.status == 200, await response.text()
            await response.read()
        latencies.append(time.perf_counter() - started)


async def many_halls(root: Path, database: str | None, halls: int, batches: int,
                     size: int) -> dict[str, Any]:
    """N simulated halls pushing at once into one central."""
    central = _central(root / "central", database)
    try:
        store = await open_store(load_central(root / "central" / "central.toml"))
        keys = {uuid.uuid4().hex: Ed25519PrivateKey.generate() for _ in range(halls)}
        for hall_id, key in keys.items():
            await enroll_hall(store, hall_id, public_key_hex(key))
        central_id = store.central_id
        await store.close()
        latencies: list[float] = []
        connector = aiohttp.TCPConnector(ssl=aiohttp.Fingerprint(bytes.fromhex(central.fingerprint)),
                                         limit=0)
        async with aiohttp.ClientSession(connector=connector,
                                         timeout=aiohttp.ClientTimeout(total=600)) as session:
            started = time.perf_counter()
            await asyncio.gather(*(_one_hall(session, central.url, central_id, hall_id, key,
                                             batches, size, latencies)
                                   for hall_id, key in keys.items()))
            elapsed = time.perf_counter() - started
    finally:
        central.stop()
    latencies.sort()
    total = halls * batches * size
    return {"halls": halls, "batches_per_hall": batches, "events_per_batch": size,
            "events": total, "seconds": round(elapsed, 3),
            "events_per_s": round(total / elapsed),
            "batch_latency_p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
            "batch_latency_p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1)}


async def main(quick: bool) -> dict[str, Any]:
    """Every figure, on SQLite and (when it answers) PostgreSQL."""
    results: dict[str, Any] = {"machine": f"{os.cpu_count()} cores", "quick": quick}
    for backend in ("sqlite", "postgresql"):
        database = None
        if backend == "postgresql":
            name = f"examhall_bench_{uuid.uuid4().hex[:8]}"
            try:
                await _postgres(f'CREATE DATABASE "{name}"')
            except OSError:
                results[backend] = "PostgreSQL does not answer on 127.0.0.1:5432"
                continue
            database = f"postgresql://postgres@127.0.0.1:5432/{name}"
        try:
            with tempfile.TemporaryDirectory() as tmp:
                figures = {"drain": await drain(Path(tmp) / "drain", database,
                                                20 if quick else 50, 40 if quick else 100)}
                if database:
                    await _postgres(f'DROP DATABASE "{name}" WITH (FORCE)')
                    await _postgres(f'CREATE DATABASE "{name}"')
                figures["many_halls"] = await many_halls(
                    Path(tmp) / "many", database, 200, 3 if quick else 5, 100)
                results[backend] = figures
                print(backend, json.dumps(figures), flush=True)
        finally:
            if database:
                await _postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller numbers")
    figures = asyncio.run(main(parser.parse_args().quick))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))

"""Publishing benchmark: one sitting of 1,000 candidates and a 100-question exam, published by
the central to 200 halls at once; the time until every hall holds it.

    .venv/bin/python -m bench.publish              # the central on PostgreSQL (and on SQLite)
    .venv/bin/python -m bench.publish --quick      # 20 halls, 100 candidates

A real central is served (`syncd central serve`, HTTPS, its certificate pinned), its bank filled
through its CLI (`syncd central exam import`, `candidates import`, `candidates pins`: setup, not
measured). Halls are enrolled with real keys. Then, measured:

1. Publish: the sitting published to every hall (`publish_sitting`, what `syncd central sitting
   create` runs: exam, candidates with PIN hashes, sitting, into each hall's signed outbox).
2. Fetch: every hall asks at once for what follows its mark (POST /v1/sync/down, signed with its
   key), package after package, and checks each as a hall does before applying it (the central's
   signature, its hall id, every link of the chain from its mark): the time from the start of
   publishing until the last hall holds the whole sitting, and each hall's time (p50, p99).
3. Apply: one real hall (made with `hall init`) applies the same package in its one transaction
   (`syncd.apply`, what `syncd once` runs), timed alone: a hall applies only its own.

Results are printed and written to bench/results/publish.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.halls import hall_command
from bench.load import latency_summary, log
from bench.sync_drain import SYNCD, _central, _postgres
from examkit.chain import GENESIS
from examkit.sealing import DataKey
from hallserver.cli.common import data_key
from hallserver.config import load as load_hall
from syncd.apply import apply_package
from syncd.central.config import load as load_central
from syncd.central.halls import enroll_hall
from syncd.central.sittings import SittingPlan, publish_sitting
from syncd.central.store import open_store
from syncd.downlink import DownRequest, Package, check_package, decode_package, encode_request
from syncd.protocol import public_key_hex
from syncd.signing import CENTRAL_SIGNING_KEY_FILE, ensure_signing_key

RESULTS = Path(__file__).parent / "results" / "publish.json"
EXAM_ID = "BIG100"
MAX_ITEMS, MAX_BYTES = 200, 4 << 20


def _bank_files(directory: Path, questions: int, candidates: int) -> tuple[Path, Path]:
    exam = {"id": EXAM_ID, "title": "A hundred questions", "duration_minutes": 120,
            "questions": [{"id": str(n), "text": f"Question {n}: {n} + {n} = ?",
                           "options": {"A": str(2 * n - 1), "B": str(2 * n), "C": str(2 * n + 1),
                                       "D": "none of these"}, "answer": "B"}
                          for n in range(1, questions + 1)]}
    exam_file, csv_file = directory / "exam.json", directory / "candidates.csv"
    exam_file.write_text(json.dumps(exam), encoding="utf-8")
    csv_file.write_text("registration_number,name\n" + "".join(
        f"R{n:05d},Candidate {n}\n" for n in range(1, candidates + 1)), encoding="utf-8")
    return exam_file, csv_file


def _fill_bank(central_dir: Path, questions: int, candidates: int) -> None:
    config = str(central_dir / "central.toml")
    exam_file, csv_file = _bank_files(central_dir, questions, candidates)
    for args in (("exam", "import", str(exam_file)),
                 ("candidates", "import", str(csv_file), "--exam", EXAM_ID),
                 ("candidates", "pins", "--exam", EXAM_ID)):
        subprocess.run([str(SYNCD), "central", *args, "--config", config], check=True,
                       capture_output=True)


async def _fetch_all(session: aiohttp.ClientSession, url: str, hall_id: str,
                     key: Ed25519PrivateKey, central_key: Any) -> tuple[list[Package], float]:
    """Every package of the hall's outbox, checked as the hall checks them; when it had all."""
    mark, mark_hash, packages = 0, GENESIS, []
    while True:
        raw = encode_request(DownRequest(hall_id, mark, MAX_ITEMS, MAX_BYTES, time.time()), key)
        async with session.post(url + "/v1/sync/down", data=raw,
                                headers={"Content-Type": "application/json"}) as response:
            body = await response.read()
            if response.status != 200:
                raise RuntimeError(f"hall {hall_id}: HTTP {response.status} {body[:200]!r}")
        if json.loads(body).get("type") == "nothing":
            break
        package = decode_package(body, central_key)
        check_package(package, hall_id, mark, mark_hash)
        packages.append(package)
        mark, mark_hash = package.last_seq, package.items[-1].hash
        if not package.more:
            break
    return packages, time.perf_counter()


async def _publish_and_fetch(root: Path, database: str | None, halls: int, questions: int,
                             candidates: int, real: tuple[str, Ed25519PrivateKey]
                             ) -> tuple[dict[str, Any], list[Package]]:
    """Publishes to `halls` halls (the real one among them), each fetching; the figures, and
    the packages the real hall received."""
    central = _central(root / "central", database)
    try:
        log(f"  filling the central's bank: {questions} questions, {candidates} candidates, "
            "their PINs (setup, not measured)")
        _fill_bank(root / "central", questions, candidates)
        config = load_central(root / "central" / "central.toml")
        store = await open_store(config)
        keys = dict([real, *((uuid.uuid4().hex, Ed25519PrivateKey.generate())
                             for _ in range(halls - 1))])
        for hall_id, key in keys.items():
            await enroll_hall(store, hall_id, public_key_hex(key))
        central_key = ensure_signing_key(config.secrets_dir, CENTRAL_SIGNING_KEY_FILE)[0].public_key()
        log(f"  publishing to {halls} halls while each fetches (measured)")
        connector = aiohttp.TCPConnector(
            ssl=aiohttp.Fingerprint(bytes.fromhex(central.fingerprint)), limit=0)
        async with aiohttp.ClientSession(connector=connector,
                                         timeout=aiohttp.ClientTimeout(total=900)) as session:
            began = time.perf_counter()
            starts = time.time() + 86_400
            for hall_id in keys:
                await publish_sitting(store, SittingPlan(hall_id, EXAM_ID, starts), "bench",
                                      time.time())
            published = time.perf_counter() - began
            fetched = await asyncio.gather(*(_fetch_all(session, central.url, hall_id, key,
                                                        central_key)
                                             for hall_id, key in keys.items()))
        await store.close()
    finally:
        central.stop()
    done_at = [at - began for _, at in fetched]
    sizes = [sum(len(item.body) for p in packages for item in p.items) for packages, _ in fetched]
    figures = {"halls": halls, "questions": questions, "candidates": candidates,
               "publish_seconds": round(published, 2),
               "all_hold_it_seconds": round(max(done_at), 2),
               "hall_holds_it": latency_summary(done_at),
               "bytes_per_hall": max(sizes),
               "packages_per_hall": max(len(packages) for packages, _ in fetched)}
    return figures, fetched[0][0]


def _real_hall(root: Path) -> tuple[Path, str, Ed25519PrivateKey]:
    """A hall made with `hall init` and enrolled with `syncd enroll`; its hall.toml, id, key."""
    directory = root / "hall"
    subprocess.run([*hall_command(), "init", str(directory), "--name", "Publish bench hall"],
                   check=True, capture_output=True)
    toml = directory / "hall.toml"
    info = json.loads(subprocess.run([str(SYNCD), "enroll", "--json", "--config", str(toml)],
                                     check=True, capture_output=True).stdout)
    key, _ = ensure_signing_key(load_hall(toml).secrets_dir)
    return toml, info["hall_id"], key


def _apply(toml: Path, packages: list[Package]) -> float:
    """The real hall applies what it received, as `syncd once` does; seconds."""
    config = load_hall(toml)
    key: DataKey = data_key(config)
    started = time.perf_counter()
    for package in packages:
        apply_package(config.database_path, key, config.storage.busy_timeout_ms, package,
                      time.time())
    return round(time.perf_counter() - started, 2)


async def main(quick: bool, sqlite_too: bool) -> dict[str, Any]:
    halls, candidates, questions = (20, 100, 100) if quick else (200, 1_000, 100)
    results: dict[str, Any] = {"machine": f"{os.cpu_count()} cores", "quick": quick}
    backends = ["postgresql", *(["sqlite"] if sqlite_too else [])]
    for backend in backends:
        database, name = None, f"examhall_publish_{uuid.uuid4().hex[:8]}"
        if backend == "postgresql":
            try:
                await _postgres(f'CREATE DATABASE "{name}"')
            except OSError:
                results[backend] = "PostgreSQL does not answer on 127.0.0.1:5432"
                continue
            database = f"postgresql://postgres@127.0.0.1:5432/{name}"
        log(f"central on {backend}")
        try:
            with tempfile.TemporaryDirectory() as tmp:
                toml, hall_id, key = _real_hall(Path(tmp))
                figures, received = await _publish_and_fetch(Path(tmp), database, halls,
                                                              questions, candidates, (hall_id, key))
                figures["one_hall_applies_seconds"] = _apply(toml, received)
        finally:
            if database:
                await _postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        results[backend] = figures
        log(f"  {backend}: {json.dumps(figures)}")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 halls, 100 candidates")
    parser.add_argument("--sqlite-too", action="store_true", help="also with the central on SQLite")
    arguments = parser.parse_args()
    figures = asyncio.run(main(arguments.quick, arguments.sqlite_too))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))

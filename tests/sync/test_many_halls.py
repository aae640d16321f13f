"""Two central processes on one PostgreSQL, many halls pushing at once, each hall through both:
the per-hall lock lives in the database, so nothing is lost and nothing is stored twice."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from hallserver.config import HallConfig
from syncd.central.config import load as load_central
from syncd.central.halls import enroll_hall
from syncd.central.store import open_store
from syncd.client import CentralClient
from syncd.daemon import state_dir_of
from syncd.protocol import public_key_hex
from syncd.push import Pusher
from syncd.signing import ensure_signing_key
from tests.halls import make_hall
from tests.sync.conftest import assert_converged, fresh_database, init_central
from tests.sync.crafting import hall_log
from tests.sync.processes import ServedCentral
from tests.sync.traffic import exam_traffic, hall_chain, hall_in_process

pytestmark = pytest.mark.slow
HALLS = 8


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database."""
    yield from fresh_database()


async def _hall(directory: Path, seed: int) -> HallConfig:
    config = make_hall(directory, candidates=4)
    async with hall_in_process(config) as url:
        await exam_traffic(url, count=4, saves=8, complete_share=0.5, seed=seed)
    return config


async def _push(config: HallConfig, central: ServedCentral, max_events: int) -> int:
    log = hall_log(config)
    key, _ = ensure_signing_key(config.secrets_dir)
    try:
        async with CentralClient(central.url, central.fingerprint, timeout_seconds=60) as client:
            pusher = Pusher(log, client, key, state_dir_of(config), max_events, 1 << 20)
            for _ in range(50):  # a refusal for a race lost to the other central: ask again
                try:
                    return await pusher.drain()
                except Exception as err:  # noqa: BLE001 - only the gap of a lost race is expected
                    assert getattr(err, "code", None) == "gap", err
            raise AssertionError("never drained")
    finally:
        log.close()


async def test_two_centrals_on_one_postgresql_with_many_halls_pushing_at_once(
        tmp_path, postgres_url):
    directory = init_central(tmp_path / "central", postgres_url)
    halls = [await _hall(tmp_path / f"hall{i}", i) for i in range(HALLS)]  # alembic: one at a time
    store = await open_store(load_central(directory / "central.toml"))
    try:
        ids = []
        for config in halls:
            log = hall_log(config)
            log.close()
            key, _ = ensure_signing_key(config.secrets_dir)
            await enroll_hall(store, log.hall_id, public_key_hex(key))
            ids.append(log.hall_id)
    finally:
        await store.close()
    first, second = ServedCentral(directory), ServedCentral(directory)
    try:
        # Every hall pushes to both centrals at once, in small batches, twice over.
        pushes = [_push(config, central, max_events=5 + i % 4)
                  for i, config in enumerate(halls) for central in (first, second, first)]
        sent = await asyncio.gather(*pushes)
        total = sum(len(hall_chain(config)) for config in halls)
        assert sum(sent) >= total
        for config, hall_id in zip(halls, ids, strict=True):
            for central in (first, second):
                await assert_converged(central.api(), config, hall_id)
            row = await first.api().hall(hall_id)
            assert row["events_stored"] == len(hall_chain(config)), "an event stored twice"
        first.stop()
        second.stop()
    finally:
        first.kill9()
        second.kill9()

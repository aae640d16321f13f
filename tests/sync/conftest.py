"""Fixtures for sync tests: a fresh PostgreSQL database per use (or SQLite), centrals served
through the CLI, halls enrolled at them, and the check that a central equals a hall.

PostgreSQL is the one on 127.0.0.1:5432 (trust auth). Where none answers, PostgreSQL cases are
skipped with the reason, except in CI (CI=true), where they fail instead.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from hallserver.config import HallConfig
from tests.halls import make_hall
from tests.sync.processes import CentralAPI, ServedCentral, hall_toml, syncd_ok
from tests.sync.traffic import hall_chain, hall_sessions

PG_HOST, PG_PORT, PG_USER, PG_ADMIN_DB = "127.0.0.1", 5432, "postgres", "test"
BACKENDS = ["sqlite", "postgresql"]
FAST_SYNC = {"sync__timeout_seconds": 5, "sync__backoff_initial_ms": 50,
             "sync__backoff_max_seconds": 1, "sync__interval_ms": 100}


def _postgres_answers() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=2):
            return True
    except OSError:
        return False


def _in_thread(coroutine_fn: Any, *args: Any) -> Any:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine_fn(*args)).result()


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER,
                                       database=PG_ADMIN_DB)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def require_postgres() -> None:
    """Skips (or, in CI, fails) when PostgreSQL does not answer."""
    if _postgres_answers():
        return
    reason = f"PostgreSQL does not answer on {PG_HOST}:{PG_PORT}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI must run the PostgreSQL cases")
    pytest.skip(reason)


def fresh_database() -> Iterator[str]:
    """A new PostgreSQL database (dropped afterwards); yields its URL."""
    require_postgres()
    name = f"examhall_sync_{uuid.uuid4().hex[:12]}"
    _in_thread(_admin, f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        _in_thread(_admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def database(request) -> Iterator[str | None]:
    """None for SQLite, else the URL of a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield None
    else:
        yield from fresh_database()


@pytest.fixture(scope="module", params=BACKENDS)
def shared_database(request) -> Iterator[str | None]:
    """As `database`, for one module's shared central."""
    if request.param == "sqlite":
        yield None
    else:
        yield from fresh_database()


def init_central(directory: Path, database: str | None) -> Path:
    """`syncd central init` through the CLI; returns the directory."""
    syncd_ok("central", "init", str(directory), *(["--database", database] if database else []))
    return directory


@pytest.fixture
def central(tmp_path, database) -> Iterator[ServedCentral]:
    """A central of its own, served, on SQLite or PostgreSQL."""
    served = ServedCentral(init_central(tmp_path / "central", database))
    yield served
    served.kill9()


@pytest.fixture(scope="module")
def shared_central(tmp_path_factory, shared_database) -> Iterator[ServedCentral]:
    """One central for a module's tests (each uses halls of its own)."""
    served = ServedCentral(init_central(tmp_path_factory.mktemp("central"), shared_database))
    yield served
    served.stop()


def enroll(config: HallConfig, central_dir: Path) -> dict[str, str]:
    """`syncd enroll` on the hall, `syncd central enroll-hall` on the central."""
    info = json.loads(syncd_ok("enroll", "--config", hall_toml(config), "--json"))
    syncd_ok("central", "enroll-hall", info["hall_id"], info["public_key"],
             "--config", str(central_dir / "central.toml"))
    return info


def sync_hall(directory: Path, central: ServedCentral, url: str | None = None,
              candidates: int = 5, **settings: Any) -> HallConfig:
    """A hall pointed at a central (or at `url`, a proxy in front of it), enrolled there."""
    config = make_hall(directory, candidates=candidates, sync__central_url=url or central.url,
                       sync__central_fingerprint=central.fingerprint, **{**FAST_SYNC, **settings})
    enroll(config, central.directory)
    return config


async def assert_converged(api: CentralAPI, config: HallConfig, hall_id: str) -> None:
    """The central holds exactly the hall's log, once, and every session as the hall has it."""
    chain = hall_chain(config)
    assert await api.line(hall_id) == chain, "the central's line differs from the hall's log"
    hall = await api.hall(hall_id)
    assert hall["high_water_mark"] == len(chain)
    assert_same_sessions(hall_sessions(config), await api.sessions(hall_id))


def assert_same_sessions(hall: dict[str, dict[str, Any]], central: dict[str, dict[str, Any]],
                         skip: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """Each session of the hall is at the central with the same revision, answers and state."""
    assert set(hall) - skip == set(central) - skip, "sessions differ"
    for session_id, mine in hall.items():
        if session_id in skip:
            continue
        theirs = central[session_id]
        got = {k: theirs[k] for k in mine}
        assert got == mine, f"session {session_id}: central {got} != hall {mine}"

"""Background work of a serving hall, each as a cleanup context: the deadline and silence watches."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator

from aiohttp import web

from hallserver.db import engine as engines
from hallserver.domain.invigilation import alert_silent_sessions
from hallserver.domain.sessions import complete_overdue
from hallserver.errors import HallError
from hallserver.keys import CONFIG, HALL

_LOGGER = logging.getLogger(__name__)
WATCH_SECONDS = 1.0
CHECKPOINT_SECONDS = 1.0
SILENCE_WATCH_SECONDS = 5.0


async def _watch_deadlines(app: web.Application) -> None:
    hall = app[HALL]
    while True:
        try:
            finished = await complete_overdue(hall)
            if finished:
                _LOGGER.info("time up: completed %s session(s) with what was saved", finished)
        except HallError as err:
            _LOGGER.warning("deadline watch could not complete sessions: %s", err.message)
        await asyncio.sleep(WATCH_SECONDS)


async def deadline_watch(app: web.Application) -> AsyncIterator[None]:
    """At each deadline (plus grace), completes the session with what was saved."""
    task = asyncio.create_task(_watch_deadlines(app), name="examhall-deadlines")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _watch_silence(app: web.Application) -> None:
    hall = app[HALL]
    # Look a few times within the threshold, so an alert comes soon after it is due.
    every = min(SILENCE_WATCH_SECONDS, hall.config.invigilation.silent_after_seconds / 4)
    while True:
        await asyncio.sleep(every)
        try:
            await alert_silent_sessions(hall)
        except HallError as err:
            _LOGGER.warning("silence watch could not raise alerts: %s", err.message)


async def silence_watch(app: web.Application) -> AsyncIterator[None]:
    """Alerts the invigilators when a candidate in progress stops saving."""
    task = asyncio.create_task(_watch_silence(app), name="examhall-silence")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def wal_checkpoints(app: web.Application) -> AsyncIterator[None]:
    """Keeps the WAL short with PASSIVE checkpoints in a thread, outside the writer's commits;
    a last TRUNCATE checkpoint when the hall stops."""
    config = app[CONFIG]

    async def run() -> None:
        while True:
            await asyncio.sleep(CHECKPOINT_SECONDS)
            try:
                await asyncio.to_thread(engines.checkpoint, config.database_path,
                                        config.storage.busy_timeout_ms)
            except sqlite3.Error as err:
                _LOGGER.warning("WAL checkpoint failed (will retry): %s", err)

    task = asyncio.create_task(run(), name="examhall-checkpoints")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    with contextlib.suppress(sqlite3.Error):
        await asyncio.to_thread(engines.checkpoint, config.database_path,
                                config.storage.busy_timeout_ms, "TRUNCATE")

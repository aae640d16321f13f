"""Background work of a serving hall, each a cleanup context: the deadline watch, the sitting
watch, the corrections watch, the silence watch and WAL checkpoints, all run by `running`."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web

from hallserver.config import HallConfig
from hallserver.db import engine as engines
from hallserver.domain.invigilation.actions import alert_silent_sessions
from hallserver.domain.sessions.lifecycle import complete_overdue
from hallserver.domain.sittings.conduct import close_finished_sittings
from hallserver.errors import HallError
from hallserver.keys import CONFIG, EXAMS, ROOM, STORAGE

_LOGGER = logging.getLogger(__name__)
WATCH_SECONDS = 1.0
CHECKPOINT_SECONDS = 1.0
SILENCE_WATCH_SECONDS = 5.0


@contextlib.asynccontextmanager
async def running(name: str, work: Callable[[], Awaitable[None]]) -> AsyncIterator[None]:
    """Runs `work` as a task while the app runs; cancels it and waits for it at shutdown."""
    task = asyncio.create_task(work(), name=name)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _every(seconds: float, what: str, step: Callable[[], Awaitable[Any]]) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            await step()
        except HallError as err:
            _LOGGER.warning("%s failed (will retry): %s", what, err.message)


async def _complete_overdue(app: web.Application) -> None:
    finished = await complete_overdue(app[STORAGE], app[EXAMS], app[ROOM], app[CONFIG])
    if finished:
        _LOGGER.info("time up: completed %s session(s) with what was saved", finished)


async def deadline_watch(app: web.Application) -> AsyncIterator[None]:
    """At each deadline (plus grace), completes the session with what was saved."""
    work = functools.partial(_every, WATCH_SECONDS, "deadline watch",
                             functools.partial(_complete_overdue, app))
    async with running("examhall-deadlines", work):
        yield


async def sitting_watch(app: web.Application) -> AsyncIterator[None]:
    """Ends a sitting after its last deadline; submits what a sitting ended by `hall sitting end`
    left open."""
    work = functools.partial(_every, WATCH_SECONDS, "sitting watch", functools.partial(
        close_finished_sittings, app[STORAGE], app[EXAMS], app[ROOM], app[CONFIG]))
    async with running("examhall-sittings", work):
        yield


async def corrections_watch(app: web.Application) -> AsyncIterator[None]:
    """Reads an exam again once its key is corrected on disk (by `hall exam import
    --correct-key` or by syncd applying the central's correction) while the hall serves."""
    exams = app[EXAMS]

    async def step() -> None:
        corrected = await exams.forget_corrected_exams()
        if corrected:
            _LOGGER.info("answer key corrected for %s: read again", ", ".join(corrected))

    async with running("examhall-corrections", functools.partial(
            _every, WATCH_SECONDS, "corrections watch", step)):
        yield


async def silence_watch(app: web.Application) -> AsyncIterator[None]:
    """Alerts the invigilators when a candidate in progress stops saving."""
    config = app[CONFIG]
    # Look a few times within the threshold, so an alert comes soon after it is due.
    every = min(SILENCE_WATCH_SECONDS, config.invigilation.silent_after_seconds / 4)
    work = functools.partial(_every, every, "silence watch",
                             functools.partial(alert_silent_sessions, app[STORAGE], app[ROOM],
                                               config))
    async with running("examhall-silence", work):
        yield


async def _checkpoint(config: HallConfig, mode: str = "PASSIVE") -> None:
    try:
        await asyncio.to_thread(engines.checkpoint, config.database_path,
                                config.storage.busy_timeout_ms, mode)
    except sqlite3.Error as err:
        _LOGGER.warning("WAL checkpoint failed (will retry): %s", err)


async def wal_checkpoints(app: web.Application) -> AsyncIterator[None]:
    """Keeps the WAL short with PASSIVE checkpoints in a thread, outside the writer's commits;
    a last TRUNCATE checkpoint when the hall stops."""
    config = app[CONFIG]
    work = functools.partial(_every, CHECKPOINT_SECONDS, "WAL checkpoint",
                             functools.partial(_checkpoint, config))
    async with running("examhall-checkpoints", work):
        yield
    await _checkpoint(config, "TRUNCATE")

"""Background work of a serving hall, each as a cleanup context: the deadline watch."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from hallserver.domain.sessions import complete_overdue
from hallserver.errors import HallError
from hallserver.keys import HALL

_LOGGER = logging.getLogger(__name__)
WATCH_SECONDS = 1.0


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

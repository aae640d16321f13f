"""The app factory: create_app(config) -> web.Application, for `hall serve` and tests alike."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from hallserver.clock import Clock
from hallserver.config import HallConfig
from hallserver.domain.hall import close_hall, open_hall
from hallserver.keys import CLOCK, CONFIG, HALL, METRICS
from hallserver.mdns import lan_presence
from hallserver.metrics import HallMetrics, measure_loop_lag, metrics_middleware
from hallserver.tasks import deadline_watch, running, silence_watch, wal_checkpoints
from hallserver.views.routes import add_routes
from hallserver.web.csrf import csrf_middleware
from hallserver.web.error_pages import error_middleware
from hallserver.web.headers import headers_middleware

WEBUI = Path(__file__).resolve().parent.parent / "webui"


async def hall_storage(app: web.Application) -> AsyncIterator[None]:
    """Database (migrated in place), data key and write path: opened first, closed last."""
    app[HALL] = await open_hall(app[CONFIG], app[CLOCK], app[METRICS].observe_batch)
    yield
    await close_hall(app[HALL])


async def loop_lag_watch(app: web.Application) -> AsyncIterator[None]:
    """Keeps the event-loop lag figure fresh."""
    async with running("examhall-loop-lag", functools.partial(measure_loop_lag, app[METRICS])):
        yield


async def _index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(WEBUI / "index.html")


async def _folder_index(request: web.Request) -> web.StreamResponse:
    """/ui/staff/ and the like open the folder's index.html (static routes list no folders)."""
    folder = request.match_info["folder"]
    if not (WEBUI / folder / "index.html").is_file():
        raise web.HTTPNotFound()
    raise web.HTTPFound(f"/ui/{folder}/index.html")


def create_app(config: HallConfig, clock: Clock | None = None) -> web.Application:
    """The hall's web application; resources open in its cleanup contexts, in order."""
    metrics = HallMetrics(config.database_path)
    app = web.Application(
        client_max_size=config.server.max_body_bytes,
        # Outermost first: every request is timed with the status it finally got; every answer,
        # errors included, gets security headers; every error becomes the one JSON shape;
        # cross-site changes are refused before any handler runs.
        middlewares=[metrics_middleware(metrics), headers_middleware(config.server.tls),
                     error_middleware, csrf_middleware],
    )
    app[CONFIG] = config
    app[METRICS] = metrics
    app[CLOCK] = clock or Clock()
    # Database and keys first, the LAN advertisement last: it names the hall by its id.
    app.cleanup_ctx.extend([hall_storage, wal_checkpoints, deadline_watch, silence_watch,
                            loop_lag_watch, lan_presence])
    add_routes(app)
    app.router.add_get("/", _index)
    app.router.add_get("/ui/{folder:[a-z]+}/", _folder_index)
    app.router.add_get("/ui/{folder:[a-z]+}", _folder_index)
    if WEBUI.is_dir():
        app.router.add_static("/ui/", WEBUI, follow_symlinks=False)
    return app

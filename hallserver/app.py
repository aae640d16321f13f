"""The app factory: create_app(config) -> web.Application, for `hall serve` and tests alike."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator

from aiohttp import web

from hallserver.clock import Clock
from hallserver.config import HallConfig
from hallserver.runtime import close_hall, open_hall
from hallserver.keys import CLOCK, CONFIG, EXAMS, LOGINS, METRICS, PAGES, ROOM, STORAGE
from hallserver.mdns import lan_presence
from examkit.pages import required as required_pages
from hallserver.metrics import HallMetrics, measure_loop_lag, metrics_middleware
from hallserver.tasks import (
    corrections_watch, deadline_watch, running, silence_watch, sitting_watch, wal_checkpoints,
)
from hallserver.views.routes import ALL_ROUTES, Route, add_routes
from hallserver.web.bodies import HANDLER_ARGS
from hallserver.web.csrf import csrf_middleware
from hallserver.web.errors import error_middleware
from hallserver.web.headers import headers_middleware

CANDIDATE_LOGIN = "/ui/student/index.html"


async def hall_storage(app: web.Application) -> AsyncIterator[None]:
    """Database (migrated in place), data key and write path, and the services over them: opened
    first, closed last. Each service has its own key; handlers ask for the ones they use."""
    hall = await open_hall(app[CONFIG], app[CLOCK], app[METRICS].observe_batch)
    app[STORAGE], app[EXAMS], app[LOGINS], app[ROOM] = (hall.storage, hall.exams, hall.logins,
                                                        hall.room)
    yield
    await close_hall(hall)


async def loop_lag_watch(app: web.Application) -> AsyncIterator[None]:
    """Keeps the event-loop lag figure fresh."""
    async with running("examhall-loop-lag", functools.partial(measure_loop_lag, app[METRICS])):
        yield


async def _index(request: web.Request) -> web.StreamResponse:
    """/ (where /join, its QR code and the mDNS advert send a lab PC) is the candidates' login;
    staff reach theirs from a link on it."""
    raise web.HTTPFound(CANDIDATE_LOGIN)


async def answer_waiting_pages(app: web.Application) -> None:
    """On shutdown, before aiohttp waits for open requests: candidates' long polls end now (the
    pages ask again once the hall is back) rather than holding the stop for their whole wait."""
    app[ROOM].notices.close()


async def _folder_index(request: web.Request) -> web.StreamResponse:
    """/ui/staff/ and the like open the folder's index.html (static routes list no folders)."""
    folder = request.match_info["folder"]
    if not (request.app[PAGES] / folder / "index.html").is_file():
        raise web.HTTPNotFound()
    raise web.HTTPFound(f"/ui/{folder}/index.html")


def create_app(config: HallConfig, clock: Clock | None = None,
               routes: tuple[Route, ...] = ALL_ROUTES) -> web.Application:
    """The hall's web application (with the route table `routes`); resources open in its
    cleanup contexts, in order. Raises PagesMissing when the install lacks its pages."""
    pages = required_pages()
    metrics = HallMetrics(config.database_path)
    app = web.Application(
        client_max_size=config.server.max_body_bytes,
        handler_args=HANDLER_ARGS,  # bodies are inflated by us, bounded (web/bodies.py)
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
    app.cleanup_ctx.extend([hall_storage, wal_checkpoints, deadline_watch, sitting_watch,
                            corrections_watch, silence_watch, loop_lag_watch, lan_presence])
    app.on_shutdown.append(answer_waiting_pages)
    add_routes(app, routes)
    app.router.add_get("/", _index)
    app.router.add_get("/ui/{folder:[a-z]+}/", _folder_index)
    app.router.add_get("/ui/{folder:[a-z]+}", _folder_index)
    app[PAGES] = pages
    app.router.add_static("/ui/", pages, follow_symlinks=False)
    return app

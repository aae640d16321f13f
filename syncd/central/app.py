"""The central's app factory: create_central_app(config) -> web.Application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from syncd.central import views
from syncd.central.config import CentralConfig
from syncd.central.errors_web import error_middleware
from syncd.central.keys import ADMIN_TOKEN, CONFIG, STORE
from syncd.central.store import open_store

WEBUI = Path(__file__).resolve().parent.parent.parent / "webui" / "central"
ADMIN_TOKEN_FILE = "admin.token"


async def central_storage(app: web.Application) -> AsyncIterator[None]:
    """The database (migrated in place) and the data key: opened first, closed last."""
    app[STORE] = await open_store(app[CONFIG])
    yield
    await app[STORE].close()


async def _index(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/ui/central/")


def create_central_app(config: CentralConfig) -> web.Application:
    """The central's web application."""
    app = web.Application(client_max_size=config["sync.max_batch_bytes"],
                          middlewares=[error_middleware])
    app[CONFIG] = config
    app[ADMIN_TOKEN] = (config.secrets_dir / ADMIN_TOKEN_FILE).read_text(encoding="utf-8").strip()
    app.cleanup_ctx.append(central_storage)
    app.router.add_post("/v1/sync/hello", views.post_hello)
    app.router.add_post("/v1/sync/batch", views.post_batch)
    app.router.add_get("/healthz", views.healthz)
    app.router.add_get("/api/halls", views.get_halls)
    app.router.add_get("/api/halls/{hall_id}/events", views.get_hall_line)
    app.router.add_get("/api/sessions", views.get_sessions)
    app.router.add_get("/api/export.csv", views.get_export)
    app.router.add_get("/", _index)
    if WEBUI.is_dir():
        app.router.add_static("/ui/central/", WEBUI, follow_symlinks=False)
    return app

"""The central's app factory: create_central_app(config) -> web.Application."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from examkit.pages import CENTRAL_PAGES, required as required_pages
from syncd.central.access import access_ctx, csrf_middleware, guarded
from syncd.central.config import CentralConfig
from syncd.central.errors_web import error_middleware
from syncd.central.keys import ADMIN_TOKEN, CONFIG, READER_TOKEN, SIGN_KEY, STORE
from syncd.central.routes import API_ROUTES, OPEN_ROUTES
from syncd.central.store import open_store
from syncd.signing import CENTRAL_SIGNING_KEY_FILE, ensure_signing_key

ADMIN_TOKEN_FILE = "admin.token"
READER_TOKEN_FILE = "reader.token"


async def central_storage(app: web.Application) -> AsyncIterator[None]:
    """The database (migrated in place) and the data key: opened first, closed last."""
    app[STORE] = await open_store(app[CONFIG])
    yield
    await app[STORE].close()


async def _index(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/ui/central/index.html")


def _token(config: CentralConfig, name: str) -> str:
    """A token from secrets/ ("" when the file is absent: that token is then refused)."""
    path = config.secrets_dir / name
    return path.read_text(encoding="utf-8").strip() if path.exists() else ""


def create_central_app(config: CentralConfig) -> web.Application:
    """The central's web application. Raises PagesMissing when the install lacks its pages."""
    pages = required_pages(CENTRAL_PAGES)
    # Errors first (everything below answers in the one shape), then the cross-site guard.
    app = web.Application(client_max_size=config["sync.max_batch_bytes"],
                          middlewares=[error_middleware, csrf_middleware])
    app[CONFIG] = config
    app[ADMIN_TOKEN] = _token(config, ADMIN_TOKEN_FILE)
    app[READER_TOKEN] = _token(config, READER_TOKEN_FILE)
    # A central made before the downward half gets its signing key at its first start.
    app[SIGN_KEY] = ensure_signing_key(config.secrets_dir, CENTRAL_SIGNING_KEY_FILE)[0]
    app.cleanup_ctx.append(central_storage)
    app.cleanup_ctx.append(access_ctx)
    for method, path, handler in OPEN_ROUTES:
        app.router.add_route(method, path, handler)
    for method, path, handler, role in API_ROUTES:
        app.router.add_route(method, path, guarded(handler, role))
    app.router.add_get("/", _index)
    app.router.add_get("/ui/central/", _index)
    # The central's page imports the shared layer (api, dom, format, i18n) and the catalogs from
    # beside it.
    for folder in ("central", "shared", "locales"):
        app.router.add_static(f"/ui/{folder}/", pages / folder, follow_symlinks=False)
    return app

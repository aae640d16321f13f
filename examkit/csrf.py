"""Cross-site request forgery: a state-changing request must come from the service's own pages.

Cookies are SameSite=Strict already; this also refuses any unsafe request whose browser says it
came from another site (Sec-Fetch-Site, or an Origin that is not this host). Scripts (curl, the
CLI's token) send neither header and pass. The service says how a refusal reads.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def cross_site(request: web.Request) -> bool:
    """True when the browser says this request came from another site."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return origin == "null" or urlsplit(origin).netloc != request.host


def csrf_middleware(refuse: Callable[[], Exception]) -> Middleware:
    """A middleware that raises `refuse()` (a 403 of the service) for unsafe cross-site requests."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method not in _SAFE and cross_site(request):
            raise refuse()
        return await handler(request)

    return middleware

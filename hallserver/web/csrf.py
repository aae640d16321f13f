"""Cross-site request forgery: a state-changing request must come from the hall's own pages.

Cookies are SameSite=Strict already; this also refuses any unsafe request whose browser says it
came from another site (Sec-Fetch-Site, or an Origin that is not this host). JSON bodies are
required on top of that (see `parsing`), which a plain cross-site form cannot send.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Handler

from hallserver.errors import Forbidden

_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def _cross_site(request: web.Request) -> bool:
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return origin == "null" or urlsplit(origin).netloc != request.host


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuses unsafe requests from other sites with 403."""
    if request.method not in _SAFE and _cross_site(request):
        raise Forbidden("This request came from another site; the hall only takes changes from "
                        "its own pages.", )
    return await handler(request)

"""Security headers on every answer: no framing, no sniffing, nothing loaded from elsewhere."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def headers_middleware(tls: bool):
    """The middleware; with TLS it also asks browsers to stay on HTTPS."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Content-Security-Policy", _CSP)
        if request.path.startswith(("/student/", "/api/")):
            response.headers.setdefault("Cache-Control", "no-store")
        if tls:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    return middleware

"""Reading our own login cookies: one name, a URL-safe token, on every request."""

from __future__ import annotations

from aiohttp import web


def cookie_value(request: web.Request, name: str) -> str | None:
    """The value of cookie `name`, or None.

    aiohttp's general cookie parser is a noticeable share of a save's cost; our cookies are one
    name and a URL-safe token, so a split finds them.
    """
    header = request.headers.get("Cookie")
    if not header:
        return None
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value.strip('"') or None
    return None

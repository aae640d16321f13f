"""Who may do what at the central, over HTTP: account logins by cookie, scripts by token.

A request names its caller either with `Authorization: Bearer <token>` (scripts: the admin token
in secrets/admin.token, or the read-only token in secrets/reader.token) or with the login cookie
its pages got from POST /api/login. Each route of the API states the role it needs (`routes`);
`guarded` checks it before the handler runs. State-changing requests from another site are
refused (the kernel's CSRF rule), and the cookie is HttpOnly, SameSite=Strict, Secure under TLS.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web

from examkit.csrf import csrf_middleware as _csrf_guard
from examkit.passwords import dummy_hash
from syncd.central.accounts import (
    ADMIN, READER, PASSWORD_LOG2_COST, Principal, account_for, log_in, log_out, new_throttle,
)
from syncd.central.keys import ADMIN_TOKEN, CONFIG, DUMMY_HASH, READER_TOKEN, STORE, THROTTLE
from syncd.errors import Malformed, NotAllowed, NotLoggedIn

COOKIE = "central_login"
COOKIE_SECONDS = 12 * 3600
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _refuse_cross_site() -> NotAllowed:
    return NotAllowed("This request came from another site; the central only takes changes "
                      "from its own pages.", code="cross_site")


csrf_middleware = _csrf_guard(_refuse_cross_site)


async def access_ctx(app: web.Application) -> AsyncIterator[None]:
    """The login throttle and the hash unknown names are checked against (so timing tells
    nothing), made before the first request."""
    app[THROTTLE] = new_throttle()
    app[DUMMY_HASH] = await asyncio.to_thread(dummy_hash, PASSWORD_LOG2_COST)
    yield


def _same(given: str, expected: str | None) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())  # type: ignore[union-attr]


def _cookie(request: web.Request) -> str | None:
    return request.cookies.get(COOKIE) or None


async def principal(request: web.Request) -> Principal:
    """Who is asking; NotLoggedIn when nobody (or an unknown token)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        given = header.removeprefix("Bearer ").strip()
        if _same(given, request.app[ADMIN_TOKEN]):
            return Principal("admin token", ADMIN)
        if _same(given, request.app[READER_TOKEN]):
            return Principal("read-only token", READER)
        raise NotLoggedIn("That token is not one of this central's (secrets/admin.token, "
                          "secrets/reader.token).")
    token = _cookie(request)
    found = await account_for(request.app[STORE], token) if token else None
    if found is None:
        raise NotLoggedIn("Log in on the central's page, or send a token as "
                          "'Authorization: Bearer <token>'.")
    return found


def guarded(handler: Handler, role: str) -> Handler:
    """The handler, run only for a caller with `role` (403 otherwise, 401 for nobody)."""

    async def checked(request: web.Request) -> web.StreamResponse:
        caller = await principal(request)
        if not caller.may(role):
            raise NotAllowed(f"{caller.name} is a {caller.role}: only an admin may do this.",
                             code="not_admin")
        return await handler(request)

    checked.__doc__ = handler.__doc__
    checked.__name__ = getattr(handler, "__name__", "checked")
    return checked


async def _credentials(request: web.Request) -> tuple[str, str]:
    try:
        body = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError) as err:
        raise Malformed("Send JSON: {\"name\": ..., \"password\": ...}.") from err
    if not isinstance(body, dict) or not all(isinstance(body.get(k), str)
                                             for k in ("name", "password")):
        raise Malformed("Send JSON: {\"name\": ..., \"password\": ...}, both strings.")
    return body["name"], body["password"]


async def post_login(request: web.Request) -> web.Response:
    """POST /api/login {"name", "password"}: sets the login cookie."""
    name, password = await _credentials(request)
    app = request.app
    token, caller = await log_in(app[STORE], app[THROTTLE], app[DUMMY_HASH], name, password,
                                 request.remote or "", time.time())
    response = web.json_response({"name": caller.name, "role": caller.role})
    response.set_cookie(COOKIE, token, max_age=COOKIE_SECONDS, path="/", httponly=True,
                        secure=app[CONFIG]["server.tls"], samesite="Strict")
    return response


async def post_logout(request: web.Request) -> web.Response:
    """POST /api/logout: ends this login."""
    caller = await principal(request)
    if caller.token_hash:
        await log_out(request.app[STORE], caller, time.time())
    response = web.json_response({"logged_out": True})
    response.del_cookie(COOKIE, path="/")
    return response


async def get_me(request: web.Request) -> web.Response:
    """GET /api/me: who is logged in, and their role."""
    caller = await principal(request)
    return web.json_response({"name": caller.name, "role": caller.role})


"""The central's handlers: read the request, call the domain, answer JSON. No SQL here."""

from __future__ import annotations

import hmac
import time

from aiohttp import web

from syncd.central import queries
from syncd.central.halls import hello
from syncd.central.keys import ADMIN_TOKEN, CONFIG, STORE
from syncd.central.receive import receive_batch
from syncd.errors import Malformed, NotAllowed, NotFound, TooLarge


async def _raw(request: web.Request) -> bytes:
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge as err:
        raise TooLarge(f"A batch may be at most {request.app[CONFIG]['sync.max_batch_bytes']} "
                       "bytes; lower [sync] batch_max_bytes on the hall.") from err


async def post_hello(request: web.Request) -> web.Response:
    """POST /v1/sync/hello: where the central stands for the hall that signed it."""
    return web.json_response(await hello(request.app[STORE], await _raw(request)))


async def post_batch(request: web.Request) -> web.Response:
    """POST /v1/sync/batch: applies a signed batch; answers after the commit."""
    config = request.app[CONFIG]
    answer = await receive_batch(request.app[STORE], await _raw(request),
                                 config["sync.max_batch_events"], time.time())
    return web.json_response(answer)


async def healthz(request: web.Request) -> web.Response:
    """GET /healthz."""
    return web.json_response({"status": "ok", "central_id": request.app[STORE].central_id})


def _admin(request: web.Request) -> None:
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not given or not hmac.compare_digest(given.encode(), request.app[ADMIN_TOKEN].encode()):
        raise NotAllowed("Send the central's admin token (secrets/admin.token) as "
                         "'Authorization: Bearer <token>'.", code="not_admin")


def _number(request: web.Request, name: str, default: int) -> int:
    try:
        return max(0, int(request.query.get(name, default)))
    except ValueError as err:
        raise Malformed(f"{name} must be a whole number.") from err


async def get_halls(request: web.Request) -> web.Response:
    """GET /api/halls: every hall and its sync state."""
    _admin(request)
    return web.json_response({"version": 1,
                              "halls": await request.app[STORE].read(queries.list_halls)})


async def get_sessions(request: web.Request) -> web.Response:
    """GET /api/sessions?hall_id=&state=&exam_id=&registration_number=&limit=&offset=."""
    _admin(request)
    store, query = request.app[STORE], request.query
    rows = await store.read(queries.list_sessions, store.key, query.get("hall_id"),
                            query.get("state"), query.get("exam_id"),
                            query.get("registration_number"), _number(request, "limit", 1000),
                            _number(request, "offset", 0))
    return web.json_response({"version": 1, "sessions": rows})


async def get_export(request: web.Request) -> web.Response:
    """GET /api/export.csv: every session received."""
    _admin(request)
    store = request.app[STORE]
    rows = await store.read(queries.export_rows, store.key)
    return web.Response(text=queries.to_csv(rows), content_type="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="sessions.csv"'})


async def get_hall_line(request: web.Request) -> web.Response:
    """GET /api/halls/{hall_id}/events: the hall's current line of history (seq, epoch, hash)."""
    _admin(request)
    hall_id = request.match_info["hall_id"]
    line = await request.app[STORE].read(queries.hall_line, hall_id)
    if line is None:
        raise NotFound(f"No hall {hall_id} is enrolled here.")
    return web.json_response(line)

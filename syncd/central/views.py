"""The central's handlers: read the request, call the domain, answer JSON. No SQL here."""

from __future__ import annotations

import json
import time

from aiohttp import web

from syncd.central import exports, queries
from syncd.central.halls import enroll_hall, hello, revoke_hall
from syncd.central import outbox
from syncd.central.keys import CONFIG, SIGN_KEY, STORE
from syncd.protocol import VERSION
from syncd.central.receive import receive_batch
from syncd.errors import Malformed, NotFound, TooLarge


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


async def post_down(request: web.Request) -> web.Response:
    """POST /v1/sync/down: the signed package of the hall's outbox after its mark."""
    config = request.app[CONFIG]
    package = await outbox.serve_down(request.app[STORE], request.app[SIGN_KEY],
                                      await _raw(request), config["sync.max_package_bytes"],
                                      config["sync.max_package_items"])
    if package is None:
        return web.json_response({"version": VERSION, "type": "nothing"})
    return web.Response(body=package, content_type="application/json")


async def page_settings(request: web.Request) -> web.Response:
    """GET /api/settings: what the central's page needs before a login (its name, its language)."""
    config = request.app[CONFIG]
    return web.json_response({"name": config["central.name"], "language": config["central.language"]})


async def healthz(request: web.Request) -> web.Response:
    """GET /healthz."""
    return web.json_response({"status": "ok", "central_id": request.app[STORE].central_id})


def _number(request: web.Request, name: str, default: int) -> int:
    try:
        return max(0, int(request.query.get(name, default)))
    except ValueError as err:
        raise Malformed(f"{name} must be a whole number.") from err


async def get_halls(request: web.Request) -> web.Response:
    """GET /api/halls: every hall and its sync state."""
    return web.json_response({"version": 1,
                              "halls": await request.app[STORE].read(queries.list_halls)})


async def get_sessions(request: web.Request) -> web.Response:
    """GET /api/sessions?hall_id=&state=&exam_id=&registration_number=&limit=&offset=."""
    store, query = request.app[STORE], request.query
    rows = await store.read(queries.list_sessions, store.key, query.get("hall_id"),
                            query.get("state"), query.get("exam_id"),
                            query.get("registration_number"), _number(request, "limit", 1000),
                            _number(request, "offset", 0))
    return web.json_response({"version": 1, "sessions": rows})


async def get_export(request: web.Request) -> web.Response:
    """GET /api/export.csv: every session received."""
    store = request.app[STORE]
    rows = await store.read(exports.export_rows, store.key, "sessions")
    return web.Response(text=exports.render("sessions", "csv", rows), content_type="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="sessions.csv"'})


async def get_hall_line(request: web.Request) -> web.Response:
    """GET /api/halls/{hall_id}/events: the hall's current line of history (seq, epoch, hash)."""
    hall_id = request.match_info["hall_id"]
    line = await request.app[STORE].read(queries.hall_line, hall_id)
    if line is None:
        raise NotFound(f"No hall {hall_id} is enrolled here.")
    return web.json_response(line)


async def post_enroll_hall(request: web.Request) -> web.Response:
    """POST /api/halls {"hall_id", "public_key", "name"?}: lets that hall push (an admin's act)."""
    try:
        body = json.loads(await request.read())
        hall_id, public_key = str(body["hall_id"]), str(body["public_key"])
        name = str(body.get("name") or "")
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as err:
        raise Malformed('Send JSON: {"hall_id": ..., "public_key": ...} from `syncd enroll`.') from err
    new = await enroll_hall(request.app[STORE], hall_id, public_key, name)
    return web.json_response({"hall_id": hall_id, "enrolled": True, "new": new})


async def post_revoke_hall(request: web.Request) -> web.Response:
    """POST /api/halls/{hall_id}/revoke: stops accepting that hall's batches (an admin's act)."""
    hall_id = request.match_info["hall_id"]
    if not await revoke_hall(request.app[STORE], hall_id):
        raise NotFound(f"No hall {hall_id} is enrolled here.")
    return web.json_response({"hall_id": hall_id, "revoked": True})

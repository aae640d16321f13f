"""The central's handlers for sittings: read the request, call `sittings`, answer JSON."""

from __future__ import annotations

import json
import time
from typing import Any

from aiohttp import web

from syncd.central import sealed_papers, sittings
from syncd.central.access import principal
from syncd.central.keys import STORE
from syncd.errors import Malformed


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError) as err:
        raise Malformed("Send a JSON object.") from err
    if not isinstance(body, dict):
        raise Malformed("Send a JSON object.")
    return body


async def get_sittings(request: web.Request) -> web.Response:
    """GET /api/sittings?hall_id=: every sitting published, its state, and if it was received."""
    rows = await request.app[STORE].read(sittings.list_sittings, request.query.get("hall_id"))
    return web.json_response({"version": 1, "sittings": rows})


async def post_sitting(request: web.Request) -> web.Response:
    """POST /api/sittings {"hall_id", "exam_id", "starts", ...}: publishes a sitting to its hall."""
    plan = sittings.plan_of(await _body(request))
    by = (await principal(request)).name
    return web.json_response(await sittings.publish_sitting(request.app[STORE], plan, by,
                                                            time.time()))


async def post_sitting_change(request: web.Request) -> web.Response:
    """POST /api/sittings/{sitting_id}/change {settings}: 409 sitting_started once it started."""
    changes = await _body(request)
    if "starts" in changes:
        changes["starts_at"] = sittings.parse_starts(str(changes.pop("starts")))
    by = (await principal(request)).name
    return web.json_response(await sittings.change_sitting(
        request.app[STORE], request.match_info["sitting_id"], changes, by, time.time()))


async def get_release_code(request: web.Request) -> web.Response:
    """GET /api/sittings/{sitting_id}/code: a sealed sitting's release code (admins only)."""
    store = request.app[STORE]
    code = await store.read(sealed_papers.release_code, store.key, request.match_info["sitting_id"])
    return web.json_response({"version": 1, "code": code})


async def post_release(request: web.Request) -> web.Response:
    """POST /api/sittings/{sitting_id}/release: publishes the paper's key to its hall."""
    by = (await principal(request)).name
    return web.json_response(await sealed_papers.release(
        request.app[STORE], request.match_info["sitting_id"], by, time.time()))


async def post_sitting_end(request: web.Request) -> web.Response:
    """POST /api/sittings/{sitting_id}/end: publishes `sitting_ended` to its hall (admins only);
    409 sitting_not_started before the hall reported its start; once sent, `already` says so."""
    by = (await principal(request)).name
    return web.json_response(await sittings.end_sitting(
        request.app[STORE], request.match_info["sitting_id"], by, time.time()))

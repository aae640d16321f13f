"""Reading a JSON body into a checked model: 400 unreadable, 413 too large, 415 not JSON, 422 invalid."""

from __future__ import annotations

import zlib
from typing import TypeVar

import orjson
from aiohttp import web
from pydantic import BaseModel, ValidationError

from hallserver.keys import CONFIG
from hallserver.errors import BadRequest, Invalid, TooLarge, UnsupportedMediaType

M = TypeVar("M", bound=BaseModel)


async def read_body(request: web.Request) -> bytes:
    """The body, decompressed by aiohttp when gzip; TooLarge past the hall's limit."""
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge as err:
        limit = request.app[CONFIG].server.max_body_bytes
        raise TooLarge(f"The request is larger than the {limit} bytes the hall accepts.",
                       max_bytes=limit) from err
    except (zlib.error, ValueError) as err:
        raise BadRequest("The request body could not be decompressed.") from err


async def read_json(request: web.Request, model: type[M]) -> M:
    """The body as `model`, or the error that says what is wrong with it."""
    if request.content_type != "application/json":
        raise UnsupportedMediaType("Send the body as JSON with Content-Type: application/json.")
    raw = await read_body(request)
    try:
        data = orjson.loads(raw or b"{}")
    except orjson.JSONDecodeError as err:
        raise BadRequest(f"The body is not valid JSON: {err}.") from err
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise Invalid(f"{where}: {first['msg']}.", field=where) from err

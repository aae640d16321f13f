"""Reading a JSON body into a checked model: 400 unreadable, 413 too large, 415 not JSON, 422 invalid."""

from __future__ import annotations

from typing import TypeVar

import orjson
from aiohttp import web
from pydantic import BaseModel, ValidationError

from hallserver.keys import CONFIG
from hallserver.errors import BadRequest, Invalid, UnsupportedMediaType
from hallserver.web.bodies import read_limited

M = TypeVar("M", bound=BaseModel)


async def read_body(request: web.Request) -> bytes:
    """The body, inflated when gzip or deflate; TooLarge past the hall's limit."""
    return await read_limited(request, request.app[CONFIG].server.max_body_bytes)


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

"""JSON answers: every JSON response of the hall is made here (orjson: several times faster than
the standard library's encoder, which showed on every save and on every paper a hall opens)."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

_OPTIONS = orjson.OPT_NON_STR_KEYS  # as json.dumps does: {1: ...} becomes {"1": ...}


def json_answer(data: Any, status: int = 200) -> web.Response:
    """`data` as an application/json response."""
    return web.Response(body=orjson.dumps(data, option=_OPTIONS), status=status,
                        content_type="application/json")

"""JSON responses of the hall and the central, and the one JSON shape every error takes.

Every JSON response is made here (orjson: several times faster than the standard library's
encoder, which showed on every save and on every paper a hall opens). Each service makes its error
middleware with `error_middleware`, saying what a bug answers and which other faults it turns into
an ApiError (the central maps storage faults; the hall's write path does its own).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import orjson
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from examkit.errors import ApiError

_LOGGER = logging.getLogger(__name__)
_OPTIONS = orjson.OPT_NON_STR_KEYS  # as json.dumps does: {1: ...} becomes {"1": ...}

HTTP_MESSAGES = {
    400: ("bad_request", "The request could not be read."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address does not take that method."),
    413: ("too_large", "The request is larger than this server accepts."),
}


def json_response(data: Any, status: int = 200) -> web.Response:
    """`data` as an application/json response."""
    return web.Response(body=orjson.dumps(data, option=_OPTIONS), status=status,
                        content_type="application/json")


def render(error: ApiError) -> web.Response:
    """The JSON answer for an error a client can act on (with Retry-After when it says when)."""
    response = json_response(error.to_json(), status=error.status)
    retry_after = error.details.get("retry_after")
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def http_error(status: int, messages: dict[int, tuple[str, str]] | None = None) -> web.Response:
    """The JSON answer for an HTTP status aiohttp chose (never a word of the request in it)."""
    code, message = {**HTTP_MESSAGES, **(messages or {})}.get(
        status, ("http_error", "The request was refused."))
    return json_response({"error": {"code": code, "message": message}}, status=status)


def render_http(exc: web.HTTPException, messages: dict[int, tuple[str, str]] | None = None,
                ) -> web.Response:
    """The JSON answer for one of aiohttp's HTTP errors (keeping a 405's Allow header)."""
    response = http_error(exc.status, messages)
    if "Allow" in exc.headers:
        response.headers["Allow"] = exc.headers["Allow"]
    return response


def error_middleware(fault: Callable[[], ApiError], http_messages: dict[int, tuple[str, str]],
                     translate: Callable[[web.Request, Exception], ApiError | None] | None = None,
                     ) -> Middleware:
    """A middleware answering every error in the one JSON shape: ApiErrors, aiohttp's HTTP
    errors, what `translate` maps to an ApiError, and any other exception as `fault()` (logged)."""

    @web.middleware
    async def errors_as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiError as err:
            return render(err)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            return render_http(exc, http_messages)
        except Exception as err:  # noqa: BLE001 - a bug must still answer in the one shape
            known = translate(request, err) if translate is not None else None
            if known is not None:
                return render(known)
            _LOGGER.exception("unexpected error on %s %s", request.method, request.path)
            return render(fault())

    return errors_as_json

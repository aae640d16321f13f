"""One JSON shape for every error, whoever raised it: domain errors, aiohttp's, or a bug."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from hallserver.errors import HallError, InternalFault
from hallserver.web.answers import json_answer

_LOGGER = logging.getLogger(__name__)

_HTTP_MESSAGES = {
    400: ("bad_request", "The request could not be read."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address does not take that method."),
    413: ("too_large", "The request is too large for the hall to take."),
}


def render(error: HallError) -> web.Response:
    """The JSON answer for a domain error."""
    response = json_answer(error.to_json(), status=error.status)
    retry_after = error.details.get("retry_after")
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _from_http(exc: web.HTTPException) -> web.Response:
    code, message = _HTTP_MESSAGES.get(exc.status, ("http_error", exc.reason))
    response = json_answer({"error": {"code": code, "message": message}}, status=exc.status)
    if "Allow" in exc.headers:
        response.headers["Allow"] = exc.headers["Allow"]
    return response


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Renders HallError, aiohttp's HTTP errors and unexpected faults as JSON."""
    try:
        return await handler(request)
    except HallError as err:
        return render(err)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _from_http(exc)
    except Exception:  # noqa: BLE001 - a bug must still answer in the one shape, and be logged
        _LOGGER.exception("unexpected error on %s %s", request.method, request.path)
        return render(InternalFault("The hall hit an internal error; nothing was changed. "
                                    "Try again, and tell an invigilator if it repeats."))

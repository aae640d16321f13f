"""One JSON shape for every error, whoever raised it: domain errors, aiohttp's, or a bug."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from examkit.errors import ApiError
from examkit.responses import http_error as kernel_http_error
from examkit.responses import render, render_http
from hallserver.errors import InternalFault
from hallserver.web.bodies import CLOSE_CONNECTION

_LOGGER = logging.getLogger(__name__)

_HTTP_MESSAGES = {
    400: ("bad_request", "The request could not be read: its line, its headers or its body "
                         "are malformed or too long."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address does not take that method."),
    413: ("too_large", "The request is too large for the hall to take."),
    500: ("internal_error", "The hall hit an internal error; nothing was changed. Try again, "
                            "and tell an invigilator if it repeats."),
}


def http_error(status: int) -> web.Response:
    """The JSON answer for an HTTP status aiohttp chose (never a word of the request in it)."""
    return kernel_http_error(status, _HTTP_MESSAGES)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Renders the hall's errors, aiohttp's HTTP errors and unexpected faults as JSON."""
    try:
        return await handler(request)
    except ApiError as err:
        response = render(err)
        if request.get(CLOSE_CONNECTION):
            response.force_close()
        return response
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return render_http(exc, _HTTP_MESSAGES)
    except Exception:  # noqa: BLE001 - a bug must still answer in the one shape, and be logged
        _LOGGER.exception("unexpected error on %s %s", request.method, request.path)
        return render(InternalFault("The hall hit an internal error; nothing was changed. "
                                    "Try again, and tell an invigilator if it repeats."))

"""One JSON error shape for every answer of the central: sync errors, aiohttp's, storage, bugs."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler
from sqlalchemy.exc import SQLAlchemyError

from syncd.errors import SyncError, Unavailable

_LOGGER = logging.getLogger(__name__)

_HTTP = {
    400: ("bad_request", "The request could not be read."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address does not take that method."),
    413: ("too_large", "The request is larger than this central accepts."),
}


def render(error: SyncError) -> web.Response:
    """The JSON answer for a sync error."""
    return web.json_response(error.to_json(), status=error.status)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Renders every error as {"error": {"code", "message"}} with its status."""
    try:
        return await handler(request)
    except SyncError as err:
        return render(err)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code, message = _HTTP.get(exc.status, ("http_error", exc.reason))
        return web.json_response({"error": {"code": code, "message": message}}, status=exc.status)
    except (SQLAlchemyError, OSError) as err:
        _LOGGER.error("storage trouble on %s %s: %s", request.method, request.path, err)
        return render(Unavailable("The central's storage is not answering; nothing was "
                                  "changed. Try again shortly."))
    except Exception:  # noqa: BLE001 - a bug must still answer in the one shape, and be logged
        _LOGGER.exception("unexpected error on %s %s", request.method, request.path)
        return web.json_response({"error": {"code": "internal_error", "message": (
            "The central hit an internal error; nothing was changed.")}}, status=500)

"""One JSON error shape for every answer of the central: sync errors, aiohttp's, storage, bugs."""

from __future__ import annotations

import logging

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from examkit.errors import ApiError
from examkit.responses import error_middleware as _error_middleware
from syncd.errors import Unavailable

_LOGGER = logging.getLogger(__name__)

_HTTP_MESSAGES = {413: ("too_large", "The request is larger than this central accepts.")}


def _storage_fault(request: web.Request, err: Exception) -> ApiError | None:
    if not isinstance(err, (SQLAlchemyError, OSError)):
        return None
    _LOGGER.error("storage trouble on %s %s: %s", request.method, request.path, err)
    return Unavailable("The central's storage is not answering; nothing was changed. "
                       "Try again shortly.")


def _fault() -> ApiError:
    return ApiError("The central hit an internal error; nothing was changed.")


error_middleware = _error_middleware(_fault, _HTTP_MESSAGES, _storage_fault)

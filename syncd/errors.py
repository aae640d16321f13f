"""Errors of replication, each with the HTTP status and code word the central answers with.

    SyncError                      status  code
    ├── Malformed                  400     bad_request        not JSON, wrong fields or types
    ├── UnsupportedVersion         400     unsupported_version
    ├── BadSignature               401     bad_signature      wrong key, changed in transit
    ├── NotAllowed                 403     not_enrolled | revoked | wrong_central | not_admin
    ├── NotFound                   404     not_found
    ├── OutOfOrder                 409     gap | epoch_superseded | epoch_closed (with the mark)
    ├── Forked                     409     fork               (the stream is stopped, an alarm)
    ├── StreamStopped              409     stream_stopped
    ├── TooLarge                   413     too_large
    ├── ChainBroken                422     chain_broken       a link or a hash does not hold
    └── Unavailable                503     storage_unavailable
"""

from __future__ import annotations

from typing import Any


class SyncError(Exception):
    """An error a peer can act on: a status, a code word, a sentence and details."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details

    def to_json(self) -> dict[str, Any]:
        """The one error shape: {"error": {"code", "message", ...details}}."""
        return {"error": {"code": self.code, "message": self.message, **self.details}}


class Malformed(SyncError):
    status, code = 400, "bad_request"


class UnsupportedVersion(SyncError):
    status, code = 400, "unsupported_version"


class BadSignature(SyncError):
    status, code = 401, "bad_signature"


class NotAllowed(SyncError):
    status, code = 403, "not_enrolled"


class NotFound(SyncError):
    status, code = 404, "not_found"


class OutOfOrder(SyncError):
    status, code = 409, "gap"


class Forked(SyncError):
    status, code = 409, "fork"


class StreamStopped(SyncError):
    status, code = 409, "stream_stopped"


class TooLarge(SyncError):
    status, code = 413, "too_large"


class ChainBroken(SyncError):
    status, code = 422, "chain_broken"


class Unavailable(SyncError):
    status, code = 503, "storage_unavailable"

"""Domain errors, each carrying its HTTP status, and the one JSON shape every error takes.

    HallError                      status  code
    ├── BadRequest                 400     bad_request      malformed JSON, wrong content type
    ├── NotLoggedIn                401     not_logged_in
    ├── WrongCredentials           401     wrong_credentials
    ├── Forbidden                  403     forbidden        cross-site request, not yours
    ├── NotFound                   404     not_found
    ├── Conflict                   409     conflict
    │   ├── SessionCompleted       409     session_completed
    │   ├── LeaseLost              409     lease_lost       (the save is kept for review)
    │   ├── MovePending            409     move_pending     a new PC awaits an invigilator
    │   ├── TimeOver               409     time_over
    │   └── RevisionAhead          409     revision_ahead
    ├── TooLarge                   413     too_large
    ├── UnsupportedMediaType       415     unsupported_media_type
    ├── Invalid                    422     invalid          unknown question or option, wrong types
    ├── SlowDown                   429     slow_down        (with retry_after)
    ├── InternalFault              500     internal_error   a bug of ours; logged
    ├── DamagedRecord              500     damaged_record   a sealed row that does not open
    └── StorageUnavailable         503     storage_unavailable
    ConfigError                    (not HTTP: a bad hall.toml, shown by the CLI)

Domain code raises these and knows nothing of HTTP; `web/error_pages.py` renders them.
"""

from __future__ import annotations

from typing import Any


class ConfigError(Exception):
    """hall.toml (or another operator's file) is wrong; the message names what and why."""


class HallError(Exception):
    """An error a client can act on: a status, a code word and a sentence."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_json(self) -> dict[str, Any]:
        """The one error shape: {"error": {"code", "message", ...details}}."""
        return {"error": {"code": self.code, "message": self.message, **self.details}}


class BadRequest(HallError):
    status, code = 400, "bad_request"


class NotLoggedIn(HallError):
    status, code = 401, "not_logged_in"


class WrongCredentials(HallError):
    status, code = 401, "wrong_credentials"


class Forbidden(HallError):
    status, code = 403, "forbidden"


class NotFound(HallError):
    status, code = 404, "not_found"


class Conflict(HallError):
    status, code = 409, "conflict"


class SessionCompleted(Conflict):
    code = "session_completed"


class LeaseLost(Conflict):
    code = "lease_lost"


class MovePending(Conflict):
    code = "move_pending"


class TimeOver(Conflict):
    code = "time_over"


class RevisionAhead(Conflict):
    code = "revision_ahead"


class TooLarge(HallError):
    status, code = 413, "too_large"


class UnsupportedMediaType(HallError):
    status, code = 415, "unsupported_media_type"


class Invalid(HallError):
    status, code = 422, "invalid"


class SlowDown(HallError):
    status, code = 429, "slow_down"


class StorageUnavailable(HallError):
    status, code = 503, "storage_unavailable"


class InternalFault(HallError):
    status, code = 500, "internal_error"


class DamagedRecord(HallError):
    status, code = 500, "damaged_record"

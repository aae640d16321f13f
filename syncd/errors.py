"""Errors of replication, each with the HTTP status and code word the central answers with.

    SyncError                      status  code
    ├── Malformed                  400     bad_request        not JSON, wrong fields or types
    ├── UnsupportedVersion         400     unsupported_version
    ├── BadSignature               401     bad_signature      wrong key, changed in transit
    ├── NotLoggedIn                401     not_logged_in      no account login, no token
    ├── WrongCredentials           401     wrong_credentials  a central account's password
    ├── NotAllowed                 403     not_enrolled | revoked | wrong_central | not_admin |
    │                                      not_yours | cross_site
    ├── Conflict                   409     conflict           a name already taken
    ├── NotFound                   404     not_found
    ├── OutOfOrder                 409     gap | epoch_superseded | epoch_closed (with the mark)
    ├── Forked                     409     fork               (the stream is stopped, an alarm)
    ├── StreamStopped              409     stream_stopped
    ├── TooLarge                   413     too_large
    ├── Invalid                    422     invalid            a value that will not do
    ├── SlowDown                   429     slow_down          (with retry_after)
    ├── ChainBroken                422     chain_broken       a link or a hash does not hold
    └── Unavailable                503     storage_unavailable

SyncError is an `examkit.errors.ApiError`; a broken link is the kernel's `examkit.chain.ChainBroken`
(422 chain_broken), the same error the hall's own check raises.
"""

from __future__ import annotations

from examkit.errors import ApiError


class SyncError(ApiError):
    """An error a peer can act on: a status, a code word, a sentence and details."""


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


class Unavailable(SyncError):
    status, code = 503, "storage_unavailable"


class NotLoggedIn(SyncError):
    status, code = 401, "not_logged_in"


class WrongCredentials(SyncError):
    status, code = 401, "wrong_credentials"


class Conflict(SyncError):
    status, code = 409, "conflict"


class Invalid(SyncError):
    status, code = 422, "invalid"


class SlowDown(SyncError):
    status, code = 429, "slow_down"

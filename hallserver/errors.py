"""Domain errors, each carrying its HTTP status, and the one JSON shape every error takes.

    HallError                      status  code
    ├── BadRequest                 400     bad_request      malformed JSON, wrong content type
    ├── NotLoggedIn                401     not_logged_in
    ├── WrongCredentials           401     wrong_credentials
    ├── Forbidden                  403     forbidden        cross-site request, not yours
    │   ├── LateEntryClosed        403     late_entry_closed    after the late-entry window
    │   └── MarkedAbsent           403     marked_absent        until an invigilator admits them
    ├── NotFound                   404     not_found
    ├── Conflict                   409     conflict
    │   ├── SessionCompleted       409     session_completed
    │   ├── LeaseLost              409     lease_lost       (the save is kept for review)
    │   ├── MovePending            409     move_pending     a new PC awaits an invigilator
    │   ├── TimeOver               409     time_over
    │   ├── RevisionAhead          409     revision_ahead
    │   ├── EssayOutOfStep         409     essay_out_of_step    an essay's edit fits not its text
    │   ├── SittingNotStarted      409     sitting_not_started  the invigilator has not started it
    │   ├── SittingEnded           409     sitting_ended
    │   └── PaperSealed            409     paper_sealed     not released yet (release code)
    ├── TooLarge                   413     too_large
    ├── UnsupportedMediaType       415     unsupported_media_type
    ├── Invalid                    422     invalid          unknown question or option, wrong types
    │   └── WrongReleaseCode       422     wrong_release_code   mistyped or another sitting's
    ├── SlowDown                   429     slow_down        (with retry_after)
    ├── InternalFault              500     internal_error   a bug of ours; logged
    ├── DamagedRecord              500     damaged_record   a sealed row that does not open
    └── StorageUnavailable         503     storage_unavailable
    ConfigError                    (not HTTP: a bad hall.toml, shown by the CLI)

HallError and ConfigError come from the kernel (`examkit.errors`), which the central shares.
Domain code raises these and knows nothing of HTTP; `examkit.responses` renders them.
"""

from __future__ import annotations

from examkit.errors import ApiError, ConfigError  # noqa: F401 - the hall's code names it here


class HallError(ApiError):
    """An error a client can act on: a status, a code word and a sentence."""


class BadRequest(HallError):
    status, code = 400, "bad_request"


class NotLoggedIn(HallError):
    status, code = 401, "not_logged_in"


class WrongCredentials(HallError):
    status, code = 401, "wrong_credentials"


class Forbidden(HallError):
    status, code = 403, "forbidden"


class LateEntryClosed(Forbidden):
    code = "late_entry_closed"


class MarkedAbsent(Forbidden):
    code = "marked_absent"


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


class EssayOutOfStep(Conflict):
    code = "essay_out_of_step"


class SittingNotStarted(Conflict):
    code = "sitting_not_started"


class SittingEnded(Conflict):
    code = "sitting_ended"


class PaperSealed(Conflict):
    code = "paper_sealed"


class TooLarge(HallError):
    status, code = 413, "too_large"


class UnsupportedMediaType(HallError):
    status, code = 415, "unsupported_media_type"


class Invalid(HallError):
    status, code = 422, "invalid"


class WrongReleaseCode(Invalid):
    code = "wrong_release_code"


class SlowDown(HallError):
    status, code = 429, "slow_down"


class StorageUnavailable(HallError):
    status, code = 503, "storage_unavailable"


class InternalFault(HallError):
    status, code = 500, "internal_error"


class DamagedRecord(HallError):
    status, code = 500, "damaged_record"

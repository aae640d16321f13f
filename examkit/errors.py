"""The base of every error a client can act on, shared by the hall and the central.

    ApiError                       a status, a code word, a sentence and details
    ├── hallserver.errors.HallError      the hall's tree (drawn in hallserver/errors.py)
    ├── syncd.errors.SyncError           replication's tree (drawn in syncd/errors.py)
    └── examkit.chain.ChainBroken  422   chain_broken
    ConfigError                    (not HTTP: a bad hall.toml or central.toml, shown by the CLI)

`examkit.responses.render` turns any ApiError into the one JSON shape.
"""

from __future__ import annotations

from typing import Any


class ConfigError(Exception):
    """A settings file is wrong; the message names what and why."""


class ApiError(Exception):
    """An error a client can act on: a status, a code word and a sentence."""

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

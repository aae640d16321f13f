"""Devices: each login is a device (a browser on a lab PC), known by the token in its cookie."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Connection

from hallserver.db.models import candidates, devices
from hallserver.db.writer import Batch

T = TypeVar("T")


@dataclass(frozen=True)
class Device:
    """A logged-in browser: who is on it."""

    id: str
    candidate_id: int
    registration_number: str
    name: str


def token_hash(token: str) -> bytes:
    """What the database keeps of a cookie token (a stolen database opens no session)."""
    return hashlib.sha256(token.encode()).digest()


def new_token() -> tuple[str, str]:
    """A fresh device id and cookie token."""
    return uuid.uuid4().hex, secrets.token_urlsafe(32)


def stage_device(batch: Batch, device: Device, token: str, address: str, user_agent: str,
                 now: float) -> None:
    """Stages the row of a new login."""
    batch.insert(devices, {"id": device.id, "candidate_id": device.candidate_id,
                           "token_hash": token_hash(token), "address": address,
                           "user_agent": user_agent[:300], "created_at": now})


def read_device(connection: Connection, hashed: bytes) -> Device | None:
    """The device of a token, if it is still logged in."""
    row = connection.execute(
        select(devices.c.id, devices.c.candidate_id, candidates.c.registration_number,
               candidates.c.name)
        .join(candidates, candidates.c.id == devices.c.candidate_id)
        .where(devices.c.token_hash == hashed, devices.c.ended_at.is_(None))).first()
    return None if row is None else Device(row.id, row.candidate_id, row.registration_number, row.name)


class TokenBook(Generic[T]):
    """Logged-in devices (a candidate's or a staff member's) by token hash: no lookup per request."""

    def __init__(self) -> None:
        self._known: dict[bytes, T] = {}
        self._ended: set[bytes] = set()

    def known(self, hashed: bytes) -> T | None:
        """A device seen before, unless it logged out."""
        return None if hashed in self._ended else self._known.get(hashed)

    def remember(self, hashed: bytes, device: T) -> None:
        """Keeps a device read from the database or just logged in."""
        if hashed not in self._ended:
            self._known[hashed] = device

    async def find(self, hashed: bytes, read: Callable[[bytes], Awaitable[T | None]]) -> T | None:
        """The device of a token hash: remembered, else read (and then remembered)."""
        device = self.known(hashed)
        if device is None:
            device = await read(hashed)
            if device is not None:
                self.remember(hashed, device)
        return device

    def forget(self, hashed: bytes) -> None:
        """A device logged out: its token opens nothing from now on."""
        self._known.pop(hashed, None)
        self._ended.add(hashed)

"""The events log: append-only, gap-free, hash-chained, sealed at rest.

Every change of an exam session is appended here in the same transaction as the change. Each
event has a sequence number with no gap, and `hash = SHA-256(prev_hash ‖ seq ‖ body)` over the
canonical plaintext body, so the chain survives re-encryption and key rotation. Bodies are sealed
with (hall id, epoch, seq) as associated data. The live view, syncd, audit and appeals read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.engine import Connection

from examkit.chain import GENESIS, ChainBroken, canonical, chain_hash
from examkit.sealing import DataKey
from hallserver.db.models import events, hall_meta
from hallserver.db.writer import Batch

_HEAD = "events.head"
PURGED_SEQ, PURGED_HASH = "purged_through_seq", "purged_through_hash"  # rows of hall_meta


def associated_data(hall_id: str, epoch: int, seq: int) -> bytes:
    """An event's identity, bound to its sealed body."""
    return f"event|{hall_id}|{epoch}|{seq}".encode()


@dataclass(frozen=True)
class Event:
    """One decrypted event."""

    seq: int
    epoch: int
    kind: str
    session_id: str | None
    occurred_at: float
    body: dict[str, Any]
    prev_hash: bytes
    hash: bytes
    plain: bytes = b""   # the body exactly as stored and hashed


class EventLog:
    """Appends events on the write path; the head is read inside each batch's transaction."""

    def __init__(self, key: DataKey, hall_id: str, epoch: int) -> None:
        self._key, self.hall_id, self.epoch = key, hall_id, epoch

    def _head(self, connection: Connection, batch: Batch) -> tuple[int, bytes]:
        head = batch.scratch.get(_HEAD)
        if head is None:
            row = connection.execute(
                select(events.c.seq, events.c.hash).order_by(events.c.seq.desc()).limit(1)).first()
            head = (row.seq, row.hash) if row else (0, GENESIS)
        return head

    def append(self, connection: Connection, batch: Batch, kind: str, session_id: str | None,
               body: dict[str, Any], now: float) -> int:
        """Stages one event after the current head; returns its seq."""
        seq, prev_hash = self._head(connection, batch)
        seq += 1
        plain = canonical({"kind": kind, "session_id": session_id, "at": now, **body})
        digest = chain_hash(prev_hash, seq, plain)
        sealed = self._key.seal(plain, associated_data(self.hall_id, self.epoch, seq))
        batch.insert(events, {"seq": seq, "epoch": self.epoch, "kind": kind,
                              "session_id": session_id, "occurred_at": now, "body": sealed,
                              "prev_hash": prev_hash, "hash": digest})
        batch.remember(_HEAD, (seq, digest))
        return seq


def read_events(connection: Connection, key: DataKey, hall_id: str, after: int = 0,
                session_id: str | None = None) -> Iterator[Event]:
    """Events after `after`, decrypted, in order (optionally of one session)."""
    query = select(events).where(events.c.seq > after).order_by(events.c.seq)
    if session_id is not None:
        query = query.where(events.c.session_id == session_id)
    for row in connection.execute(query):
        plain = key.open(row.body, associated_data(hall_id, row.epoch, row.seq))
        yield Event(row.seq, row.epoch, row.kind, row.session_id, row.occurred_at,
                    orjson.loads(plain), row.prev_hash, row.hash, plain)


def purge_checkpoint(connection: Connection) -> tuple[int, bytes]:
    """The last purged event (seq, hash), or (0, genesis) when nothing was ever purged."""
    meta = dict(connection.execute(select(hall_meta.c.key, hall_meta.c.value).where(
        hall_meta.c.key.in_([PURGED_SEQ, PURGED_HASH]))).all())
    if PURGED_SEQ not in meta:
        return 0, GENESIS
    return int(meta[PURGED_SEQ]), bytes.fromhex(meta[PURGED_HASH])


def verify_chain(connection: Connection, key: DataKey, hall_id: str) -> int:
    """Checks every event kept: no gap, each body hashes to its link (from the last purged
    event on, if the log was purged). Returns how many were checked."""
    purged_seq, prev_hash = purge_checkpoint(connection)
    expected_seq = purged_seq + 1
    for event in read_events(connection, key, hall_id, after=purged_seq):
        if event.seq != expected_seq:
            raise ChainBroken(f"gap: expected event {expected_seq}, found {event.seq}")
        if event.prev_hash != prev_hash:
            raise ChainBroken(f"event {event.seq} does not link to event {event.seq - 1}")
        if chain_hash(prev_hash, event.seq, event.plain) != event.hash:
            raise ChainBroken(f"event {event.seq} was changed after it was written")
        expected_seq, prev_hash = event.seq + 1, event.hash
    return expected_seq - 1 - purged_seq

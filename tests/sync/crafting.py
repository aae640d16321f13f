"""Batches made by hand from a hall's real log and key: replays, changed bytes, gaps, forks."""

from __future__ import annotations

import dataclasses

from examkit.chain import GENESIS, chain_hash
from hallserver.config import HallConfig
from examkit.sealing import DataKey
from syncd.hall_log import HALL_DATA_KEY_FILE, HallLog
from syncd.protocol import Base, Batch, WireEvent, encode_batch
from syncd.signing import load_signing_key


def hall_log(config: HallConfig) -> HallLog:
    """The hall's log, read as syncd reads it."""
    return HallLog(config.database_path, DataKey.from_file(config.secrets_dir / HALL_DATA_KEY_FILE))


def events_of(config: HallConfig, first: int, last: int) -> list[WireEvent]:
    """Events first..last of the hall's log."""
    log = hall_log(config)
    try:
        return log.read_range(first, last)
    finally:
        log.close()


def signed(config: HallConfig, central_id: str, events: list[WireEvent], epoch: int = 1,
           base: Base | None = None, hall_id: str | None = None) -> bytes:
    """A batch of these events, signed with the hall's key."""
    log = hall_log(config)
    log.close()
    batch = Batch(hall_id or log.hall_id, central_id, epoch, tuple(events), base)
    return encode_batch(batch, load_signing_key(config.secrets_dir))


def first_base() -> Base:
    """The base of a hall's first epoch: nothing before it."""
    return Base(0, 0, GENESIS)


def rechained(events: list[WireEvent], change: bytes) -> list[WireEvent]:
    """The same events with the first body changed and every link recomputed (another history)."""
    out, prev = [], events[0].prev_hash
    for index, event in enumerate(events):
        body = event.body.replace(b'"kind":', change + b'"kind":', 1) if index == 0 else event.body
        digest = chain_hash(prev, event.seq, body)
        out.append(dataclasses.replace(event, prev_hash=prev, hash=digest, body=body))
        prev = digest
    return out

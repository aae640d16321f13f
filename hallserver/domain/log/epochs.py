"""Epochs: a hall database restored from a backup begins a new epoch instead of rewriting history.

The central holds what the hall sent. A restored database has lost the tail of its log, and the
events it writes next would reuse sequence numbers the central already holds with other hashes.
So at start, before the write path opens, `hall serve` compares its log with what syncd noted
(syncd's files in `[sync] state_dir`, read here and never written):

- `state.json` `hall_head` {"epoch", "seq", "hash"}: the newest event syncd read. If it was read in
  this epoch and the log no longer has that event with that hash, the database was replaced.
- `state.json` `central` {"epoch", "high_water_mark", "head_hash"}: what the central acknowledged.
  Same test, for the central's head; an epoch ahead of the database's means an older backup.
- `epoch-request.json`: syncd found the disagreement itself (the central is ahead of the log, or
  the chains differ) and asks for a new epoch for the epoch it names.

On any of these the hall takes epoch max(every epoch seen) + 1, in `hall_meta`, and logs an
`epoch_started` event as the first of it. syncd then sends the new epoch from the last event the
central and the hall share (see docs/protocol.md).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from examkit.sealing import DataKey
from hallserver.db.models import events, hall_meta
from examkit.chain import GENESIS, canonical, chain_hash
from hallserver.domain.log.events import associated_data

_LOGGER = logging.getLogger(__name__)
STATE_FILE = "state.json"
EPOCH_REQUEST_FILE = "epoch-request.json"


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _hash_at(connection: Connection, seq: int) -> bytes | None:
    if seq == 0:
        return GENESIS
    return connection.execute(select(events.c.hash).where(events.c.seq == seq)).scalar()


def _disagrees(connection: Connection, epoch: int, point: Any, seq_key: str,
               hash_key: str) -> tuple[str, int] | None:
    """(why, the epoch to pass) when a point syncd noted is not in this database's log."""
    if not isinstance(point, dict):
        return None
    noted_epoch = int(point.get("epoch") or 0)
    if noted_epoch > epoch:
        return f"syncd saw epoch {noted_epoch}; this database is at epoch {epoch}", noted_epoch
    seq = int(point.get(seq_key) or 0)
    if noted_epoch == epoch and seq > 0 and _hash_at(connection, seq) != bytes.fromhex(
            str(point.get(hash_key) or "")):
        return f"event {seq} that syncd saw is not in this database", noted_epoch
    return None


def restore_evidence(connection: Connection, hall_id: str, epoch: int,
                     sync_dir: Path) -> tuple[str, int] | None:
    """Why this database must begin a new epoch, and the highest epoch seen; None if it need not."""
    note = _read_json(sync_dir / STATE_FILE) or {}
    request = _read_json(sync_dir / EPOCH_REQUEST_FILE) or {}
    if note.get("hall_id") not in (None, hall_id):
        note = {}
    found = [_disagrees(connection, epoch, note.get("hall_head"), "seq", "hash"),
             _disagrees(connection, epoch, note.get("central"), "high_water_mark", "head_hash")]
    if request.get("hall_id") == hall_id and int(request.get("hall_epoch") or 0) >= epoch:
        seen = max(int(request.get("central_epoch") or 0), int(request["hall_epoch"]))
        found.append((f"syncd asked: {request.get('reason') or 'the central disagrees'}", seen))
    found = [f for f in found if f is not None]
    if not found:
        return None
    return "; ".join(why for why, _ in found), max(seen for _, seen in found)


def begin_epoch(connection: Connection, key: DataKey, hall_id: str, previous: int, new: int,
                reason: str, now: float) -> int:
    """Moves the hall to epoch `new` and logs `epoch_started` as its first event; returns its seq."""
    row = connection.execute(select(events.c.seq, events.c.hash)
                             .order_by(events.c.seq.desc()).limit(1)).first()
    last_seq, prev_hash = (row.seq, row.hash) if row else (0, GENESIS)
    seq = last_seq + 1
    plain = canonical({"kind": "epoch_started", "session_id": None, "at": now,
                       "previous_epoch": previous, "epoch": new, "reason": reason})
    connection.execute(events.insert().values(
        seq=seq, epoch=new, kind="epoch_started", session_id=None, occurred_at=now,
        body=key.seal(plain, associated_data(hall_id, new, seq)), prev_hash=prev_hash,
        hash=chain_hash(prev_hash, seq, plain)))
    connection.execute(update(hall_meta).where(hall_meta.c.key == "epoch").values(value=str(new)))
    return seq


def ensure_epoch(connection: Connection, key: DataKey, hall_id: str, epoch: int, sync_dir: Path,
                 now: float) -> int:
    """The epoch to serve in: the current one, or a new one when the database was restored."""
    evidence = restore_evidence(connection, hall_id, epoch, sync_dir)
    if evidence is None:
        return epoch
    reason, seen = evidence
    new = max(epoch, seen) + 1
    begin_epoch(connection, key, hall_id, epoch, new, reason, now)
    _LOGGER.warning("this hall database was restored (%s): epoch %d begins", reason, new)
    return new

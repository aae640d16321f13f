"""Read-only access to the hall database: identity, the events log, hashes and the backlog.

The hall database has one writer, `hall serve`; syncd opens it query-only and keeps each read short
(a WAL snapshot), so it never blocks a save nor holds back a checkpoint for long.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from examkit.sealing import DataKey
from hallserver.db.migrate import read_identity
from hallserver.db.models import events, hall_meta
from hallserver.domain.log.events import associated_data
from examkit.chain import GENESIS
from syncd.protocol import WireEvent

HALL_DATA_KEY_FILE = "data.key"  # hallserver.runtime.DATA_KEY_FILE, without importing the hall
EVENT_OVERHEAD = 200  # bytes of JSON around each body on the wire, counted against batch_max_bytes


DOWN_MARK, DOWN_HASH = "down_mark", "down_hash"  # rows of hall_meta: the last item applied


def read_mark(connection: Connection) -> tuple[int, bytes]:
    """The last item of the central's outbox applied here, and its hash; (0, genesis) before."""
    meta = dict(connection.execute(select(hall_meta.c.key, hall_meta.c.value).where(
        hall_meta.c.key.in_([DOWN_MARK, DOWN_HASH]))).all())
    if DOWN_MARK not in meta:
        return 0, GENESIS
    return int(meta[DOWN_MARK]), bytes.fromhex(meta[DOWN_HASH])


class HallLogError(Exception):
    """The hall database cannot be read (missing, not initialised); the message says what to do."""


def _read_only(engine: Engine, busy_timeout_ms: int) -> None:
    def connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA query_only = ON")
        cursor.close()
    event.listen(engine, "connect", connect)


class HallLog:
    """The hall's events, decrypted with the hall's data key, read in short snapshots."""

    def __init__(self, database_path: Path, key: DataKey, busy_timeout_ms: int = 5000) -> None:
        if not database_path.exists():
            raise HallLogError(f"no hall database at {database_path}; run `hall init` first")
        self._engine = create_engine(f"sqlite:///{database_path}", poolclass=NullPool)
        _read_only(self._engine, busy_timeout_ms)
        self._key = key
        self.hall_id, self.epoch = self.identity()

    def close(self) -> None:
        """Closes the engine."""
        self._engine.dispose()

    def _run(self, fn: Any, *args: Any) -> Any:
        try:
            with self._engine.connect() as connection:
                return fn(connection, *args)
        except OperationalError as err:
            raise HallLogError(f"cannot read the hall database: {err.orig}") from err

    def identity(self) -> tuple[str, int]:
        """The hall id and the hall's current epoch (hall_meta)."""
        try:
            return self._run(read_identity)
        except KeyError as err:
            raise HallLogError("the hall database has no identity yet; start `hall serve` "
                               "or run `hall db upgrade` once") from err

    def refresh(self) -> int:
        """Re-reads the epoch (it changes when `hall serve` starts a new one); returns it."""
        self.hall_id, self.epoch = self.identity()
        return self.epoch

    def head(self) -> tuple[int, bytes, int]:
        """The last event's seq, hash and epoch ((0, GENESIS, 0) for an empty log)."""
        def read(connection: Connection) -> tuple[int, bytes, int]:
            row = connection.execute(select(events.c.seq, events.c.hash, events.c.epoch)
                                     .order_by(events.c.seq.desc()).limit(1)).first()
            return (row.seq, row.hash, row.epoch) if row else (0, GENESIS, 0)
        return self._run(read)

    def down_mark(self) -> int:
        """The last item of the central's outbox this hall applied (0: none yet)."""
        return self._run(read_mark)[0]

    def hash_at(self, seq: int) -> bytes | None:
        """The hash of event `seq` (GENESIS for 0), None when the log has no such event."""
        if seq == 0:
            return GENESIS
        return self._run(lambda c: c.execute(select(events.c.hash)
                                             .where(events.c.seq == seq)).scalar())

    def read_after(self, after: int, max_events: int, max_bytes: int) -> list[WireEvent]:
        """The events after `after`, at most `max_events` and about `max_bytes` (at least one)."""
        def read(connection: Connection) -> list[WireEvent]:
            rows = connection.execute(select(events).where(events.c.seq > after)
                                      .order_by(events.c.seq).limit(max_events))
            out: list[WireEvent] = []
            size = 0
            for row in rows:
                wire = self._wire(row)
                size += len(wire.body) + EVENT_OVERHEAD
                if out and size > max_bytes:
                    break
                out.append(wire)
            return out
        return self._run(read)

    def read_range(self, first: int, last: int) -> list[WireEvent]:
        """Events first..last exactly (to rebuild a batch byte for byte)."""
        def read(connection: Connection) -> list[WireEvent]:
            rows = connection.execute(select(events).where(events.c.seq.between(first, last))
                                      .order_by(events.c.seq))
            return [self._wire(row) for row in rows]
        return self._run(read)

    def backlog(self, after: int) -> tuple[int, int]:
        """How many events, and of how many sessions, come after `after`."""
        def read(connection: Connection) -> tuple[int, int]:
            row = connection.execute(select(func.count(), func.count(events.c.session_id.distinct()))
                                     .where(events.c.seq > after)).one()
            return int(row[0]), int(row[1])
        return self._run(read)

    def _wire(self, row: Any) -> WireEvent:
        body = self._key.open(row.body, associated_data(self.hall_id, row.epoch, row.seq))
        return WireEvent(row.seq, row.epoch, row.prev_hash, row.hash, body)

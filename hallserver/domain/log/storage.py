"""Keeping the hall's storage healthy: what it holds, online backups, purging what the central
already has, vacuuming.

A purge removes only a prefix of the log that is both older than `[storage] retention_days` and
acknowledged by the central (as syncd noted it, checked against the hall's own chain). The last
removed event's seq and hash are kept in `hall_meta`, so the rest of the chain still verifies.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from hallserver.clock import iso
from hallserver.config import HallConfig
from hallserver.db.models import events, exam_records, exam_sessions, hall_meta
from hallserver.domain.log.events import PURGED_HASH, PURGED_SEQ, purge_checkpoint
from hallserver.domain.log.epochs import STATE_FILE

DAY = 86_400.0
AGE_BUCKETS = ((1, "under a day"), (7, "under a week"), (30, "under a month"))
NOT_STARTED = "not started"


@dataclass(frozen=True)
class Acknowledged:
    """What the central holds of this hall's log, as syncd last heard it."""

    epoch: int
    high_water_mark: int
    head_hash: bytes


def central_acknowledgement(config: HallConfig) -> Acknowledged | None:
    """The central's acknowledged high-water mark from syncd's notes, or None if it has none."""
    path = config.base_dir / config.sync.state_dir / STATE_FILE
    try:
        central = json.loads(path.read_text(encoding="utf-8")).get("central") or {}
        return Acknowledged(int(central["epoch"]), int(central["high_water_mark"]),
                            bytes.fromhex(central["head_hash"]))
    except (FileNotFoundError, ValueError, KeyError, TypeError, AttributeError):
        return None


def purge(connection: Connection, acknowledged: Acknowledged | None, older_than: float) -> int:
    """Removes the log's oldest events the central holds and the retention lets go; returns how
    many. Never an event the central has not acknowledged."""
    if acknowledged is None:
        return 0
    at_mark = connection.execute(select(events.c.hash, events.c.epoch).where(
        events.c.seq == acknowledged.high_water_mark)).first()
    if at_mark is None or at_mark.hash != acknowledged.head_hash or at_mark.epoch != acknowledged.epoch:
        return 0  # syncd's note does not match this log: trust nothing
    first_young = connection.execute(select(func.min(events.c.seq)).where(
        events.c.occurred_at >= older_than)).scalar()
    limit = acknowledged.high_water_mark if first_young is None else min(
        acknowledged.high_water_mark, first_young - 1)
    last = connection.execute(select(events.c.seq, events.c.hash).where(events.c.seq <= limit)
                              .order_by(events.c.seq.desc()).limit(1)).first()
    if last is None:
        return 0
    removed = connection.execute(delete(events).where(events.c.seq <= last.seq)).rowcount
    for key, value in ((PURGED_SEQ, str(last.seq)), (PURGED_HASH, last.hash.hex())):
        connection.execute(sqlite_insert(hall_meta).values(key=key, value=value)
                           .on_conflict_do_update(index_elements=["key"], set_={"value": value}))
    return removed


def report(connection: Connection, database: Path, now: float) -> dict[str, Any]:
    """What the hall holds: file sizes, the log, sessions by state and by age."""
    first, last, count = connection.execute(select(
        func.min(events.c.occurred_at), func.max(events.c.occurred_at), func.count())).one()
    by_state = dict(connection.execute(select(exam_records.c.status, func.count())
                                       .group_by(exam_records.c.status)).all())
    started = [r[0] for r in connection.execute(select(exam_records.c.started_at))]
    # Every session is in one bucket, as in sessions_by_state: those not started yet have no age.
    by_age: dict[str, int] = {label: 0 for _, label in AGE_BUCKETS} | {"older": 0, NOT_STARTED: 0}
    for at in started:
        if at is None:
            by_age[NOT_STARTED] += 1
            continue
        age_days = (now - at) / DAY
        label = next((label for days, label in AGE_BUCKETS if age_days < days), "older")
        by_age[label] += 1
    purged_seq, _ = purge_checkpoint(connection)
    wal = database.with_name(database.name + "-wal")
    return {"database_bytes": _size(database), "wal_bytes": _size(wal),
            "events": count, "first_event_at": iso(first), "last_event_at": iso(last),
            "purged_through_seq": purged_seq, "sessions_by_state": by_state,
            "sessions_by_age": by_age}


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def backup(database: Path, target: Path, busy_timeout_ms: int = 5000) -> int:
    """A consistent copy of the live database (SQLite's online backup); returns its size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise FileExistsError(f"{target} exists; choose another file")
    source = sqlite3.connect(database, timeout=busy_timeout_ms / 1000)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy, pages=1024)
        copy.execute("PRAGMA journal_mode = DELETE")
    finally:
        copy.close()
        source.close()
    target.chmod(0o600)
    return target.stat().st_size


def checked_backup(database: Path, target: Path, busy_timeout_ms: int = 5000) -> dict[str, Any]:
    """A backup (as `backup`), then SQLite's integrity check of the copy."""
    size = backup(database, target, busy_timeout_ms)
    copy = sqlite3.connect(target)
    try:
        integrity = copy.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        copy.close()
    return {"file": str(target), "bytes": size, "integrity_check": integrity}


def session_count(connection: Connection) -> int:
    """How many sessions the database holds (a cheap question that proves it answers)."""
    return connection.execute(select(func.count()).select_from(exam_sessions)).scalar_one()


def vacuum(database: Path, busy_timeout_ms: int = 5000) -> tuple[int, int]:
    """Folds the WAL back and rebuilds the file without free pages; returns sizes before, after."""
    before = _size(database) + _size(database.with_name(database.name + "-wal"))
    connection = sqlite3.connect(database, isolation_level=None, timeout=busy_timeout_ms / 1000)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return before, _size(database) + _size(database.with_name(database.name + "-wal"))

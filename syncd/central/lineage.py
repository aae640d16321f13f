"""Epochs as branches of a hall's history, and the events of one line of it.

Epoch E of a hall holds events base_seq+1.. and branches off its parent epoch after base_seq,
where both agree (same hash). The line of E up to seq n is therefore the parent's line up to
base_seq followed by E's own events: what the hall's log holds, when the hall is at epoch E.
When a hall begins a new epoch, its sessions that are not final are rebuilt from that line, so
the central follows the hall's restored history (completed sessions stay as they were: final).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from examkit.chain import GENESIS
from examkit.sealing import DataKey
from syncd.central import session_rows
from syncd.central.models import epochs, events
from syncd.central.projection import SUPERSEDED, SessionView, apply


def event_aad(hall_id: str, epoch: int, seq: int) -> bytes:
    """A stored event's identity, bound to its sealed body."""
    return f"central-event|{hall_id}|{epoch}|{seq}".encode()


def epoch_rows(connection: Connection, hall_id: str) -> dict[int, Any]:
    """Every epoch of a hall, by number."""
    rows = connection.execute(select(epochs).where(epochs.c.hall_id == hall_id))
    return {row.epoch: row for row in rows}


def segments(rows: dict[int, Any], epoch: int, upto: int) -> list[tuple[int, int, int]]:
    """(stream epoch, after seq, up to seq) of the line of `epoch` up to `upto`, oldest first."""
    found: list[tuple[int, int, int]] = []
    current: int | None = epoch
    while current is not None and current in rows and upto > 0:
        row = rows[current]
        if upto > row.base_seq:
            found.append((current, row.base_seq, upto))
        upto = min(upto, row.base_seq)
        current = row.parent_epoch
    return found[::-1]


def hash_at(connection: Connection, rows: dict[int, Any], hall_id: str, epoch: int,
            seq: int) -> bytes | None:
    """The hash of event `seq` in the line of `epoch`; None when the central does not hold it."""
    if seq == 0:
        return GENESIS
    for stream, after, upto in segments(rows, epoch, seq):
        if after < seq <= upto:
            return connection.execute(select(events.c.hash).where(
                events.c.hall_id == hall_id, events.c.epoch == stream,
                events.c.seq == seq)).scalar()
    return None


def read_line(connection: Connection, key: DataKey, hall_id: str, rows: dict[int, Any],
              epoch: int, upto: int) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """(stream epoch, seq, body) of every session event in the line of `epoch` up to `upto`."""
    for stream, after, last in segments(rows, epoch, upto):
        query = (select(events.c.seq, events.c.body).where(
            events.c.hall_id == hall_id, events.c.epoch == stream, events.c.seq > after,
            events.c.seq <= last, events.c.session_id.is_not(None)).order_by(events.c.seq))
        for row in connection.execute(query):
            body = key.open(row.body, event_aad(hall_id, stream, row.seq))
            yield stream, row.seq, json.loads(body)


def rebase(connection: Connection, key: DataKey, hall_id: str, rows: dict[int, Any],
           parent: int, base_seq: int) -> None:
    """Rebuilds the sessions that are not final from the line a new epoch branches off."""
    held = session_rows.load_open(connection, key, hall_id)
    if not held:
        return
    rebuilt: dict[str, SessionView] = {}
    for stream, seq, body in read_line(connection, key, hall_id, rows, parent, base_seq):
        session_id = body.get("session_id")
        if session_id in held:
            view = apply(rebuilt.get(session_id), hall_id, body, stream, seq)
            if view is not None:
                rebuilt[session_id] = view
    changed = []
    for session_id, before in held.items():
        after = rebuilt.get(session_id)
        if after is None:  # the restored hall never had it: kept for review, no longer live
            after = before.copy()
            after.state = SUPERSEDED
        after.ignored_after_final = before.ignored_after_final
        changed.append(after)
    session_rows.store(connection, key, [], changed)

"""One batch, applied in one transaction: checked, locked, continued, stored, projected, answered.

Before the transaction (no lock held): the batch parses, its digest matches its events, the hall
is enrolled and its key signed the header, it names this central, and its links hold. Inside it:
the hall's row is locked (SELECT ... FOR UPDATE: a lock in the database, so several central
processes on one PostgreSQL take turns per hall), then

- a replay (same hall, epoch, first seq and digest) gets the answer stored with it, nothing more;
- a batch of an older epoch is refused (`epoch_superseded`), with where the central stands;
- a new epoch must branch off where the central's line and the hall's log agree (`base`);
- otherwise the batch must start right after the high-water mark (`gap`, with the mark) and link
  to the central's head hash; an event with a held seq and another hash is a fork: the stream is
  stopped and the hall flagged, and that is committed even though the batch is refused;
- events are stored (unique on hall, epoch, seq), sessions move forward only, the answer is
  stored with the batch, and it is sent only after the commit.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.engine import Connection

from examkit.sealing import DataKey
from syncd.central import lineage, session_rows, sittings
from syncd.central.halls import hall_row, usable_key, view_of
from syncd.central.models import batches, epochs, events, halls
from syncd.central.projection import apply, moves_sessions
from syncd.central.store import AfterCommit, Store
from syncd.errors import Forked, Malformed, NotAllowed, OutOfOrder, StreamStopped
from syncd.protocol import VERSION, Batch, SignedBatch, check_links, decode_batch


async def receive_batch(store: Store, raw: bytes, max_events: int, now: float) -> dict[str, Any]:
    """Applies a batch; the answer, given only once it is committed."""
    signed = decode_batch(raw, max_events)
    batch = signed.batch
    hall = await store.read(hall_row, batch.hall_id)
    signed.verify(usable_key(hall, batch.hall_id))
    if batch.central_id != store.central_id:
        raise NotAllowed(f"This batch was made for central {batch.central_id}, not this one.",
                         code="wrong_central")
    check_links(batch)
    bodies = [event.decoded() for event in batch.events]
    sealed = [store.key.seal(e.body, lineage.event_aad(batch.hall_id, batch.epoch, e.seq))
              for e in batch.events]
    return await store.transaction(_apply, store.key, signed, hall.public_key, bodies, sealed, now)


def _apply(connection: Connection, key: DataKey, signed: SignedBatch, public_key: str,
           bodies: list[dict[str, Any]], sealed: list[bytes], now: float) -> dict[str, Any]:
    batch = signed.batch
    hall = hall_row(connection, batch.hall_id, lock=True)
    if usable_key(hall, batch.hall_id) and hall.public_key != public_key:
        raise NotAllowed("This hall's key changed while the batch was checked; send it again.")
    replayed = connection.execute(select(batches.c.answer).where(
        batches.c.hall_id == batch.hall_id, batches.c.epoch == batch.epoch,
        batches.c.first_seq == batch.first_seq, batches.c.digest == signed.digest)).scalar()
    if replayed is not None:
        return json.loads(replayed)
    rows = lineage.epoch_rows(connection, batch.hall_id)
    if batch.epoch < hall.epoch:
        raise OutOfOrder(f"Epoch {batch.epoch} of this hall is over: it is at epoch {hall.epoch}.",
                         code="epoch_superseded", **view_of(hall))
    if batch.epoch > hall.epoch:
        _start_epoch(connection, key, batch, hall, rows, now)
    else:
        _continue_epoch(connection, batch, hall, rows[hall.epoch], now)
    _store_events(connection, batch, bodies, sealed, now)
    _project(connection, key, batch, bodies)
    sittings.note_reports(connection, batch.hall_id, bodies)
    return _commit_answer(connection, signed, now)


def _continue_epoch(connection: Connection, batch: Batch, hall: Any, epoch: Any,
                    now: float) -> None:
    if epoch.stopped:
        raise StreamStopped(f"The stream of epoch {batch.epoch} is stopped: {epoch.stopped}. "
                            "Restart the hall server to begin a new epoch.", **view_of(hall))
    mark = epoch.high_water_mark
    if batch.first_seq > mark + 1:
        raise OutOfOrder(f"The central holds events up to {mark}; send from {mark + 1}.",
                         **view_of(hall))
    if batch.first_seq <= mark:
        _check_overlap(connection, batch, hall, mark, now)
        raise OutOfOrder(f"The central already holds events up to {mark}; send from {mark + 1}.",
                         **view_of(hall))
    if batch.events[0].prev_hash != epoch.head_hash:
        _stop(connection, batch.hall_id, batch.epoch, f"event {batch.first_seq} does not link to "
              f"event {mark} that the central holds", now)


def _check_overlap(connection: Connection, batch: Batch, hall: Any, mark: int, now: float) -> None:
    held = dict(connection.execute(select(events.c.seq, events.c.hash).where(
        events.c.hall_id == batch.hall_id, events.c.epoch == batch.epoch,
        events.c.seq.between(batch.first_seq, min(batch.last_seq, mark)))).all())
    for event in batch.events:
        if event.seq in held and held[event.seq] != event.hash:
            _stop(connection, batch.hall_id, batch.epoch,
                  f"event {event.seq} was sent again with another hash", now)


def _stop(connection: Connection, hall_id: str, epoch: int, reason: str, now: float) -> None:
    """Stops the stream, raises the alarm, keeps both, and refuses the batch."""
    connection.execute(update(epochs).where(epochs.c.hall_id == hall_id, epochs.c.epoch == epoch)
                       .values(stopped=reason))
    connection.execute(update(halls).where(halls.c.hall_id == hall_id)
                       .values(alarm=f"fork in epoch {epoch}: {reason}", alarm_at=now))
    raise AfterCommit(Forked(f"Fork in epoch {epoch}: {reason}. The stream is stopped; the "
                             "hall must begin a new epoch.", epoch=epoch))


def _start_epoch(connection: Connection, key: DataKey, batch: Batch, hall: Any,
                 rows: dict[int, Any], now: float) -> None:
    base = batch.base
    if base is None or base.seq + 1 != batch.first_seq or base.hash != batch.events[0].prev_hash:
        raise Malformed("The first batch of a new epoch names its base: the epoch and seq it "
                        "branches off, right before its first event, and that event's hash.")
    if base.epoch != hall.epoch or base.seq > hall.high_water_mark:
        raise OutOfOrder(f"The central is at epoch {hall.epoch} up to {hall.high_water_mark}; "
                         "branch off that.", **view_of(hall))
    if lineage.hash_at(connection, rows, batch.hall_id, base.epoch, base.seq) != base.hash:
        connection.execute(update(halls).where(halls.c.hall_id == batch.hall_id).values(
            alarm=f"epoch {batch.epoch} branches off a history the central does not hold "
                  f"(event {base.seq})", alarm_at=now))
        raise AfterCommit(Forked(f"Event {base.seq} of this hall differs from the one the "
                                 f"central holds; epoch {batch.epoch} cannot branch there.",
                                 epoch=batch.epoch))
    connection.execute(epochs.insert().values(
        hall_id=batch.hall_id, epoch=batch.epoch, parent_epoch=hall.epoch or None,
        base_seq=base.seq, base_hash=base.hash, high_water_mark=base.seq, head_hash=base.hash,
        started_at=now))
    if hall.epoch:
        lineage.rebase(connection, key, batch.hall_id, rows, hall.epoch, base.seq)


def _store_events(connection: Connection, batch: Batch, bodies: list[dict[str, Any]],
                  sealed: list[bytes], now: float) -> None:
    connection.execute(events.insert(), [
        {"hall_id": batch.hall_id, "epoch": batch.epoch, "seq": e.seq, "written_epoch": e.epoch,
         "kind": str(body.get("kind"))[:64], "session_id": _session_of(body),
         "occurred_at": float(body.get("at") or 0.0), "prev_hash": e.prev_hash, "hash": e.hash,
         "body": body_sealed, "received_at": now}
        for e, body, body_sealed in zip(batch.events, bodies, sealed, strict=True)])


def _session_of(body: dict[str, Any]) -> str | None:
    session_id = body.get("session_id")
    return session_id if isinstance(session_id, str) else None


def _project(connection: Connection, key: DataKey, batch: Batch,
             bodies: list[dict[str, Any]]) -> None:
    touched = {_session_of(b) for b in bodies if moves_sessions(str(b.get("kind")))} - {None}
    if not touched:
        return
    held = session_rows.load(connection, key, batch.hall_id, touched)  # type: ignore[arg-type]
    current = dict(held)
    for event, body in zip(batch.events, bodies, strict=True):
        session_id = _session_of(body)
        if session_id in touched:
            view = apply(current.get(session_id), batch.hall_id, body, batch.epoch, event.seq)
            if view is not None:
                current[session_id] = view
    new = [v for s, v in current.items() if s not in held]
    changed = [v for s, v in current.items() if s in held and v is not held[s]]
    session_rows.store(connection, key, new, changed)


def _commit_answer(connection: Connection, signed: SignedBatch, now: float) -> dict[str, Any]:
    batch = signed.batch
    head = batch.events[-1].hash
    connection.execute(update(epochs).where(epochs.c.hall_id == batch.hall_id,
                                            epochs.c.epoch == batch.epoch)
                       .values(high_water_mark=batch.last_seq, head_hash=head))
    left = case(
        (halls.c.backlog_events > len(batch.events), halls.c.backlog_events - len(batch.events)),
        else_=0)
    connection.execute(update(halls).where(halls.c.hall_id == batch.hall_id).values(
        epoch=batch.epoch, high_water_mark=batch.last_seq, head_hash=head, last_sync_at=now,
        backlog_events=left, backlog_sessions=case((left == 0, 0),
                                                   else_=halls.c.backlog_sessions)))
    answer = {"version": VERSION, "status": "accepted", "central_id": batch.central_id,
              "hall_id": batch.hall_id, "epoch": batch.epoch, "first_seq": batch.first_seq,
              "last_seq": batch.last_seq, "high_water_mark": batch.last_seq,
              "head_hash": head.hex()}
    connection.execute(batches.insert().values(
        hall_id=batch.hall_id, epoch=batch.epoch, first_seq=batch.first_seq,
        digest=signed.digest, last_seq=batch.last_seq, answer=json.dumps(answer), received_at=now))
    return answer

"""Halls at the central: enrollment, revocation, and the hello that tells a hall where it stands."""

from __future__ import annotations

import time
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from syncd.central import lineage
from syncd.central.models import halls
from syncd.central.store import Store
from syncd.errors import Malformed, NotAllowed
from examkit.chain import GENESIS
from syncd.protocol import VERSION, decode_hello, load_public_key, verify_hello

ENROLLED, REVOKED = "enrolled", "revoked"


def hall_row(connection: Connection, hall_id: str, lock: bool = False) -> Any:
    """The hall's row (locked until the transaction ends when `lock`), or None."""
    query = select(halls).where(halls.c.hall_id == hall_id)
    return connection.execute(query.with_for_update() if lock else query).first()


def usable_key(hall: Any, hall_id: str) -> Ed25519PublicKey:
    """The enrolled key of a hall that may push; NotAllowed otherwise."""
    if hall is None:
        raise NotAllowed(f"Hall {hall_id} is not enrolled at this central; give the admin the "
                         "output of `syncd enroll`.", code="not_enrolled")
    if hall.state != ENROLLED:
        raise NotAllowed(f"Hall {hall_id}'s key was revoked at this central; ask the admin to "
                         "enroll it again.", code="revoked")
    return load_public_key(hall.public_key)


def view_of(hall: Any) -> dict[str, Any]:
    """Where the central stands for a hall: its epoch, high-water mark and head hash."""
    return {"epoch": hall.epoch, "high_water_mark": hall.high_water_mark,
            "head_hash": hall.head_hash.hex()}


def _enroll(connection: Connection, hall_id: str, public_key: str, name: str, now: float) -> bool:
    existing = hall_row(connection, hall_id, lock=True)
    named = {"name": name} if name else {}
    if existing is None:
        connection.execute(halls.insert().values(
            hall_id=hall_id, public_key=public_key, state=ENROLLED, enrolled_at=now, epoch=0,
            high_water_mark=0, head_hash=GENESIS, backlog_events=0, backlog_sessions=0, **named))
        return True
    connection.execute(update(halls).where(halls.c.hall_id == hall_id).values(
        public_key=public_key, state=ENROLLED, enrolled_at=now, revoked_at=None, **named))
    return False


async def enroll_hall(store: Store, hall_id: str, public_key: str, name: str = "") -> bool:
    """Lets a hall push with this key (again, after a revocation); True when the hall is new.
    `name` (the hall's [hall] name) is shown until the hall's hellos give it."""
    if not hall_id or len(hall_id) > 64:
        raise Malformed("A hall id is 1 to 64 characters.")
    if len(name) > 128:
        raise Malformed("A hall's name is at most 128 characters.")
    load_public_key(public_key)
    return await store.transaction(_enroll, hall_id, public_key.lower(), name, time.time())


def _revoke(connection: Connection, hall_id: str, now: float) -> bool:
    result = connection.execute(update(halls).where(halls.c.hall_id == hall_id)
                                .values(state=REVOKED, revoked_at=now))
    return result.rowcount > 0


async def revoke_hall(store: Store, hall_id: str) -> bool:
    """Stops accepting a hall's batches (what it sent stays); False for an unknown hall."""
    return await store.transaction(_revoke, hall_id, time.time())


def _hello(connection: Connection, hall_id: str, backlog: tuple[int, int],
           probes: tuple[int, ...], name: str, down_mark: int | None, now: float) -> dict[str, Any]:
    hall = hall_row(connection, hall_id)
    named = {"name": name} if name else {}
    if down_mark is not None and down_mark > hall.down_mark:
        named.update(down_mark=down_mark, down_acked_at=now)
    connection.execute(update(halls).where(halls.c.hall_id == hall_id).values(
        last_hello_at=now, backlog_events=backlog[0], backlog_sessions=backlog[1], **named))
    rows = lineage.epoch_rows(connection, hall_id)
    stopped = rows[hall.epoch].stopped if hall.epoch in rows else None
    hashes = {str(seq): (found.hex() if (found := lineage.hash_at(
        connection, rows, hall_id, hall.epoch, seq)) is not None and seq <= hall.high_water_mark
        else None) for seq in probes}
    return {"state": hall.state, "stopped": stopped, "probes": hashes,
            "down_mark": max(hall.down_mark, down_mark or 0), **view_of(hall)}


async def hello(store: Store, raw: bytes) -> dict[str, Any]:
    """Answers a signed hello with where the central stands for that hall."""
    message, signature = decode_hello(raw)
    hall = await store.read(hall_row, message.hall_id)
    verify_hello(message, signature, usable_key(hall, message.hall_id))
    backlog = (message.backlog_events, message.backlog_sessions)
    view = await store.transaction(_hello, message.hall_id, backlog, message.probes,
                                   message.hall_name, message.down_mark, time.time())
    return {"version": VERSION, "central_id": store.central_id, "hall_id": message.hall_id, **view}

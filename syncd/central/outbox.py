"""Each hall's outbox: the hash-chained log of what the central published for that hall, and the
package (bounded, signed, byte-identical for the same request) a hall fetches from it.

Publishing appends items inside the caller's transaction, with the hall's row locked, so the items
and the change they publish commit together and seqs have no gap. A hall's outbox only ever holds
items about that hall; a revoked hall's request is refused before its outbox is read.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.engine import Connection

from examkit.chain import GENESIS, canonical, chain_hash
from examkit.sealing import DataKey
from syncd.central.halls import hall_row, usable_key
from syncd.central.models import outbox
from syncd.central.store import Store
from syncd.downlink import Item, Package, decode_request, encode_package, verify_request
from syncd.errors import NotFound


def item_aad(hall_id: str, seq: int) -> bytes:
    """An item's identity, bound to its sealed body."""
    return f"outbox|{hall_id}|{seq}".encode()


def _head(connection: Connection, hall_id: str) -> tuple[int, bytes]:
    row = connection.execute(select(outbox.c.seq, outbox.c.hash).where(outbox.c.hall_id == hall_id)
                             .order_by(outbox.c.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def lock_hall(connection: Connection, hall_id: str) -> Any:
    """The hall's row, locked until the commit; NotFound/NotAllowed unless it is enrolled."""
    hall = hall_row(connection, hall_id, lock=True)
    if hall is None:
        raise NotFound(f"No hall {hall_id} is enrolled here.")
    usable_key(hall, hall_id)
    return hall


def publish(connection: Connection, key: DataKey, hall_id: str, kind: str, body: dict[str, Any],
            by: str, now: float) -> int:
    """Appends one item to the hall's outbox (its row locked by `lock_hall`); returns its seq."""
    seq, prev_hash = _head(connection, hall_id)
    seq += 1
    plain = canonical(body)
    connection.execute(outbox.insert().values(
        hall_id=hall_id, seq=seq, kind=kind, prev_hash=prev_hash,
        hash=chain_hash(prev_hash, seq, plain), body=key.seal(plain, item_aad(hall_id, seq)),
        size=len(plain), published_at=now, published_by=by))
    return seq


def _items(connection: Connection, key: DataKey, hall_id: str, after: int, max_items: int,
           max_bytes: int) -> tuple[list[Item], bool]:
    rows = connection.execute(select(outbox).where(outbox.c.hall_id == hall_id,
                                                   outbox.c.seq > after)
                              .order_by(outbox.c.seq).limit(max_items + 1)).all()
    chosen, total = [], 0
    for row in rows[:max_items]:
        if chosen and total + row.size > max_bytes:
            break
        total += row.size
        chosen.append(row)
    items = [Item(r.seq, r.kind, r.prev_hash, r.hash, key.open(r.body, item_aad(hall_id, r.seq)))
             for r in chosen]
    return items, len(rows) > len(chosen)


def _read_package(connection: Connection, key: DataKey, hall_id: str, after: int,
                  max_items: int, max_bytes: int) -> tuple[list[Item], bool]:
    hall = hall_row(connection, hall_id)
    usable_key(hall, hall_id)  # revoked between the check and now: still nothing is read
    return _items(connection, key, hall_id, after, max_items, max_bytes)


async def serve_down(store: Store, sign_key: Ed25519PrivateKey, raw: bytes,
                     max_package_bytes: int, max_package_items: int) -> bytes | None:
    """The signed package after the hall's mark; None when nothing follows it."""
    request, signature = decode_request(raw)
    hall = await store.read(hall_row, request.hall_id)
    verify_request(request, signature, usable_key(hall, request.hall_id))
    items, more = await store.read(
        _read_package, store.key, request.hall_id, request.after,
        min(request.max_items, max_package_items), min(request.max_bytes, max_package_bytes))
    if not items:
        return None
    return encode_package(Package(store.central_id, request.hall_id, tuple(items), more),
                          sign_key)

"""The downward wire format, version 1: a hall's signed request, the central's signed package.

Both ends use this module; docs/protocol.md ("The downward half") says the same for people. An
item of a hall's outbox links like an event of the hall's log: `hash = SHA-256(prev_hash ‖ seq ‖
body)` over its canonical body. A package is signed whole by the central (every field but the
signature), so one changed byte anywhere is refused before anything is applied; the same request
gets the same bytes, since the items are fixed once published and Ed25519 is deterministic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from examkit.chain import ChainBroken, canonical, chain_hash
from syncd.errors import BadSignature, Malformed
from syncd.protocol import VERSION
from syncd.protocol import _hash as _hex, _int, _message, _str  # one parser of fields

_DOWN_CONTEXT = b"examhall-sync-down/1\n"
_PACKAGE_CONTEXT = b"examhall-sync-package/1\n"
KINDS = ("exam", "candidates", "sitting", "sitting_changed", "sitting_ended", "key_corrected",
         "sealed_paper", "paper_released")  # applied here


@dataclass(frozen=True)
class DownRequest:
    """A hall asking for the items of its outbox after its mark."""

    hall_id: str
    after: int
    max_items: int
    max_bytes: int
    sent_at: float

    def fields(self) -> dict[str, Any]:
        """The signed fields."""
        return {"version": VERSION, "type": "down", "hall_id": self.hall_id, "after": self.after,
                "max_items": self.max_items, "max_bytes": self.max_bytes,
                "sent_at": self.sent_at}


def encode_request(request: DownRequest, key: Ed25519PrivateKey) -> bytes:
    """The request's bytes, signed by the hall."""
    fields = request.fields()
    return canonical({**fields, "signature": key.sign(_DOWN_CONTEXT + canonical(fields)).hex()})


def decode_request(raw: bytes) -> tuple[DownRequest, bytes]:
    """Parses a request; returns it and its signature (checked with `verify_request`)."""
    data = _message(raw, "down")
    sent_at = data.get("sent_at")
    if not isinstance(sent_at, (int, float)) or isinstance(sent_at, bool):
        raise Malformed("sent_at must be a number.")
    request = DownRequest(_str(data, "hall_id"), _int(data, "after"), _int(data, "max_items"),
                          _int(data, "max_bytes"), float(sent_at))
    if request.max_items < 1:
        raise Malformed("max_items is at least 1.")
    return request, _hex(data, "signature", 64)


def verify_request(request: DownRequest, signature: bytes, public_key: Ed25519PublicKey) -> None:
    """BadSignature unless this hall's key signed the request."""
    try:
        public_key.verify(signature, _DOWN_CONTEXT + canonical(request.fields()))
    except InvalidSignature as err:
        raise BadSignature("The request's signature does not match this hall's enrolled key.") from err


@dataclass(frozen=True)
class Item:
    """One published item: its place in the hall's outbox, its links, its canonical body."""

    seq: int
    kind: str
    prev_hash: bytes
    hash: bytes
    body: bytes

    def to_json(self) -> dict[str, Any]:
        """The item's JSON form; the body travels as the exact canonical text."""
        return {"seq": self.seq, "kind": self.kind, "prev_hash": self.prev_hash.hex(),
                "hash": self.hash.hex(), "body": self.body.decode("utf-8")}

    @classmethod
    def from_json(cls, data: Any) -> Item:
        """Parses one item; Malformed when a field is missing or of the wrong type."""
        if not isinstance(data, dict):
            raise Malformed("Every item must be a JSON object.")
        kind = _str(data, "kind")
        if kind not in KINDS:
            raise Malformed(f"This hall does not know items of kind {kind!r}; upgrade it.")
        return cls(_int(data, "seq"), kind, _hex(data, "prev_hash"), _hex(data, "hash"),
                   _str(data, "body").encode("utf-8"))

    def decoded(self) -> dict[str, Any]:
        """The body as a dict."""
        try:
            body = json.loads(self.body)
        except ValueError as err:
            raise Malformed(f"The body of item {self.seq} is not JSON.") from err
        if not isinstance(body, dict):
            raise Malformed(f"The body of item {self.seq} is not an object.")
        return body


@dataclass(frozen=True)
class Package:
    """Consecutive items of one hall's outbox, from one central."""

    central_id: str
    hall_id: str
    items: tuple[Item, ...]
    more: bool

    @property
    def first_seq(self) -> int:
        """The first item's seq."""
        return self.items[0].seq

    @property
    def last_seq(self) -> int:
        """The last item's seq."""
        return self.items[-1].seq

    def fields(self) -> dict[str, Any]:
        """Every field but the signature."""
        return {"version": VERSION, "type": "package", "central_id": self.central_id,
                "hall_id": self.hall_id, "first_seq": self.first_seq,
                "last_seq": self.last_seq, "prev_hash": self.items[0].prev_hash.hex(),
                "more": self.more, "items": [item.to_json() for item in self.items]}


def encode_package(package: Package, key: Ed25519PrivateKey) -> bytes:
    """The package's bytes, signed by the central."""
    fields = package.fields()
    signature = key.sign(_PACKAGE_CONTEXT + canonical(fields))
    return canonical({**fields, "signature": signature.hex()})


def decode_package(raw: bytes, central_key: Ed25519PublicKey) -> Package:
    """Parses a package and checks the central's signature over it; nothing is trusted before."""
    data = _message(raw, "package")
    signature = _hex(data, "signature", 64)
    fields = {k: v for k, v in data.items() if k != "signature"}
    try:
        central_key.verify(signature, _PACKAGE_CONTEXT + canonical(fields))
    except InvalidSignature as err:
        raise BadSignature("The package's signature does not match the central's key this hall "
                           "learned at enrollment: it was changed in transit, or signed by "
                           "another central.") from err
    items = data.get("items")
    if not isinstance(items, list) or not items:
        raise Malformed("A package carries a non-empty list of items.")
    more = data.get("more")
    if not isinstance(more, bool):
        raise Malformed("more must be true or false.")
    package = Package(_str(data, "central_id"), _str(data, "hall_id"),
                      tuple(Item.from_json(i) for i in items), more)
    if package.fields() != fields:
        raise Malformed("The package's header does not match its items.")
    return package


def check_package(package: Package, hall_id: str, mark: int, mark_hash: bytes) -> None:
    """Checks a verified package follows this hall's mark, link by link; raises otherwise."""
    if package.hall_id != hall_id:
        raise BadSignature(f"The package is for hall {package.hall_id}, not this one.")
    if package.first_seq != mark + 1:
        raise ChainBroken(f"The package starts at item {package.first_seq}; this hall holds "
                          f"items up to {mark}.")
    prev_hash, expected = mark_hash, mark + 1
    for item in package.items:
        if item.seq != expected or item.prev_hash != prev_hash:
            raise ChainBroken(f"item {item.seq} does not follow item {expected - 1}")
        if chain_hash(prev_hash, item.seq, item.body) != item.hash:
            raise ChainBroken(f"item {item.seq} does not hash to its link")
        prev_hash, expected = item.hash, expected + 1


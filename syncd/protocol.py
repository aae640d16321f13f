"""The sync wire format, version 1: canonical bytes, hello and batch messages, Ed25519 signatures.

Both ends use this module; docs/protocol.md describes the same thing for people. A message is
canonical JSON (sorted keys, no spaces, UTF-8: `examkit.chain.canonical`, the same bytes the hall
hashes its log over). A hello is signed whole; a batch signs its header
(hall, central, epoch, range, previous hash, base and the digest of its events), and the digest
covers the events exactly, so one changed byte anywhere is refused. Given the same range of the
same log and the same key, a batch is rebuilt byte for byte (Ed25519 signatures are deterministic).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from examkit.chain import ChainBroken, canonical, chain_hash
from syncd.errors import BadSignature, Malformed, UnsupportedVersion

VERSION = 1
_BATCH_CONTEXT = b"examhall-sync-batch/1\n"
_HELLO_CONTEXT = b"examhall-sync-hello/1\n"


def public_key_hex(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The raw 32-byte public key, hex."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes_raw().hex()


def key_fingerprint(public_hex: str) -> str:
    """SHA-256 of the raw public key, hex: what an admin compares by eye."""
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()


def load_public_key(public_hex: str) -> Ed25519PublicKey:
    """A public key from its hex form; Malformed when it is not one."""
    try:
        raw = bytes.fromhex(public_hex)
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as err:
        raise Malformed("A public key is 64 hex digits (32 bytes of Ed25519).") from err


@dataclass(frozen=True)
class WireEvent:
    """One event as sent: its identity, its links, and its canonical plaintext body."""

    seq: int
    epoch: int      # the epoch the hall was in when it wrote the event
    prev_hash: bytes
    hash: bytes
    body: bytes

    def to_json(self) -> dict[str, Any]:
        """The event's JSON form; the body travels as the exact canonical text."""
        return {"seq": self.seq, "epoch": self.epoch, "prev_hash": self.prev_hash.hex(),
                "hash": self.hash.hex(), "body": self.body.decode("utf-8")}

    @classmethod
    def from_json(cls, data: Any) -> WireEvent:
        """Parses one event; Malformed when a field is missing or of the wrong type."""
        if not isinstance(data, dict):
            raise Malformed("Every event must be a JSON object.")
        return cls(_int(data, "seq"), _int(data, "epoch"), _hash(data, "prev_hash"),
                   _hash(data, "hash"), _str(data, "body").encode("utf-8"))

    def decoded(self) -> dict[str, Any]:
        """The body as a dict."""
        try:
            body = json.loads(self.body)
        except ValueError as err:
            raise Malformed(f"The body of event {self.seq} is not JSON.") from err
        if not isinstance(body, dict) or not isinstance(body.get("kind"), str):
            raise Malformed(f"The body of event {self.seq} is not an event.")
        return body


@dataclass(frozen=True)
class Base:
    """Where a new epoch branches off the central's history: that epoch's seq and its hash."""

    epoch: int
    seq: int
    hash: bytes

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"epoch": self.epoch, "seq": self.seq, "hash": self.hash.hex()}

    @classmethod
    def from_json(cls, data: Any) -> Base | None:
        """Parses a base (null when the batch continues its epoch)."""
        if data is None:
            return None
        if not isinstance(data, dict):
            raise Malformed("base must be an object or null.")
        return cls(_int(data, "epoch"), _int(data, "seq"), _hash(data, "hash"))


@dataclass(frozen=True)
class Batch:
    """A contiguous run of one hall's events, for one central, in one epoch."""

    hall_id: str
    central_id: str
    epoch: int
    events: tuple[WireEvent, ...]
    base: Base | None = None

    @property
    def first_seq(self) -> int:
        """The first event's seq."""
        return self.events[0].seq

    @property
    def last_seq(self) -> int:
        """The last event's seq."""
        return self.events[-1].seq

    def digest(self) -> bytes:
        """SHA-256 of the canonical events: what the signature covers of them."""
        return hashlib.sha256(canonical([e.to_json() for e in self.events])).digest()

    def header(self) -> dict[str, Any]:
        """The signed part."""
        return {"version": VERSION, "type": "batch", "hall_id": self.hall_id,
                "central_id": self.central_id, "epoch": self.epoch, "first_seq": self.first_seq,
                "last_seq": self.last_seq, "prev_hash": self.events[0].prev_hash.hex(),
                "base": self.base.to_json() if self.base else None,
                "digest": self.digest().hex()}


def encode_batch(batch: Batch, key: Ed25519PrivateKey) -> bytes:
    """The batch's bytes on the wire, signed."""
    header = batch.header()
    signature = key.sign(_BATCH_CONTEXT + canonical(header))
    return canonical({**header, "events": [e.to_json() for e in batch.events],
                      "signature": signature.hex()})


@dataclass(frozen=True)
class SignedBatch:
    """A parsed batch, its digest checked, its signature not yet (that needs the hall's key)."""

    batch: Batch
    digest: bytes
    signature: bytes

    def verify(self, public_key: Ed25519PublicKey) -> None:
        """BadSignature unless this hall's key signed exactly this header."""
        try:
            public_key.verify(self.signature, _BATCH_CONTEXT + canonical(self.batch.header()))
        except InvalidSignature as err:
            raise BadSignature("The batch's signature does not match this hall's enrolled key: "
                               "it was changed in transit, or signed by another key.") from err


def decode_batch(raw: bytes, max_events: int) -> SignedBatch:
    """Parses a batch and checks that its events are the ones its header signs."""
    data = _message(raw, "batch")
    events = data.get("events")
    if not isinstance(events, list) or not events:
        raise Malformed("A batch carries a non-empty list of events.")
    if len(events) > max_events:
        raise Malformed(f"A batch carries at most {max_events} events.")
    batch = Batch(_str(data, "hall_id"), _str(data, "central_id"), _int(data, "epoch"),
                  tuple(WireEvent.from_json(e) for e in events), Base.from_json(data.get("base")))
    claimed = batch.header()
    for name in ("first_seq", "last_seq", "prev_hash", "digest"):
        if data.get(name) != claimed[name]:
            raise BadSignature(f"The batch's {name} does not match its events: it was changed.")
    return SignedBatch(batch, batch.digest(), _hash(data, "signature", 64))


def check_links(batch: Batch) -> None:
    """ChainBroken unless the events follow one another and each hashes to its link."""
    prev_hash, expected = batch.events[0].prev_hash, batch.first_seq
    for event in batch.events:
        if event.seq != expected or event.prev_hash != prev_hash:
            raise ChainBroken(f"event {event.seq} does not follow event {expected - 1} "
                              "in this batch")
        if chain_hash(prev_hash, event.seq, event.body) != event.hash:
            raise ChainBroken(f"event {event.seq} does not hash to its link")
        prev_hash, expected = event.hash, expected + 1


@dataclass(frozen=True)
class Hello:
    """A hall asking where the central stands, and telling it its backlog."""

    hall_id: str
    epoch: int
    backlog_events: int
    backlog_sessions: int
    probes: tuple[int, ...] = ()
    sent_at: float = 0.0
    hall_name: str = ""     # the hall's [hall] name, for people; absent from older halls' hellos
    down_mark: int | None = None  # the last item of its outbox the hall applied; absent: older

    def fields(self) -> dict[str, Any]:
        """The signed fields (hall_name and down_mark only when given, so older hellos verify)."""
        fields = {"version": VERSION, "type": "hello", "hall_id": self.hall_id,
                  "epoch": self.epoch,
                  "backlog": {"events": self.backlog_events, "sessions": self.backlog_sessions},
                  "probes": list(self.probes), "sent_at": self.sent_at}
        if self.down_mark is not None:
            fields["down_mark"] = self.down_mark
        return {**fields, "hall_name": self.hall_name} if self.hall_name else fields


def encode_hello(hello: Hello, key: Ed25519PrivateKey) -> bytes:
    """The hello's bytes, signed whole."""
    fields = hello.fields()
    return canonical({**fields, "signature": key.sign(_HELLO_CONTEXT + canonical(fields)).hex()})


def decode_hello(raw: bytes) -> tuple[Hello, bytes]:
    """Parses a hello; returns it and its signature (checked with `verify_hello`)."""
    data = _message(raw, "hello")
    backlog, probes = data.get("backlog"), data.get("probes")
    if not isinstance(backlog, dict) or not isinstance(probes, list) or len(probes) > 64:
        raise Malformed("A hello carries a backlog object and at most 64 probes.")
    if not all(isinstance(p, int) and not isinstance(p, bool) and p >= 0 for p in probes):
        raise Malformed("Probes are sequence numbers.")
    sent_at = data.get("sent_at")
    if not isinstance(sent_at, (int, float)):
        raise Malformed("sent_at must be a number.")
    hall_name = data.get("hall_name", "")
    if not isinstance(hall_name, str) or len(hall_name) > 128:
        raise Malformed("hall_name is a string of at most 128 characters.")
    down_mark = _int(data, "down_mark") if "down_mark" in data else None
    hello = Hello(_str(data, "hall_id"), _int(data, "epoch"), _int(backlog, "events"),
                  _int(backlog, "sessions"), tuple(probes), float(sent_at), hall_name, down_mark)
    return hello, _hash(data, "signature", 64)


def verify_hello(hello: Hello, signature: bytes, public_key: Ed25519PublicKey) -> None:
    """BadSignature unless this hall's key signed the hello."""
    try:
        public_key.verify(signature, _HELLO_CONTEXT + canonical(hello.fields()))
    except InvalidSignature as err:
        raise BadSignature("The hello's signature does not match this hall's enrolled key.") from err


def _message(raw: bytes, kind: str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as err:
        raise Malformed(f"The {kind} is not valid JSON: {err}.") from err
    if not isinstance(data, dict):
        raise Malformed(f"A {kind} is a JSON object.")
    if data.get("version") != VERSION:
        raise UnsupportedVersion(f"This central speaks sync version {VERSION}, not "
                                 f"{data.get('version')!r}; upgrade syncd or the central.",
                                 supported=[VERSION])
    if data.get("type") != kind:
        raise Malformed(f"Expected a {kind}, got {data.get('type')!r}.")
    return data


def _int(data: dict[str, Any], name: str) -> int:
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise Malformed(f"{name} must be a whole number, not {value!r}.")
    return value


def _str(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise Malformed(f"{name} must be a non-empty string.")
    return value


def _hash(data: dict[str, Any], name: str, size: int = 32) -> bytes:
    value = data.get(name)
    try:
        raw = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        raw = b""
    if len(raw) != size or value != raw.hex():
        raise Malformed(f"{name} must be {size * 2} lowercase hex digits.")
    return raw

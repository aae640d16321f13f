"""The kernel's one canonical form and chain: the bytes stored hall logs were hashed over, and the
central accepting every chain a hall can write, whatever the bodies hold.

Before the kernel, the hall encoded with orjson and the central with `json.dumps`. A property test
over awkward bodies (this file's strategy) found they differ: small floats (`0.00001` against
`1e-05`, `5.960464477539063e-8` against `...e-08`), NaN and infinities (`null` against refused),
integers beyond 64 bits and non-string keys (refused against accepted). Non-ASCII text, control
characters, nesting, key order and 64-bit integers encoded the same. The central never re-encoded
a body (it checks the bytes sent), so no stored chain was affected; the hall's encoding is kept.
"""

from __future__ import annotations

import math

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from examkit.chain import GENESIS, ChainBroken, canonical, chain_hash
from syncd.protocol import Batch, WireEvent, check_links, decode_batch, encode_batch

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=10)
_SCALARS = (st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | _TEXT
            | st.floats(allow_nan=False, allow_infinity=False)
            | st.sampled_from([1e-05, 6.103515625e-05, 5.960464477539063e-08, 1e16, -0.0, 1e300]))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(_TEXT, inner, max_size=4), max_leaves=16)
BODIES = st.dictionaries(_TEXT, _VALUES, max_size=6)

# Written by the hall's encoder before the kernel existed (main at 2751f45): a stored log's truth.
STORED_BODY = {"kind": "answers_saved", "session_id": "s-1", "at": 1764400000.125,
               "answers": {"q2": ["b", "a"], "q1": "é 中 \u2028"}, "revision": 2**63,
               "weight": 1e-05, "small": 5.960464477539063e-08}
STORED_PLAIN = (b'{"answers":{"q1":"\xc3\xa9 \xe4\xb8\xad \xe2\x80\xa8","q2":["b","a"]},'
                b'"at":1764400000.125,"kind":"answers_saved","revision":9223372036854775808,'
                b'"session_id":"s-1","small":5.960464477539063e-8,"weight":0.00001}')
STORED_HASH = "554a5ceb3ed07a7e6f1ad6638a929c9e6c77eb298f550b88af6f720e1f66fc21"


def test_the_bytes_of_a_stored_log_are_kept():
    """A body the hall stored before the kernel encodes and hashes exactly as it did then."""
    assert canonical(STORED_BODY) == STORED_PLAIN
    assert chain_hash(GENESIS, 1, STORED_PLAIN).hex() == STORED_HASH


def _same_json(left, right) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return left == right and math.copysign(1, left) == math.copysign(1, right)
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same_json(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_same_json, left, right))
    return type(left) is type(right) and left == right


@settings(max_examples=150, deadline=None)
@given(BODIES)
def test_one_body_has_one_byte_form(body):
    """Key order does not change the bytes, and the bytes read back as the same body."""
    reordered = dict(reversed(list(body.items())))
    assert canonical(reordered) == canonical(body)
    assert _same_json(orjson.loads(canonical(body)), body)


@settings(max_examples=60, deadline=None)
@given(st.lists(BODIES, min_size=1, max_size=5))
def test_the_central_accepts_every_chain_the_hall_writes(bodies):
    """Events chained by the hall's rule cross the wire byte for byte and pass the central's
    link check; one changed byte breaks it."""
    prev, events = GENESIS, []
    for seq, body in enumerate(bodies, start=1):
        plain = canonical({"kind": "answers_saved", "session_id": "s", "at": 1.5e9, **body})
        digest = chain_hash(prev, seq, plain)
        events.append(WireEvent(seq, 1, prev, digest, plain))
        prev = digest
    wire = encode_batch(Batch("hall", "central", 1, tuple(events)), Ed25519PrivateKey.generate())
    received = decode_batch(wire, max_events=10).batch
    assert [e.body for e in received.events] == [e.body for e in events]
    check_links(received)
    changed = WireEvent(1, 1, GENESIS, events[0].hash, events[0].body + b" ")
    with pytest.raises(ChainBroken):
        check_links(Batch("hall", "central", 1, (changed, *received.events[1:])))


def test_what_json_would_have_written_differently_is_pinned():
    """The cases the property test found, in the form the kernel keeps (the hall's)."""
    assert canonical({"x": 1e-05}) == b'{"x":0.00001}'
    assert canonical({"x": 5.960464477539063e-08}) == b'{"x":5.960464477539063e-8}'
    with pytest.raises(TypeError):
        canonical({"x": 2**64})
    with pytest.raises(TypeError):
        canonical({1: "a"})

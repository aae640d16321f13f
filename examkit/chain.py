"""The hash chain of a hall's log: the canonical byte form of a body, and the link rule.

The hall writes each event body in `canonical` form and links it with `chain_hash`; the central
checks the links over the exact bytes the hall sent, never over a re-serialisation, so the two
ends cannot disagree about a body. The encoding is orjson's (sorted keys, no spaces, UTF-8): the
bytes every stored hall log was hashed over. It differs from `json.dumps` on small floats
(`1e-05` there, `0.00001` here; `1e-08` there, `1e-8` here), on NaN and infinities (refused
there, `null` here), on integers beyond 64 bits and on non-string keys (accepted there, refused
here); tests/test_kernel_chain.py pins the bytes.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from examkit.errors import ApiError

GENESIS = bytes(32)


class ChainBroken(ApiError):
    """A gap, a changed body or a broken link; the message says where."""

    status, code = 422, "chain_broken"


def canonical(value: Any) -> bytes:
    """The one byte form of a JSON value: sorted keys, no spaces, UTF-8."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def chain_hash(prev_hash: bytes, seq: int, body: bytes) -> bytes:
    """H(prev_hash ‖ seq ‖ body), seq as 8 bytes big-endian."""
    return hashlib.sha256(prev_hash + seq.to_bytes(8, "big") + body).digest()

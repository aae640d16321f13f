"""Throttling wrong secrets: limited per name and per address; for logins, right ones never are.

Each key (a registration number or staff name, an address) has a bucket of allowed failures that
refills steadily. Only failures draw from it, so a whole hall logging in at once from behind one
NAT address is never slowed, while guessing is. The service says how a refusal reads: `refuse`
turns (which allowance was spent: "address" or "name", seconds to wait) into its own error.

A sitting's release code is throttled by the same buckets ("name" the sitting, "address" the
member of staff), with `check` before each try: a code that could open a paper is not even tried
while an allowance is spent, since a right guess would be the end of the seal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

_PRUNE_AT = 50_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class LoginThrottle:
    """Failure allowances per name and per address."""

    def __init__(self, per_name: int, per_address: int, refill_seconds: float,
                 refuse: Callable[[str, int], Exception]) -> None:
        self._limits = {"name": per_name, "address": per_address}
        self._refill_seconds = refill_seconds
        self._refuse = refuse
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def _level(self, kind: str, name: str, now: float) -> _Bucket:
        limit = self._limits[kind]
        bucket = self._buckets.get((kind, name)) or _Bucket(limit, now)
        bucket.tokens = min(limit, bucket.tokens + (now - bucket.updated) * limit / self._refill_seconds)
        bucket.updated = now
        return bucket

    def failed(self, address: str, name: str, now: float) -> None:
        """Draws one failure from both allowances; raises `refuse(...)` when either was spent.

        Called only once a secret proved wrong, so a right one is never refused: whoever guesses
        at someone's name, from this PC or from one sharing its address, the real owner still
        gets in.
        """
        if len(self._buckets) > _PRUNE_AT:
            self._prune(now)
        spent = None
        for kind, key in (("address", address), ("name", name)):
            bucket = self._level(kind, key, now)
            if bucket.tokens < 1 and spent is None:
                spent = self._refusal(kind, bucket)   # the wait before this failure draws
            bucket.tokens = max(bucket.tokens - 1, -self._limits[kind])
            self._buckets[(kind, key)] = bucket
        if spent is not None:
            raise spent

    def check(self, address: str, name: str, now: float) -> None:
        """Raises `refuse(...)` while either allowance is spent; draws nothing."""
        for kind, key in (("address", address), ("name", name)):
            if (kind, key) in self._buckets:
                bucket = self._level(kind, key, now)
                if bucket.tokens < 1:
                    raise self._refusal(kind, bucket)

    def _refusal(self, kind: str, bucket: _Bucket) -> Exception:
        """The error for a spent allowance, with the whole seconds until one try is allowed."""
        wait = (1 - bucket.tokens) * self._refill_seconds / self._limits[kind]
        return self._refuse(kind, int(wait) + 1)

    def _prune(self, now: float) -> None:
        full = [k for k in self._buckets if self._level(k[0], k[1], now).tokens >= self._limits[k[0]]]
        for key in full:
            del self._buckets[key]

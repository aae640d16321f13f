"""Login throttling: wrong PINs are limited per candidate and per address; right ones never are.

Each key (a registration number, an address) has a bucket of allowed failures that refills
steadily. Only failures draw from it, so a whole hall logging in at once from behind one NAT
address is never slowed, while guessing is.
"""

from __future__ import annotations

from dataclasses import dataclass

from hallserver.errors import SlowDown

_PRUNE_AT = 50_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class LoginThrottle:
    """Failure allowances per registration number and per address."""

    def __init__(self, per_candidate: int, per_address: int, refill_seconds: float) -> None:
        self._limits = {"candidate": per_candidate, "address": per_address}
        self._refill_seconds = refill_seconds
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def _level(self, kind: str, name: str, now: float) -> _Bucket:
        limit = self._limits[kind]
        bucket = self._buckets.get((kind, name)) or _Bucket(limit, now)
        bucket.tokens = min(limit, bucket.tokens + (now - bucket.updated) * limit / self._refill_seconds)
        bucket.updated = now
        return bucket

    def check(self, address: str, registration_number: str, now: float) -> None:
        """SlowDown (429) when either allowance is spent, with seconds until the next try."""
        for kind, name in (("address", address), ("candidate", registration_number)):
            bucket = self._level(kind, name, now)
            if bucket.tokens < 1:
                wait = (1 - bucket.tokens) * self._refill_seconds / self._limits[kind]
                who = "this computer" if kind == "address" else "this registration number"
                raise SlowDown(f"Too many wrong logins from {who}. Wait {int(wait) + 1} seconds, "
                               "then try again, or ask an invigilator.",
                               retry_after=int(wait) + 1)

    def failed(self, address: str, registration_number: str, now: float) -> None:
        """Draws one failure from both allowances."""
        if len(self._buckets) > _PRUNE_AT:
            self._prune(now)
        for kind, name in (("address", address), ("candidate", registration_number)):
            bucket = self._level(kind, name, now)
            bucket.tokens -= 1
            self._buckets[(kind, name)] = bucket

    def _prune(self, now: float) -> None:
        full = [k for k in self._buckets if self._level(k[0], k[1], now).tokens >= self._limits[k[0]]]
        for key in full:
            del self._buckets[key]

"""Who is logged in: candidates' PCs and staff, the login and release-code throttles and the PIN
hashing pool."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from examkit.passwords import dummy_hash, verify_secret
from examkit.throttle import LoginThrottle
from hallserver.config import HallConfig
from hallserver.domain.access.devices import Device, TokenBook
from hallserver.domain.access.staff import StaffMember
from hallserver.domain.access.throttle import release_slow_down, slow_down


class Logins:
    """The books of logins by token, and the checks a login goes through."""

    def __init__(self, throttle: LoginThrottle, release_throttle: LoginThrottle,
                 hash_pool: ThreadPoolExecutor, dummy_pin_hash: str) -> None:
        self.devices: TokenBook[Device] = TokenBook()
        self.staff: TokenBook[StaffMember] = TokenBook()
        self.throttle = throttle
        self.release_throttle = release_throttle   # wrong release codes: per staff member, per sitting
        self.dummy_pin_hash = dummy_pin_hash  # checked for an unknown name, so it takes as long
        self._hash_pool = hash_pool

    @classmethod
    async def open(cls, config: HallConfig) -> Logins:
        """The books empty, the throttle by the config's limits, a pool for the PIN hashes."""
        security = config.security
        throttle = LoginThrottle(security.login_failures_per_candidate,
                                 security.login_failures_per_address,
                                 security.login_lockout_seconds, slow_down)
        release_throttle = LoginThrottle(security.release_code_failures,
                                         security.release_code_failures,
                                         security.release_code_lockout_seconds, release_slow_down)
        hash_pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="pin-hash")
        return cls(throttle, release_throttle, hash_pool,
                   await asyncio.to_thread(dummy_hash, security.pin_hash_log2_cost))

    async def check_pin(self, pin: str, pin_hash: str) -> bool:
        """Verifies a PIN (or a staff password) on the hash pool, off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._hash_pool, verify_secret, pin, pin_hash)

    def close(self) -> None:
        self._hash_pool.shutdown(wait=True)

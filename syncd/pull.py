"""Hall side of the downward half: ask for what follows the mark, check it, apply it, repeat.

A package is verified under the central's key the hall learned at enrollment before it is parsed
further, checked against the mark, and applied in one transaction (`syncd.apply`). A cut or a
kill at any point leaves the mark where it was, so the next request asks for the same items and
gets the same bytes; one already applied is skipped. The mark is acknowledged in the next hello.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from examkit.sealing import DataKey
from syncd.apply import PackageRefused, apply_package
from syncd.client import CentralClient
from syncd.downlink import DownRequest, decode_package, encode_request
from syncd.errors import SyncError
from syncd.hall_log import HallLog
from syncd.state import SyncState

_LOGGER = logging.getLogger(__name__)


class Puller:
    """Fetches and applies one hall's outbox from one central."""

    def __init__(self, log: HallLog, client: CentralClient, key: Ed25519PrivateKey,
                 central_key: Ed25519PublicKey | None, database: tuple[Path, DataKey, int],
                 limits: tuple[int, int]) -> None:
        self.log, self.client, self._key, self._central_key = log, client, key, central_key
        self._database, (self._max_items, self._max_bytes) = database, limits

    async def fetch(self, state: SyncState) -> int:
        """Applies every package the central holds for this hall; how many items it applied.
        PackageRefused (noted in `state.down`) when one fails its checks: nothing of it applied."""
        if self._central_key is None:
            state.down = {**(state.down or {}), "mark": 0, "refused": None,
                          "note": "no [sync] central_public_key: nothing is fetched"}
            return 0
        applied = 0
        while True:
            mark = await asyncio.to_thread(self.log.down_mark)
            request = DownRequest(self.log.hall_id, mark, self._max_items, self._max_bytes,
                                  time.time())
            raw = await self.client.down(encode_request(request, self._key))
            if raw is None:
                state.down = {"mark": mark, "refused": None, "applied_at": time.time()
                              if applied else (state.down or {}).get("applied_at")}
                return applied
            try:
                package = decode_package(raw, self._central_key)
                done = await asyncio.to_thread(apply_package, *self._database, package,
                                               time.time())
            except (SyncError, PackageRefused) as err:
                message = err.message if isinstance(err, SyncError) else str(err)
                state.down = {"mark": mark, "refused": message, "refused_at": time.time()}
                _LOGGER.error("refused a package from the central: %s", message)
                raise PackageRefused(message) from err
            applied += done.applied
            _LOGGER.info("applied items %d-%d from the central", package.first_seq, done.mark)
            if not package.more:
                state.down = {"mark": done.mark, "refused": None, "applied_at": time.time()}
                return applied

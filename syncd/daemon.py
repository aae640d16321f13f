"""`syncd once` and `syncd run`: drain the backlog, retry with back-off, stop cleanly on a signal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from hallserver.config import HallConfig
from examkit.sealing import DataKey
from syncd.hall_log import HALL_DATA_KEY_FILE as DATA_KEY_FILE
from syncd.client import CentralClient, Refused, UplinkDown
from syncd.hall_log import HallLog, HallLogError
from syncd.apply import PackageRefused
from syncd.errors import SyncError
from syncd.protocol import load_public_key
from syncd.pull import Puller
from syncd.push import Backoff, NeedsNewEpoch, Progress, Pusher
from syncd.signing import load_signing_key
from syncd.state import DaemonLock, StateDir, SyncState

_LOGGER = logging.getLogger(__name__)
PERMANENT = {"bad_signature", "not_enrolled", "revoked", "wrong_central", "unsupported_version",
             "bad_request", "chain_broken", "too_large"}


class SyncFailed(Exception):
    """`syncd once` could not bring the central up to date; the message says why."""


def state_dir_of(config: HallConfig) -> StateDir:
    """syncd's directory for this hall."""
    return StateDir(config.base_dir / config.sync.state_dir)


@dataclass(frozen=True)
class Timing:
    """The pacing of attempts, from [sync]."""

    interval: float
    backoff_initial: float
    backoff_max: float

    @classmethod
    def of(cls, config: HallConfig) -> Timing:
        """From the hall's config."""
        sync = config.sync
        return cls(sync.interval_ms / 1000, sync.backoff_initial_ms / 1000, sync.backoff_max_seconds)


@dataclass
class Link:
    """Both halves of one hall's exchange with its central: push the log up, then fetch down."""

    pusher: Pusher
    puller: Puller

    @property
    def state(self) -> SyncState:
        """syncd's state, as the pusher holds it (both halves note theirs in it)."""
        return self.pusher.state

    async def exchange(self, progress: Progress | None = None) -> tuple[int, int]:
        """Pushes until the central holds the log, then applies what it holds for this hall;
        (events sent, items applied). The mark is acknowledged at once when it moved."""
        sent = await self.pusher.drain(progress)
        try:
            applied = await self.puller.fetch(self.pusher.state)
        finally:
            self.pusher.save()
        if applied:
            await self.pusher.hello()
            self.pusher.save()
        return sent, applied


def _central_key(config: HallConfig) -> Ed25519PublicKey | None:
    if not config.sync.central_public_key:
        return None
    try:
        return load_public_key(config.sync.central_public_key)
    except SyncError as err:
        raise SyncFailed(f"[sync] central_public_key: {err.message}") from err


@contextlib.asynccontextmanager
async def open_link(config: HallConfig) -> AsyncIterator[Link]:
    """Both halves with their hall log, keys, and client, closed afterwards."""
    sync = config.sync
    if not sync.central_url:
        raise SyncFailed("[sync] central_url is not set in hall.toml: name the central first")
    try:
        key = load_signing_key(config.secrets_dir)
    except FileNotFoundError as err:
        raise SyncFailed("this hall has no signing key yet: run `syncd enroll` and give its "
                         "output to the central's admin") from err
    central_key = _central_key(config)
    data_key = DataKey.from_file(config.secrets_dir / DATA_KEY_FILE)
    try:
        log = HallLog(config.database_path, data_key, config.storage.busy_timeout_ms)
    except HallLogError as err:
        raise SyncFailed(str(err)) from err
    ca = config.base_dir / sync.central_ca if sync.central_ca else None
    try:
        async with CentralClient(sync.central_url, sync.central_fingerprint, ca,
                                 sync.timeout_seconds) as client:
            pusher = Pusher(log, client, key, state_dir_of(config), sync.batch_max_events,
                            sync.batch_max_bytes, config.hall.name, central_key is not None)
            puller = Puller(log, client, key, central_key,
                            (config.database_path, data_key, config.storage.busy_timeout_ms),
                            (sync.down_max_items, sync.down_max_bytes))
            yield Link(pusher, puller)
    finally:
        log.close()


def _note_failure(link: Link, err: Exception) -> None:
    link.state.failed(str(err))
    link.pusher.save()


async def once(config: HallConfig, timeout: float,
               progress: Progress | None = None) -> tuple[int, int]:
    """Sends everything, then applies what the central holds for this hall; (events sent, items
    applied). SyncFailed past `timeout`, when refused, or when a package is refused."""
    timing = Timing.of(config)
    lock = DaemonLock(state_dir_of(config))
    lock.acquire()
    try:
        async with open_link(config) as link:
            return await asyncio.wait_for(_until_drained(link, timing, progress), timeout)
    except asyncio.TimeoutError as err:
        raise SyncFailed(f"the central does not hold everything after {timeout:g} s; "
                         "last error: " + (state_dir_of(config).load().last_error or "none")) from err
    finally:
        lock.release()


async def _until_drained(link: Link, timing: Timing,
                         progress: Progress | None) -> tuple[int, int]:
    backoff = Backoff(timing.backoff_initial, timing.backoff_max)
    while True:
        try:
            return await link.exchange(progress)
        except NeedsNewEpoch as err:
            raise SyncFailed(str(err)) from err
        except PackageRefused as err:
            _note_failure(link, err)
            raise SyncFailed(f"a package from the central was refused: {err}") from err
        except Refused as err:
            _note_failure(link, err)
            if err.code in PERMANENT:
                raise SyncFailed(str(err)) from err
        except (UplinkDown, HallLogError) as err:
            _note_failure(link, err)
            _LOGGER.warning("%s", err)
        await asyncio.sleep(backoff.next())


async def run(config: HallConfig) -> None:
    """The daemon: drains, waits for new events, backs off while the uplink is down, until signalled."""
    lock = DaemonLock(state_dir_of(config))
    lock.acquire()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with open_link(config) as link:
            print(f"syncd: pushing hall {link.pusher.log.hall_id} to {config.sync.central_url}",
                  flush=True)
            work = asyncio.create_task(_forever(link, Timing.of(config)))
            stopper = asyncio.create_task(stop.wait())
            await asyncio.wait({work, stopper}, return_when=asyncio.FIRST_COMPLETED)
            work.cancel()
            stopper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await work
            print("syncd: stopped", flush=True)
    finally:
        lock.release()


async def _forever(link: Link, timing: Timing) -> None:
    backoff = Backoff(timing.backoff_initial, timing.backoff_max)
    while True:
        try:
            if await _epoch_still_awaited(link.pusher):
                await asyncio.sleep(timing.interval)
                continue
            await link.exchange()
            backoff.reset()
            await asyncio.sleep(timing.interval)
            continue
        except NeedsNewEpoch:
            await asyncio.sleep(timing.interval)
            continue
        except (Refused, UplinkDown, HallLogError, PackageRefused) as err:
            _LOGGER.warning("%s", err)
            _note_failure(link, err)
        except Exception as err:  # noqa: BLE001 - a bug must not end the daemon; it is logged
            _LOGGER.exception("unexpected error while pushing")
            _note_failure(link, err)
        await asyncio.sleep(backoff.next())


async def _epoch_still_awaited(pusher: Pusher) -> bool:
    """True while syncd waits for `hall serve` to begin the epoch it asked for."""
    waiting = pusher.state.waiting_for_epoch
    if waiting is None:
        return False
    return await asyncio.to_thread(pusher.log.refresh) <= waiting


def lock_holder(config: HallConfig) -> int | None:
    """The pid of the running syncd of this hall, if one runs."""
    return DaemonLock(state_dir_of(config)).holder()


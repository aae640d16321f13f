"""`syncd once` and `syncd run`: drain the backlog, retry with back-off, stop cleanly on a signal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass

from hallserver.config import HallConfig
from hallserver.crypto.sealing import DataKey
from syncd.hall_log import HALL_DATA_KEY_FILE as DATA_KEY_FILE
from syncd.client import CentralClient, Refused, UplinkDown
from syncd.hall_log import HallLog, HallLogError
from syncd.push import Backoff, NeedsNewEpoch, Progress, Pusher
from syncd.signing import load_signing_key
from syncd.state import DaemonLock, StateDir

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


@contextlib.asynccontextmanager
async def open_pusher(config: HallConfig) -> AsyncIterator[Pusher]:
    """A pusher with its hall log, key, and client, closed afterwards."""
    sync = config.sync
    if not sync.central_url:
        raise SyncFailed("[sync] central_url is not set in hall.toml: name the central first")
    try:
        key = load_signing_key(config.secrets_dir)
    except FileNotFoundError as err:
        raise SyncFailed("this hall has no signing key yet: run `syncd enroll` and give its "
                         "output to the central's admin") from err
    try:
        log = HallLog(config.database_path, DataKey.from_file(config.secrets_dir / DATA_KEY_FILE),
                      config.storage.busy_timeout_ms)
    except HallLogError as err:
        raise SyncFailed(str(err)) from err
    ca = config.base_dir / sync.central_ca if sync.central_ca else None
    try:
        async with CentralClient(sync.central_url, sync.central_fingerprint, ca,
                                 sync.timeout_seconds) as client:
            yield Pusher(log, client, key, state_dir_of(config), sync.batch_max_events,
                         sync.batch_max_bytes)
    finally:
        log.close()


def _note_failure(pusher: Pusher, err: Exception) -> None:
    pusher.state.failed(str(err))
    pusher.save()


async def once(config: HallConfig, timeout: float, progress: Progress | None = None) -> int:
    """Sends everything; returns how many events went. SyncFailed past `timeout` or when refused."""
    timing = Timing.of(config)
    lock = DaemonLock(state_dir_of(config))
    lock.acquire()
    try:
        async with open_pusher(config) as pusher:
            return await asyncio.wait_for(_until_drained(pusher, timing, progress), timeout)
    except asyncio.TimeoutError as err:
        raise SyncFailed(f"the central does not hold everything after {timeout:g} s; "
                         "last error: " + (state_dir_of(config).load().last_error or "none")) from err
    finally:
        lock.release()


async def _until_drained(pusher: Pusher, timing: Timing, progress: Progress | None) -> int:
    backoff = Backoff(timing.backoff_initial, timing.backoff_max)
    while True:
        try:
            return await pusher.drain(progress)
        except NeedsNewEpoch as err:
            raise SyncFailed(str(err)) from err
        except Refused as err:
            _note_failure(pusher, err)
            if err.code in PERMANENT:
                raise SyncFailed(str(err)) from err
        except (UplinkDown, HallLogError) as err:
            _note_failure(pusher, err)
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
        async with open_pusher(config) as pusher:
            print(f"syncd: pushing hall {pusher.log.hall_id} to {config.sync.central_url}",
                  flush=True)
            work = asyncio.create_task(_forever(pusher, Timing.of(config)))
            stopper = asyncio.create_task(stop.wait())
            await asyncio.wait({work, stopper}, return_when=asyncio.FIRST_COMPLETED)
            work.cancel()
            stopper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await work
            print("syncd: stopped", flush=True)
    finally:
        lock.release()


async def _forever(pusher: Pusher, timing: Timing) -> None:
    backoff = Backoff(timing.backoff_initial, timing.backoff_max)
    while True:
        try:
            if await _epoch_still_awaited(pusher):
                await asyncio.sleep(timing.interval)
                continue
            await pusher.drain()
            backoff.reset()
            await asyncio.sleep(timing.interval)
            continue
        except NeedsNewEpoch:
            await asyncio.sleep(timing.interval)
            continue
        except (Refused, UplinkDown, HallLogError) as err:
            _LOGGER.warning("%s", err)
            _note_failure(pusher, err)
        except Exception as err:  # noqa: BLE001 - a bug must not end the daemon; it is logged
            _LOGGER.exception("unexpected error while pushing")
            _note_failure(pusher, err)
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


"""The hall at run time: storage, keys, clock and the in-memory books, opened and closed together."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from hallserver.clock import Clock
from hallserver.config import HallConfig
from hallserver.crypto.passwords import dummy_hash, verify_secret
from hallserver.crypto.sealing import DataKey
from hallserver.db import engine as engines
from hallserver.db import migrate
from hallserver.db.writer import Job, WritePath
from hallserver.domain import epochs
from hallserver.domain.alerts import Alert, AlertBook
from hallserver.domain.devices import Device, TokenBook
from hallserver.domain.feed import LiveFeed
from hallserver.domain.events import EventLog
from hallserver.domain.exams import Exam, load_exam
from hallserver.domain.live import LiveSession, SessionBook, SessionKey
from hallserver.domain.roster import roster_row
from hallserver.domain.pauses import hall_pause
from hallserver.domain.staff import StaffMember
from hallserver.domain.throttle import LoginThrottle

T = TypeVar("T")
DATA_KEY_FILE = "data.key"


@dataclass
class Hall:
    """Everything the domain needs while the hall serves."""

    config: HallConfig
    clock: Clock
    key: DataKey
    hall_id: str
    epoch: int
    writer: WritePath
    readers: AsyncEngine
    log: EventLog
    devices: TokenBook[Device]
    throttle: LoginThrottle
    hash_pool: ThreadPoolExecutor
    dummy_pin_hash: str
    staff_logins: TokenBook[StaffMember] = field(default_factory=TokenBook)
    feed: LiveFeed = field(default_factory=LiveFeed)
    alerts: AlertBook = field(default_factory=AlertBook)
    names: dict[int, str] = field(default_factory=dict)     # candidate id -> name, for the roster
    seats: dict[str, str] = field(default_factory=dict)     # device id -> address it logged in from
    paused_at: float | None = None                          # the whole hall is paused since
    book: SessionBook = field(init=False)
    _exams: dict[str, Exam] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.book = SessionBook(self.key, self._publish_session)

    def _publish_session(self, live: LiveSession) -> None:
        # The row is made when a console reads it, from the newest committed state: with no
        # console open a save costs nothing, and the feed's ring holds keys, not every version
        # of every session (objects the garbage collector would walk).
        self.feed.publish("candidate", partial(self._candidate_row, live.key))

    def _candidate_row(self, key: SessionKey) -> dict[str, Any]:
        live = self.book.committed(key)
        assert live is not None, "published only once the book holds it"
        return roster_row(live, self.names.get(live.candidate_id, ""),
                          self.seats.get(live.lease_device or ""), self.clock.now())

    def publish_alert(self, alert: Alert) -> None:
        """Sends a raised or acknowledged alert to the consoles."""
        self.feed.publish("alert", alert.to_json())

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Runs a read function on a reader connection."""
        async with self.readers.connect() as connection:
            return await connection.run_sync(fn, *args)

    async def write(self, job: Job[T]) -> T:
        """Runs a job on the write path; returns after its commit."""
        return await self.writer.submit(job)

    async def exam(self, exam_id: str) -> Exam:
        """An exam, read once (an exam cannot change once anyone has started it)."""
        exam = self._exams.get(exam_id)
        if exam is None:
            exam = await self.read(load_exam, exam_id)
            self._exams[exam_id] = exam
        return exam

    async def check_pin(self, pin: str, pin_hash: str) -> bool:
        """Verifies a PIN on the hash pool, off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.hash_pool, verify_secret, pin, pin_hash)


def _prepare_database(config: HallConfig) -> tuple[str, int]:
    engine = engines.sync_engine(config.database_path, config.storage.busy_timeout_ms)
    try:
        migrate.upgrade(engine)
        with engine.connect() as connection:
            return migrate.read_identity(connection)
    finally:
        engine.dispose()


def _ensure_epoch(config: HallConfig, key: DataKey, hall_id: str, epoch: int, now: float) -> int:
    """A restored database begins a new epoch before anything else is written (see epochs)."""
    engine = engines.sync_engine(config.database_path, config.storage.busy_timeout_ms)
    try:
        with engine.begin() as connection:
            return epochs.ensure_epoch(connection, key, hall_id, epoch,
                                       config.base_dir / config.sync.state_dir, now)
    finally:
        engine.dispose()


async def open_hall(config: HallConfig, clock: Clock | None = None,
                    on_batch: Callable[[int, float], None] | None = None) -> Hall:
    """Upgrades the database in place, loads the key, starts the write path."""
    hall_id, epoch = await asyncio.to_thread(_prepare_database, config)
    key = DataKey.from_file(config.secrets_dir / DATA_KEY_FILE)
    epoch = await asyncio.to_thread(_ensure_epoch, config, key, hall_id, epoch,
                                    (clock or Clock()).now())
    storage = config.storage
    writer = WritePath(engines.writer_engine(config.database_path, storage.busy_timeout_ms),
                       storage.max_batch, on_batch)
    await writer.start()
    security = config.security
    hash_pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="pin-hash")
    hall = Hall(
        config=config, clock=clock or Clock(), key=key, hall_id=hall_id, epoch=epoch,
        writer=writer,
        readers=engines.reader_engine(config.database_path, storage.busy_timeout_ms, storage.readers),
        log=EventLog(key, hall_id, epoch), devices=TokenBook(),
        throttle=LoginThrottle(security.login_failures_per_candidate,
                               security.login_failures_per_address, security.login_lockout_seconds),
        hash_pool=hash_pool,
        dummy_pin_hash=await asyncio.to_thread(dummy_hash, security.pin_hash_log2_cost),
    )
    await hall.read(_load_books, hall)
    return hall


def _load_books(connection: Connection, hall: Hall) -> None:
    hall.alerts.load(connection)
    hall.paused_at = hall_pause(connection)


async def close_hall(hall: Hall) -> None:
    """Finishes queued writes, then closes storage and pools."""
    await hall.writer.stop()
    await hall.readers.dispose()
    hall.hash_pool.shutdown(wait=True)

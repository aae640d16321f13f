"""The hall at run time: its services, opened and closed together, in order.

Each service owns its state and behaviour and has its own app key (hallserver/keys.py):
- `Storage` (STORAGE): the write path, the readers, the event log; `read` and `write`.
- `ExamShelf` (EXAMS): exams read once and shared; corrected keys noticed.
- `Logins` (LOGINS): candidates' and staff logins, the throttle, PIN checks.
- `Room` (ROOM): sessions and alerts in memory, names, seats, desks, the hall's pause, the live
  feed to the consoles and the notices to the candidates.
Handlers and domain functions ask for the services they use, by name.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from examkit.sealing import DataKey
from hallserver.clock import Clock
from hallserver.config import HallConfig
from hallserver.db import engine as engines
from hallserver.db import migrate
from hallserver.db.writer import WritePath
from hallserver.domain.log import epochs
from hallserver.runtime.exams import ExamShelf
from hallserver.runtime.logins import Logins
from hallserver.runtime.room import Room
from hallserver.runtime.storage import Storage

__all__ = ["ExamShelf", "Hall", "Logins", "Room", "Storage", "close_hall", "open_hall"]
DATA_KEY_FILE = "data.key"


@dataclass(frozen=True)
class Hall:
    """The services of a serving hall, only as opened together (and to be closed together)."""

    storage: Storage
    exams: ExamShelf
    logins: Logins
    room: Room


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


async def open_storage(config: HallConfig, clock: Clock,
                       on_batch: Callable[[int, float], None] | None = None) -> Storage:
    """Upgrades the database in place, loads the key, starts the write path."""
    hall_id, epoch = await asyncio.to_thread(_prepare_database, config)
    key = DataKey.from_file(config.secrets_dir / DATA_KEY_FILE)
    epoch = await asyncio.to_thread(_ensure_epoch, config, key, hall_id, epoch, clock.now())
    settings = config.storage
    writer = WritePath(engines.writer_engine(config.database_path, settings.busy_timeout_ms),
                       settings.max_batch, on_batch)
    await writer.start()
    readers = engines.reader_engine(config.database_path, settings.busy_timeout_ms, settings.readers)
    return Storage(clock, key, hall_id, epoch, writer, readers)


async def open_hall(config: HallConfig, clock: Clock | None = None,
                    on_batch: Callable[[int, float], None] | None = None) -> Hall:
    """Opens storage first, then the room (as it was before a restart), the exams and logins."""
    clock = clock or Clock()
    storage = await open_storage(config, clock, on_batch)
    room = Room(clock, storage.key, storage.hall_id, config.hall.name)
    storage.unit_of_work = room.unit_of_work
    await storage.read(room.load)
    return Hall(storage, ExamShelf(storage), await Logins.open(config), room)


async def close_hall(hall: Hall) -> None:
    """Finishes queued writes, then closes storage and the PIN hashing pool."""
    await hall.storage.close()
    hall.logins.close()

"""The hall's storage while it serves: the write path, the readers and the event log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from examkit.sealing import DataKey
from hallserver.clock import Clock
from hallserver.db.writer import Batch, WritePath
from hallserver.domain.log.events import EventLog
from hallserver.domain.work import Work

T = TypeVar("T")
UnitOfWork = Callable[[Connection, Batch, float, EventLog], Work]


@dataclass
class Storage:
    """Reads on a pool of readers, writes through the one write path, each job with its unit of
    work (made by `unit_of_work`, which the room supplies: the books a job may touch live there)."""

    clock: Clock
    key: DataKey
    hall_id: str
    epoch: int
    writer: WritePath
    readers: AsyncEngine
    log: EventLog = field(init=False)
    unit_of_work: UnitOfWork | None = None

    def __post_init__(self) -> None:
        self.log = EventLog(self.key, self.hall_id, self.epoch)

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Runs a read function on a reader connection."""
        async with self.readers.connect() as connection:
            return await connection.run_sync(fn, *args)

    async def write(self, job: Callable[[Work], T]) -> T:
        """Runs `job` with its unit of work on the write path; returns after the commit."""
        unit_of_work = self.unit_of_work
        assert unit_of_work is not None, "open_hall gives the storage its unit of work"

        def run(connection: Connection, batch: Batch) -> T:
            return job(unit_of_work(connection, batch, self.clock.now(), self.log))

        return await self.writer.submit(run)

    async def close(self) -> None:
        """Finishes queued writes, then closes the readers."""
        await self.writer.stop()
        await self.readers.dispose()

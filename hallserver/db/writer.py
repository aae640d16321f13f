"""The one write path: every write of the hall server goes through it, with group commit.

Requests submit jobs: plain functions `job(connection, batch)` that read what they need and
*stage* their writes on the batch. The writer task takes every job waiting, runs them one after
another inside one `BEGIN IMMEDIATE` transaction, writes what they staged with one statement per
table, commits, and only then answers each request. An acknowledged save is therefore always on
disk (synchronous=FULL), and a hall of candidates saving at once costs one fsync, not hundreds.

A job that raises a `HallError` has its staged writes undone and the others go on; one that
returns `Kept(error)` (a save refused for a lost lease, kept for review) keeps them and its request
gets the error. If the commit fails, every request of the batch gets 503 and nothing of it is kept
in memory either. The domain gives its jobs a unit of work over the connection and the batch:
see hallserver/domain/work.py.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Table
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.expression import Executable

from hallserver.errors import HallError, InternalFault, StorageUnavailable

_LOGGER = logging.getLogger(__name__)
T = TypeVar("T")
Job = Callable[[Connection, "Batch"], T]


class Batch:
    """The writes staged by the jobs of one transaction, with an undo log per job."""

    def __init__(self) -> None:
        self.statements: list[Executable] = []
        self.inserts: dict[Table, list[dict[str, Any]]] = {}
        self.updates: dict[tuple[Table, Any], dict[str, Any]] = {}
        self.scratch: dict[Any, Any] = {}
        self.after_commit: list[Callable[[], None]] = []
        self._undo: list[Callable[[], None]] = []

    def statement(self, statement: Executable) -> None:
        """Stages any other write (run first, in order: rare writes such as a hall setting)."""
        self.statements.append(statement)
        self._undo.append(self.statements.pop)

    def insert(self, table: Table, row: dict[str, Any]) -> None:
        """Stages a new row."""
        rows = self.inserts.setdefault(table, [])
        rows.append(row)
        self._undo.append(rows.pop)

    def update(self, table: Table, key: Any, values: dict[str, Any]) -> None:
        """Stages new values for the row whose primary key `id` is `key`; later values win."""
        slot = (table, key)
        previous = self.updates.get(slot)
        self.updates[slot] = {**(previous or {}), **values}
        self._undo.append(lambda: self._restore(self.updates, slot, previous))

    def remember(self, key: Any, value: Any) -> None:
        """Keeps a value for later jobs of this batch (undone with the job that set it)."""
        previous = self.scratch.get(key, _MISSING)
        self.scratch[key] = value
        self._undo.append(lambda: self._restore(self.scratch, key, previous))

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Runs `callback` once the batch is on disk (to update caches)."""
        self.after_commit.append(callback)
        self._undo.append(self.after_commit.pop)

    def release(self) -> None:
        """Drops the undo log and callbacks once the batch is done: they refer back to the batch,
        and a cycle per batch would leave every batch to the garbage collector."""
        self._undo.clear()
        self.after_commit.clear()

    def mark(self) -> int:
        """A point to undo back to."""
        return len(self._undo)

    def undo_to(self, mark: int) -> None:
        """Undoes everything staged since `mark`."""
        while len(self._undo) > mark:
            self._undo.pop()()

    @staticmethod
    def _restore(mapping: dict, key: Any, previous: Any) -> None:
        if previous is None or previous is _MISSING:
            mapping.pop(key, None)
        else:
            mapping[key] = previous

    def flush(self, connection: Connection) -> None:
        """Writes what is staged: other statements, inserts table by table, then updates.

        Rows go to the driver as plain tuples in one executemany per statement: on the save path
        SQLAlchemy's per-row parameter handling cost more than SQLite's work.
        """
        for statement in self.statements:
            connection.execute(statement)
        for table, rows in self.inserts.items():
            for columns, values in _by_columns(rows).items():
                names = ", ".join(columns)
                marks = ", ".join("?" for _ in columns)
                connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})",
                                           values)
        grouped: dict[tuple[Table, tuple[str, ...]], list[tuple[Any, ...]]] = {}
        for (table, key), values in self.updates.items():
            columns = tuple(sorted(values))
            grouped.setdefault((table, columns), []).append(
                (*(values[c] for c in columns), key))
        for (table, columns), rows in grouped.items():
            assignments = ", ".join(f"{c} = ?" for c in columns)
            connection.exec_driver_sql(f"UPDATE {table.name} SET {assignments} WHERE id = ?", rows)


def _by_columns(rows: list[dict[str, Any]]) -> dict[tuple[str, ...], list[tuple[Any, ...]]]:
    grouped: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for row in rows:
        columns = tuple(row)
        grouped.setdefault(columns, []).append(tuple(row.values()))
    return grouped


_MISSING = object()


class Kept:
    """A job's answer: refused with `error`, yet what the job staged is committed (kept for review)."""

    __slots__ = ("error",)

    def __init__(self, error: HallError) -> None:
        self.error = error


class _Outcome:
    __slots__ = ("value", "error")

    def __init__(self, value: Any = None, error: BaseException | None = None) -> None:
        self.value, self.error = value, error


class WritePath:
    """Serialises every write onto one connection and commits them in groups."""

    def __init__(self, engine: AsyncEngine, max_batch: int,
                 on_batch: Callable[[int, float], None] | None = None) -> None:
        self._engine = engine
        self._max_batch = max_batch
        self._on_batch = on_batch
        self._queue: asyncio.Queue[tuple[Job, asyncio.Future]] = asyncio.Queue()
        self._task: asyncio.Task | None = None
        self.batches = 0
        self.jobs = 0

    @property
    def waiting(self) -> int:
        """Jobs queued for the next transaction."""
        return self._queue.qsize()

    async def start(self) -> None:
        """Starts the writer task."""
        self._task = asyncio.create_task(self._run(), name="examhall-writer")

    async def stop(self) -> None:
        """Finishes the jobs already queued, then stops and closes the connection."""
        if self._task is not None:
            await self._queue.join()
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        await self._engine.dispose()

    async def submit(self, job: Job[T]) -> T:
        """Runs `job` in the next transaction; returns once that transaction is committed."""
        if self._task is None:
            raise StorageUnavailable("The hall's storage is not running; try again shortly.")
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((job, future))
        return await future

    async def _run(self) -> None:
        async with self._engine.connect() as connection:
            while True:
                items = [await self._queue.get()]
                while len(items) < self._max_batch and not self._queue.empty():
                    items.append(self._queue.get_nowait())
                try:
                    await self._commit(connection, items)
                finally:
                    for _ in items:
                        self._queue.task_done()

    async def _commit(self, connection: Any, items: list[tuple[Job, asyncio.Future]]) -> None:
        jobs = [job for job, _ in items]
        started = time.perf_counter()
        try:
            batch, outcomes = await connection.run_sync(_apply, jobs)
        except Exception as err:  # noqa: BLE001 - every request of the batch learns of it
            _LOGGER.error("a write transaction failed: %s", err)
            failure = StorageUnavailable(
                "The hall could not store this; nothing of it was kept. Try again.")
            for _, future in items:
                if not future.done():
                    future.set_exception(failure)
            return
        self.batches += 1
        self.jobs += len(items)
        if self._on_batch is not None:
            self._on_batch(len(items), time.perf_counter() - started)
        for callback in batch.after_commit:
            callback()
        batch.release()
        for (_, future), outcome in zip(items, outcomes, strict=True):
            if future.done():
                continue
            if outcome.error is not None:
                future.set_exception(outcome.error)
            else:
                future.set_result(outcome.value)


def _apply(connection: Connection, jobs: list[Job]) -> tuple[Batch, list[_Outcome]]:
    batch = Batch()
    outcomes: list[_Outcome] = []
    with connection.begin():
        for job in jobs:
            mark = batch.mark()
            try:
                value = job(connection, batch)
            except HallError as err:
                batch.undo_to(mark)
                outcomes.append(_Outcome(error=err))
            except Exception as err:  # noqa: BLE001 - a fault in one job must not sink the batch
                _LOGGER.exception("a write job failed")
                batch.undo_to(mark)
                outcomes.append(_Outcome(error=InternalFault(
                    "The hall hit an internal error with this request; it was not stored.")))
                del err
            else:
                outcomes.append(_Outcome(error=value.error) if isinstance(value, Kept)
                                else _Outcome(value=value))
        batch.flush(connection)
    return batch, outcomes

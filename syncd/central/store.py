"""The central's database: engines for SQLite and PostgreSQL, migrations, identity, transactions.

SQLite: one connection per process, WAL, synchronous=FULL, every transaction BEGIN IMMEDIATE.
PostgreSQL (asyncpg): a pool per process; several central processes may share one database,
since the per-hall lock is a row lock in the database (see `receive`), never a lock in memory.
Migrations take a PostgreSQL advisory lock, so centrals starting together upgrade once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import event, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from examkit.sealing import DataKey
from syncd.central.config import CentralConfig
from syncd.central.models import central_meta

T = TypeVar("T")
MIGRATIONS = Path(__file__).parent / "migrations"
DATA_KEY_FILE = "central.key"
_MIGRATION_LOCK = 7305542  # any constant: the advisory lock every central takes to migrate


class AfterCommit(Exception):
    """Raised by a transaction function whose writes must be kept though the request fails."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _sqlite_pragmas(engine: AsyncEngine) -> None:
    def connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("busy_timeout = 30000", "journal_mode = WAL", "synchronous = FULL"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    def begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    event.listen(engine.sync_engine, "connect", connect)
    event.listen(engine.sync_engine, "begin", begin)


def make_engine(config: CentralConfig) -> AsyncEngine:
    """The engine for the configured database."""
    url = config.database_url
    if url.startswith("sqlite"):
        engine = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=600)
        _sqlite_pragmas(engine)
        return engine
    return create_async_engine(url, pool_size=config["storage.pool_size"], max_overflow=0,
                               pool_timeout=600, pool_pre_ping=True)


def _upgrade(connection: Connection) -> str:
    with connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})"))
        alembic = Config()
        alembic.set_main_option("script_location", str(MIGRATIONS))
        alembic.attributes["connection"] = connection
        command.upgrade(alembic, "head")
        central_id = connection.execute(select(central_meta.c.value)
                                        .where(central_meta.c.key == "central_id")).scalar()
        if central_id is None:
            central_id = uuid.uuid4().hex
            connection.execute(central_meta.insert().values(key="central_id", value=central_id))
        return central_id


def _in_transaction(connection: Connection, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
    transaction = connection.begin()
    try:
        value = fn(connection, *args)
    except AfterCommit:
        transaction.commit()
        raise
    except BaseException:
        transaction.rollback()
        raise
    transaction.commit()
    return value


@dataclass
class Store:
    """The central's storage: engine, data key and identity."""

    engine: AsyncEngine
    key: DataKey
    central_id: str

    @property
    def postgres(self) -> bool:
        """True on PostgreSQL."""
        return self.engine.dialect.name == "postgresql"

    async def transaction(self, fn: Callable[..., T], *args: Any) -> T:
        """Runs `fn(connection, *args)` in one transaction; AfterCommit commits, then raises."""
        async with self.engine.connect() as connection:
            try:
                return await connection.run_sync(_in_transaction, fn, args)
            except AfterCommit as deferred:
                raise deferred.error from None

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Runs a read function."""
        return await self.transaction(fn, *args)

    async def close(self) -> None:
        """Closes the pool."""
        await self.engine.dispose()


async def open_store(config: CentralConfig) -> Store:
    """Opens the database, upgrades its schema, reads the central's id and key."""
    engine = make_engine(config)
    try:
        async with engine.connect() as connection:
            central_id = await connection.run_sync(_upgrade)
    except BaseException:
        await engine.dispose()
        raise
    return Store(engine, DataKey.from_file(config.secrets_dir / DATA_KEY_FILE), central_id)

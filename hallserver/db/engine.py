"""Engines for the hall database, with the pragmas that keep an exam safe.

WAL with synchronous=FULL: halls lose power, and NORMAL can roll back acknowledged commits.
The writer engine has exactly one connection and opens every transaction with BEGIN IMMEDIATE, so
a write never fails half-way for a lock; the reader engine is query-only.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool


def _on_connect(busy_timeout_ms: int, query_only: bool, checkpoints: bool = True):
    def connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN; pysqlite's own begin is deferred.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        if query_only:
            cursor.execute("PRAGMA query_only = ON")
        if not checkpoints:
            # A checkpoint inside a commit stalls every save queued behind it; the hall's
            # checkpointer (tasks.wal_checkpoints) runs them beside the writer instead.
            cursor.execute("PRAGMA wal_autocheckpoint = 0")
        cursor.close()
    return connect


def _on_begin(immediate: bool):
    statement = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    def begin(connection: Any) -> None:
        connection.exec_driver_sql(statement)
    return begin


def _install(sync_engine: Engine, busy_timeout_ms: int, writer: bool,
             checkpoints: bool = True) -> None:
    event.listen(sync_engine, "connect",
                 _on_connect(busy_timeout_ms, query_only=not writer, checkpoints=checkpoints))
    event.listen(sync_engine, "begin", _on_begin(immediate=writer))


def writer_engine(path: Path, busy_timeout_ms: int) -> AsyncEngine:
    """The one writer: a single connection, BEGIN IMMEDIATE, no checkpoints of its own."""
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}", pool_size=1, max_overflow=0)
    _install(engine.sync_engine, busy_timeout_ms, writer=True, checkpoints=False)
    return engine


def reader_engine(path: Path, busy_timeout_ms: int, readers: int) -> AsyncEngine:
    """Readers: query-only connections that see the last commit (WAL snapshots)."""
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}", pool_size=readers, max_overflow=0)
    _install(engine.sync_engine, busy_timeout_ms, writer=False)
    return engine


def sync_engine(path: Path, busy_timeout_ms: int = 5000) -> Engine:
    """A blocking writer engine for migrations and command-line tools."""
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    _install(engine, busy_timeout_ms, writer=True)
    return engine


def checkpoint(path: Path, busy_timeout_ms: int, mode: str = "PASSIVE") -> tuple[int, int, int]:
    """Copies committed WAL frames into the database file, beside the writer (never blocking it
    in PASSIVE mode); returns SQLite's (busy, frames in the WAL, frames copied)."""
    connection = sqlite3.connect(path, timeout=busy_timeout_ms / 1000, isolation_level=None)
    try:
        connection.execute("PRAGMA synchronous = FULL")
        return tuple(connection.execute(f"PRAGMA wal_checkpoint({mode})").fetchone())
    finally:
        connection.close()

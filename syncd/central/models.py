"""The central's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Event bodies and session data are sealed with the central's own key; the clear columns hold only
identities, states, positions in the log and times.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger, Column, Float, Index, Integer, LargeBinary, MetaData, String, Table, Text,
)

metadata = MetaData()

central_meta = Table(
    "central_meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

halls = Table(
    "halls", metadata,
    Column("hall_id", String(64), primary_key=True),
    Column("public_key", String(64), nullable=False),       # Ed25519, raw, hex
    Column("state", String(16), nullable=False),            # enrolled, revoked
    Column("enrolled_at", Float, nullable=False),
    Column("revoked_at", Float),
    Column("epoch", Integer, nullable=False, default=0),   # the stream in force; 0: none yet
    Column("high_water_mark", BigInteger, nullable=False, default=0),
    Column("head_hash", LargeBinary, nullable=False),
    Column("last_sync_at", Float),                          # last batch committed
    Column("last_hello_at", Float),
    Column("backlog_events", BigInteger, nullable=False, default=0),  # as the hall reported it
    Column("backlog_sessions", BigInteger, nullable=False, default=0),
    Column("alarm", Text),                                  # a fork, for an admin to look at
    Column("alarm_at", Float),
)

epochs = Table(
    "epochs", metadata,
    Column("hall_id", String(64), primary_key=True),
    Column("epoch", Integer, primary_key=True, autoincrement=False),
    Column("parent_epoch", Integer),                        # the stream it branched off
    Column("base_seq", BigInteger, nullable=False),         # last event shared with the parent
    Column("base_hash", LargeBinary, nullable=False),
    Column("high_water_mark", BigInteger, nullable=False),
    Column("head_hash", LargeBinary, nullable=False),
    Column("stopped", Text),                                # why the stream was stopped (a fork)
    Column("started_at", Float, nullable=False),
)

events = Table(
    "events", metadata,
    Column("hall_id", String(64), primary_key=True),
    Column("epoch", Integer, primary_key=True, autoincrement=False),   # the stream
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("written_epoch", Integer, nullable=False),       # the hall's epoch when it wrote it
    Column("kind", String(64), nullable=False),
    Column("session_id", String(64)),
    Column("occurred_at", Float, nullable=False),
    Column("prev_hash", LargeBinary, nullable=False),
    Column("hash", LargeBinary, nullable=False),
    Column("body", LargeBinary, nullable=False),            # sealed canonical body
    Column("received_at", Float, nullable=False),
)

batches = Table(
    "batches", metadata,
    Column("hall_id", String(64), primary_key=True),
    Column("epoch", Integer, primary_key=True, autoincrement=False),
    Column("first_seq", BigInteger, primary_key=True, autoincrement=False),
    Column("digest", LargeBinary, primary_key=True),
    Column("last_seq", BigInteger, nullable=False),
    Column("answer", Text, nullable=False),                 # the JSON answered, for replays
    Column("received_at", Float, nullable=False),
)

sessions = Table(
    "sessions", metadata,
    Column("hall_id", String(64), primary_key=True),
    Column("session_id", String(64), primary_key=True),
    Column("exam_id", String(128), nullable=False),
    Column("registration_number", String(128), nullable=False),
    Column("state", String(16), nullable=False),            # active, completed, superseded
    Column("revision", Integer, nullable=False),
    Column("epoch", Integer, nullable=False),               # the stream that last moved it
    Column("last_seq", BigInteger, nullable=False),
    Column("data", LargeBinary, nullable=False),            # sealed: answers, position, result
    Column("started_at", Float),
    Column("completed_at", Float),
    Column("updated_at", Float, nullable=False),
    Column("ignored_after_final", Integer, nullable=False, default=0),
)
Index("sessions_state", sessions.c.state)
Index("sessions_candidate", sessions.c.registration_number)

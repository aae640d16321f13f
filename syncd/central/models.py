"""The central's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Event bodies and session data are sealed with the central's own key; the clear columns hold only
identities, states, positions in the log and times.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger, Boolean, Column, Float, Index, Integer, LargeBinary, MetaData, String, Table, Text,
    false,
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
    Column("name", String(128)),                            # the hall's name, from its hellos
    Column("down_mark", BigInteger, nullable=False, default=0),  # items applied, as acknowledged
    Column("down_acked_at", Float),
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

accounts = Table(
    "accounts", metadata,
    Column("account_id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),             # admin, reader
    Column("password_hash", String(256), nullable=False),   # scrypt (examkit.passwords)
    Column("created_at", Float, nullable=False),
)

account_logins = Table(
    "account_logins", metadata,
    Column("token_hash", LargeBinary, primary_key=True),    # SHA-256 of the cookie's token
    Column("account_id", Integer, nullable=False),
    Column("address", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("ended_at", Float),                              # logged out
)

bank_exams = Table(
    "bank_exams", metadata,
    Column("exam_id", String(128), primary_key=True),
    Column("title", Text, nullable=False),
    Column("questions", Integer, nullable=False),
    Column("duration_minutes", Integer),
    Column("file_name", String(255), nullable=False),
    Column("file", LargeBinary, nullable=False),            # sealed: the file as imported
    Column("digest", String(64), nullable=False),           # SHA-256 of the file, hex
    Column("overrides", Text, nullable=False),              # JSON: id, title, minutes, shuffle
    Column("imported_at", Float, nullable=False),
)

bank_candidates = Table(
    "bank_candidates", metadata,
    Column("exam_id", String(128), primary_key=True),
    Column("registration_number", String(128), primary_key=True),
    Column("name", Text, nullable=False),
    Column("pin_hash", String(256)),                        # scrypt: what travels to a hall
    Column("pin_sealed", LargeBinary),                      # sealed: for printing slips only
    Column("imported_at", Float, nullable=False),
)

outbox = Table(
    "outbox", metadata,
    Column("hall_id", String(64), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),   # from 1, no gaps
    Column("kind", String(32), nullable=False),
    Column("prev_hash", LargeBinary, nullable=False),
    Column("hash", LargeBinary, nullable=False),        # SHA-256(prev_hash ‖ seq ‖ body)
    Column("body", LargeBinary, nullable=False),        # sealed canonical body
    Column("size", Integer, nullable=False),            # bytes of the canonical body
    Column("published_at", Float, nullable=False),
    Column("published_by", String(128), nullable=False),
)

central_sittings = Table(
    "central_sittings", metadata,
    Column("sitting_id", String(32), primary_key=True),
    Column("hall_id", String(64), nullable=False),
    Column("exam_id", String(128), nullable=False),
    Column("exam_digest", String(64), nullable=False),  # the exam file's SHA-256 sent with it
    Column("name", Text, nullable=False),
    Column("starts_at", Float, nullable=False),
    Column("state", String(16), nullable=False),        # published, started, ended (as reported)
    Column("candidates", Integer, nullable=False),
    Column("registration_numbers", Text, nullable=False),  # JSON list: who sits it
    Column("seq", BigInteger, nullable=False),          # its `sitting` item in the hall's outbox
    Column("published_at", Float, nullable=False),
    Column("published_by", String(128), nullable=False),
    Column("started_at", Float),
    Column("ended_at", Float),
    Column("sealed", Boolean, nullable=False, server_default=false()),
    Column("sitting_key", LargeBinary),                 # sealed with the central's key
    Column("release_code", LargeBinary),                # sealed with the central's key
    Column("released_at", Float),
    Column("released_by", String(128)),
    Column("end_sent_at", Float),                       # `syncd central sitting end`
    Column("end_sent_by", String(128)),
    Column("end_seq", BigInteger),                      # its `sitting_ended` item
)
Index("central_sittings_hall", central_sittings.c.hall_id)

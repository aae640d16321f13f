"""The tables of a hall database (SQLAlchemy Core: the hot paths need no unit of work).

Session data (answers, marked questions, position) and results are sealed blobs; the columns in
the clear hold only identities, states and times.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean, Column, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table, Text,
    UniqueConstraint,
)

metadata = MetaData()

hall_meta = Table(
    "hall_meta", metadata,
    Column("key", String, primary_key=True),
    Column("value", String, nullable=False),
)

exams = Table(
    "exams", metadata,
    Column("id", String, primary_key=True),
    Column("title", String, nullable=False),
    Column("duration_seconds", Integer, nullable=False),
    Column("shuffle_questions", Boolean, nullable=False, default=False),
    Column("shuffle_options", Boolean, nullable=False, default=False),
    Column("created_at", Float, nullable=False),
    Column("key_version", Integer, nullable=False, default=1, server_default="1"),  # +1 per key correction
)

questions = Table(
    "questions", metadata,
    Column("exam_id", String, ForeignKey("exams.id", ondelete="CASCADE"), primary_key=True),
    Column("id", String, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("kind", String, nullable=False, default="choice"),
    Column("text", Text, nullable=False),
    Column("options", Text, nullable=False),       # JSON object: key -> text, in the paper's order
    Column("answer", Text, nullable=False),        # JSON: the key, never sent to a browser
    Column("html", Text),                          # sanitised HTML of the stem (NULL: from text)
    Column("content", Text),                       # JSON: options' HTML, fixed keys, shuffle, limits
    Column("scoring", Text),                       # JSON: QTI response processing; never sent out
    Column("max_score", Float),                    # full marks (NULL: 1)
)

exam_assets = Table(
    "exam_assets", metadata,
    Column("exam_id", String, ForeignKey("exams.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String, primary_key=True),      # its path in the package, e.g. media/flag.png
    Column("media_type", String, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("sha256", String, nullable=False),
)

candidates = Table(
    "candidates", metadata,
    Column("id", Integer, primary_key=True),
    Column("registration_number", String, nullable=False, unique=True),
    Column("name", String, nullable=False),
    Column("pin_hash", String, nullable=False),    # "" while the candidate has no PIN
    Column("created_at", Float, nullable=False),
    Column("pin_sealed", LargeBinary),             # the PIN sealed with the data key, for slips
)

exam_records = Table(
    "exam_records", metadata,
    Column("id", Integer, primary_key=True),
    Column("candidate_id", Integer, ForeignKey("candidates.id"), nullable=False),
    Column("exam_id", String, ForeignKey("exams.id"), nullable=False),
    Column("status", String, nullable=False, default="assigned"),  # assigned, in_progress, completed
    Column("started_at", Float),
    Column("deadline", Float),
    Column("completed_at", Float),
    Column("result", LargeBinary),                 # sealed JSON: score, max_score, outcomes
    Column("paused_at", Float),                    # the clock stands still from here
    Column("pause_kind", String),                  # "candidate" or "hall": which resume ends it
    UniqueConstraint("candidate_id", "exam_id"),
)
Index("exam_records_open", exam_records.c.status, exam_records.c.deadline)

exam_sessions = Table(
    "exam_sessions", metadata,
    Column("id", String, primary_key=True),
    Column("exam_record_id", Integer, ForeignKey("exam_records.id"), nullable=False, unique=True),
    Column("revision", Integer, nullable=False, default=0),
    Column("session_data", LargeBinary, nullable=False),  # sealed JSON, the session id as AAD
    Column("active", Boolean, nullable=False, default=True),
    Column("last_saved", Float),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("lease_device", String),
    Column("lease_since", Float),
    Column("lease_requested", String),             # a device waiting for an invigilator's approval
    Column("question_order", Text),                # JSON, fixed at session start: questions, options
)

devices = Table(
    "devices", metadata,
    Column("id", String, primary_key=True),
    Column("candidate_id", Integer, ForeignKey("candidates.id"), nullable=False),
    Column("token_hash", LargeBinary, nullable=False, unique=True),
    Column("address", String),
    Column("user_agent", String),
    Column("created_at", Float, nullable=False),
    Column("ended_at", Float),
)

events = Table(
    "events", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("epoch", Integer, nullable=False),
    Column("kind", String, nullable=False),
    Column("session_id", String),
    Column("occurred_at", Float, nullable=False),
    Column("body", LargeBinary, nullable=False),   # sealed canonical JSON; AAD = hall|epoch|seq
    Column("prev_hash", LargeBinary, nullable=False),
    Column("hash", LargeBinary, nullable=False),
)
Index("events_session", events.c.session_id, events.c.seq)

staff = Table(
    "staff", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False, unique=True),
    Column("role", String, nullable=False),        # invigilator, admin
    Column("password_hash", String, nullable=False),
    Column("created_at", Float, nullable=False),
)

staff_devices = Table(
    "staff_devices", metadata,
    Column("id", String, primary_key=True),
    Column("staff_id", Integer, ForeignKey("staff.id"), nullable=False),
    Column("token_hash", LargeBinary, nullable=False, unique=True),
    Column("address", String),
    Column("created_at", Float, nullable=False),
    Column("ended_at", Float),
)

alerts = Table(
    "alerts", metadata,
    Column("id", String, primary_key=True),
    Column("kind", String, nullable=False),        # silent, save_failures, lease_moved, ...
    Column("registration_number", String, nullable=False),
    Column("exam_id", String, nullable=False),
    Column("session_id", String),
    Column("raised_at", Float, nullable=False),
    Column("detail", Text, nullable=False),        # JSON: what an invigilator needs to act
    Column("acknowledged_at", Float),
    Column("acknowledged_by", String),
)
Index("alerts_open", alerts.c.acknowledged_at, alerts.c.raised_at)

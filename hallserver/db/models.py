"""The tables of a hall database (SQLAlchemy Core: the hot paths need no unit of work).

Session data (answers, marked questions, position) and results are sealed blobs; the columns in
the clear hold only identities, states and times.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean, Column, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table, Text,
    UniqueConstraint, func,
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
    Column("language", String),                # BCP 47 tag the candidates start in; NULL: "en"
    Column("tools", String),                   # JSON of the tools allowed; NULL: none
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
# Registration numbers are found whatever their case (SQLite's lower() folds ASCII only).
Index("candidates_registration_folded", func.lower(candidates.c.registration_number))

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
    Column("sitting_id", String),                  # the sitting that holds it (NULL: none)
    UniqueConstraint("candidate_id", "exam_id"),
)
Index("exam_records_open", exam_records.c.status, exam_records.c.deadline)
Index("exam_records_sitting", exam_records.c.sitting_id)

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
    Column("resolved", String),                    # why it closed itself (NULL: acknowledged)
)
Index("alerts_open", alerts.c.acknowledged_at, alerts.c.raised_at)

desks = Table(
    "desks", metadata,
    Column("name", String, primary_key=True),      # what the hall calls the desk: "A3", "Lab 2-14"
    Column("pc_address", String, unique=True),     # the LAN address of the PC on it
    Column("pc_id", String, unique=True),          # or the id of a PC's login (device id)
    Column("room_row", Integer),                   # where it stands on the seat map (from 1)
    Column("room_column", Integer),
    Column("updated_at", Float, nullable=False),
)


sealed_papers = Table(
    "sealed_papers", metadata,
    Column("exam_id", String, ForeignKey("exams.id"), primary_key=True),
    Column("sitting_id", String, nullable=False),
    Column("paper", LargeBinary, nullable=False),        # AES-GCM under the sitting's own key
    Column("wrapped_key", LargeBinary, nullable=False),  # that key, under the release code's key
    Column("salt", LargeBinary, nullable=False),
    Column("kdf", String, nullable=False),               # JSON: scrypt's n, r, p
    Column("received_at", Float, nullable=False),
    Column("released_at", Float),                        # NULL: still sealed
    Column("released_by", String),
)
Index("sealed_papers_sitting", sealed_papers.c.sitting_id)

sittings = Table(
    "sittings", metadata,
    Column("id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("starts_at", Float, nullable=False),     # scheduled; the invigilator starts it
    Column("check_in_minutes", Integer, nullable=False),
    Column("policy", String, nullable=False),       # common_end, own_clock
    Column("late_entry_minutes", Integer, nullable=False),
    Column("instructions", Text, nullable=False),
    Column("everyone", Boolean, nullable=False),    # every candidate of its exams, later ones too
    Column("state", String, nullable=False),        # scheduled, started, ended (checking_in: by time)
    Column("started_at", Float),
    Column("started_by", String),
    Column("ended_at", Float),
    Column("ended_by", String),
    Column("created_at", Float, nullable=False),
    Column("created_by", String, nullable=False),
)

sitting_exams = Table(
    "sitting_exams", metadata,
    Column("sitting_id", String, ForeignKey("sittings.id"), primary_key=True),
    Column("exam_id", String, ForeignKey("exams.id"), primary_key=True),
)

attendance = Table(
    "attendance", metadata,
    Column("sitting_id", String, ForeignKey("sittings.id"), primary_key=True),
    Column("candidate_id", Integer, ForeignKey("candidates.id"), primary_key=True),
    Column("checked_in_at", Float),
    Column("started_at", Float),
    Column("absent_at", Float),
    Column("absent_by", String),
    Column("admitted_at", Float),                   # let in after the late-entry window
    Column("admitted_minutes", Integer),
    Column("admitted_by", String),
    Column("refused_at", Float),                    # the last attempt refused as too late
    Column("refusals", Integer, nullable=False, default=0, server_default="0"),
)

incidents = Table(
    "incidents", metadata,
    Column("id", String, primary_key=True),
    Column("sitting_id", String, ForeignKey("sittings.id"), nullable=False),
    Column("candidate_id", Integer, ForeignKey("candidates.id")),  # NULL: the whole hall
    Column("category", String, nullable=False),     # illness, misconduct, technical, power, other
    Column("text", Text, nullable=False),
    Column("occurred_at", Float, nullable=False),
    Column("recorded_at", Float, nullable=False),
    Column("recorded_by", String, nullable=False),
    Column("seq", Integer, nullable=False),         # its event in the log
)
Index("incidents_sitting", incidents.c.sitting_id, incidents.c.occurred_at)

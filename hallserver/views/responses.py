"""What each endpoint answers with 200, as JSON Schema for the OpenAPI document.

Each schema names every key the hall sends and its type; `tests/test_openapi_fuzz.py` holds the
hall to them. Keys a later version adds are allowed (additionalProperties stays open), so an
older page or script keeps working.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
NUM: Schema = {"type": "number"}
BOOL: Schema = {"type": "boolean"}
ANY: Schema = {}
TIME: Schema = {"type": "string", "format": "date-time"}


def maybe(schema: Schema) -> Schema:
    """`schema` or null."""
    return {"anyOf": [schema, {"type": "null"}]}


def array(items: Schema) -> Schema:
    """A list of `items`."""
    return {"type": "array", "items": items}


def mapping(values: Schema) -> Schema:
    """An object whose keys are data (question ids, paths) and whose values are `values`."""
    return {"type": "object", "additionalProperties": values}


def shape(**properties: Schema) -> Schema:
    """An object with every one of these keys."""
    return {"type": "object", "required": list(properties), "properties": properties}


LATENCY = shape(p50=maybe(NUM), p95=maybe(NUM), p99=maybe(NUM))
SESSION_DATA = shape(current_question=maybe(INT), answers=mapping(ANY),
                     marked_questions=array(STR), time_remaining=maybe(NUM))
CANDIDATE_EXAM = shape(id=STR, title=STR, status=STR)
CANDIDATE_SESSION = shape(registration_number=STR, exam_id=STR, status=STR, deadline=maybe(TIME),
                          time_remaining=maybe(NUM), paused=BOOL)
STAFF = shape(name=STR, role=STR)
LOGGED_OUT = shape(logged_out=BOOL)

HEALTH = shape(status=STR, version=STR, hall_id=STR, epoch=INT, sessions=INT, tls=BOOL)
SETTINGS = shape(hall_name=STR, language=STR, staff_language=STR, autosave_seconds=INT)
LOGGED_IN = shape(candidate=shape(registration_number=STR, name=STR), exams=array(CANDIDATE_EXAM))
PAPER = shape(exam=shape(id=STR, title=STR, duration_seconds=NUM),
              questions=array({**shape(id=STR, text=STR), "properties": {
                  "id": STR, "text": STR, "kind": STR, "html": STR, "options": mapping(STR),
                  "options_html": mapping(STR), "marks": NUM}}))
SAVED = shape(saved=BOOL, revision=INT, last_saved=TIME, time_remaining=NUM, paused=BOOL)
RESTORED = {"type": "object", "required": ["has_session"], "properties": {
    "has_session": BOOL, "revision": INT, "status": STR, "lease_held": BOOL, "paused": BOOL,
    "last_saved": maybe(TIME), "time_remaining": maybe(NUM), "session_data": SESSION_DATA}}
CLOCK = shape(status=STR, revision=INT, time_remaining=maybe(NUM), deadline=maybe(TIME),
              last_saved=maybe(TIME), paused=BOOL, lease_held=BOOL, move_pending=BOOL)
RECEIVED = shape(received=BOOL)
COMPLETED = {**shape(completed=BOOL, completed_at=TIME, revision=INT), "properties": {
    "completed": BOOL, "completed_at": TIME, "revision": INT, "reason": STR,
    "score": NUM, "max_score": NUM}}

DESK_NAMED = shape(registration_number=STR, exam_id=STR, seat=maybe(STR), desk=maybe(STR),
                   address=maybe(STR), place=maybe(shape(row=STR, column=ANY)))
KIND_ACKNOWLEDGED = shape(kind=STR, acknowledged=INT, by=STR)
ALERT = shape(id=STR, kind=STR, registration_number=STR, exam_id=STR, raised_at=TIME,
              detail={"type": "object"}, acknowledged_at=maybe(TIME),
              acknowledged_by=maybe(STR))
ROSTER = shape(
    hall=shape(name=STR, hall_id=STR, paused=BOOL, paused_since=maybe(TIME)),
    server_time=TIME,
    candidates=array(shape(
        registration_number=STR, name=STR, exam_id=STR, status=STR, revision=INT,
        current_question=maybe(INT), answered=INT, marked=INT, time_remaining=maybe(NUM),
        deadline=maybe(TIME), paused=BOOL, pause_kind=maybe(STR), last_saved=maybe(TIME),
        device=maybe(STR), seat=maybe(STR), move_requested=BOOL, score=maybe(NUM))),
    alerts=array(ALERT))
HALL_PAUSED = {"type": "object", "required": ["paused", "sessions"], "properties": {
    "paused": BOOL, "since": TIME, "paused_seconds": NUM, "sessions": INT}}

ANALYTICS = shape(sessions_by_state=mapping(INT),
                  saves_per_minute=array(shape(minute=TIME, saves=INT)),
                  completion_minutes=array(shape(registration_number=STR, exam_id=STR,
                                                 minutes=NUM)),
                  failed_saves_reported=INT, offline_periods=mapping(ANY),
                  save_latency_ms=LATENCY, failed_saves_answered=INT)
STORAGE = shape(database_bytes=INT, wal_bytes=INT, events=INT, first_event_at=maybe(TIME),
                last_event_at=maybe(TIME), purged_through_seq=INT, sessions_by_state=mapping(INT),
                sessions_by_age=mapping(INT), retention_days=INT,
                central_high_water_mark=maybe(INT))
BACKUP = shape(file=STR, bytes=INT, integrity_check=STR, by=STR)
PERFORMANCE = shape(save_latency_ms=LATENCY, saves_observed=INT, failed_saves=INT,
                    event_loop_lag_ms=maybe(NUM), memory_bytes=INT, database_bytes=INT,
                    wal_bytes=INT, disk_free_bytes=INT, requests=mapping(INT),
                    write_batches=INT, write_jobs=INT)
INSPECTED = shape(registration_number=STR, sessions=array({**shape(
    exam_id=STR, status=STR, session_id=maybe(STR), revision=INT,
    history=array({"type": "object"})),  # no session_id yet: an exam assigned, not started
    "properties": {"exam_id": STR, "status": STR, "session_id": maybe(STR), "revision": INT,
                   "started_at": maybe(TIME), "deadline": maybe(TIME),
                   "completed_at": maybe(TIME), "lease_device": maybe(STR),
                   "session_data": maybe(SESSION_DATA), "result": maybe({"type": "object"}),
                   "history": array({"type": "object"})}}))
JOIN = shape(hall_id=STR, name=STR, url=STR, urls=array(STR), fingerprint=STR, local_name=STR,
             ca_url=STR)
OPENAPI = shape(openapi=STR, info=shape(title=STR, version=STR), paths=mapping(ANY),
                components={"type": "object"})

SITTING = {"type": "object",
           "required": ["id", "name", "exams", "starts_at", "policy", "state", "server_time"],
           "properties": {"id": STR, "name": STR, "exams": array(STR), "starts_at": TIME,
                          "check_in_minutes": INT, "policy": STR, "late_entry_minutes": INT,
                          "instructions": STR, "state": STR, "check_in_opens_at": maybe(TIME),
                          "started_at": maybe(TIME), "started_by": maybe(STR),
                          "late_entry_until": maybe(TIME), "ended_at": maybe(TIME),
                          "ended_by": maybe(STR), "server_time": TIME,
                          "counts": mapping(INT), "candidates": array(ANY),
                          "incidents": array(ANY), "submitted": INT, "attendance": ANY,
                          "sealed": BOOL}}
SITTINGS = shape(sittings=array(SITTING))
ATTENDANCE_CHANGE = {"type": "object", "required": ["registration_number"],
                     "properties": {"registration_number": STR, "admitted_at": TIME,
                                    "minutes": INT, "absent_at": TIME}}
INCIDENT = {"type": "object", "required": ["id", "category", "text", "seq"],
            "properties": {"id": STR, "category": STR, "text": STR, "seq": INT,
                           "registration_number": maybe(STR), "occurred_at": TIME}}

MARKED = shape(registration_number=STR, question_id=STR, response=ANY, words=INT,
               word_limit=maybe(INT), words_over_limit=INT, marks=maybe(NUM),
               comment=STR, marked_by=maybe(STR), marked_at=maybe(TIME), score=NUM, max_score=NUM)
TO_MARK = shape(exam=shape(id=STR, title=STR),
                questions=array(shape(id=STR, text=STR, html=STR, max_marks=NUM,
                                      rubric=maybe(STR), model_answer=maybe(STR),
                                      word_limit=maybe(INT))),
                responses=array(MARKED), to_mark=INT, marked=INT)
MARKING = shape(exams=array(shape(exam_id=STR, title=STR, to_mark=INT, marked=INT)))

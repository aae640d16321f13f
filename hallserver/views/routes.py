"""The table of every endpoint, and the OpenAPI document made from it."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from hallserver import __version__
from hallserver.views import admin, health, join, marking, sittings, staff, student
from hallserver.views import responses as r
from hallserver.views.assets import exam_asset
from hallserver.views.guards import guarded
from hallserver.views.schemas import (
    AdmitRequest, CompleteRequest, DeskRequest, ExtendRequest, IncidentRequest, LoginRequest,
    MarkRequest,
    NoticesAnswer, PageReport, ReleaseRequest, SaveRequest, SittingChange, SittingRequest,
    StaffLoginRequest,
)
from examkit.responses import json_response

ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"}}}},
}


@dataclass(frozen=True)
class Route:
    """One endpoint: method, path, handler, and what the OpenAPI document says of it."""

    method: str
    path: str
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    summary: str
    body: type[BaseModel] | None = None
    errors: dict[int, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)  # query parameters, with what each means
    candidate: bool = False
    staff: str | None = None   # the role it needs: "invigilator", "marker", "admin"; "staff": any
    # The 200's JSON Schema (views/responses.py), or a model whose schema the document holds.
    response: dict[str, Any] | type[BaseModel] | None = None
    media: str = "application/json"  # the 200's media type


_SESSION_ERRORS = {401: "not logged in", 404: "not this candidate's exam",
                   409: "completed, lease lost, time over, or the sitting not started or ended",
                   403: "late_entry_closed or marked_absent: see the invigilator"}
_BODY_ERRORS = {400: "malformed JSON", 413: "body too large", 415: "not JSON",
                422: "unknown question, unknown option, wrong types"}

ROUTES: tuple[Route, ...] = (
    Route("GET", "/healthz", health.healthz, "Health of the hall and its database.",
          errors={503: "storage trouble"},
          response=r.HEALTH),
    Route("GET", "/ca.crt", health.ca_certificate, "The hall CA certificate, for lab PCs to trust.",
          media="application/x-x509-ca-cert", errors={404: "the hall serves plain HTTP: no CA"}),
    Route("POST", "/student/login", student.log_in, "Log a candidate in; sets the session cookie.",
          body=LoginRequest, errors={**_BODY_ERRORS, 401: "wrong credentials",
                                     429: "too many wrong logins"},
          response=r.LOGGED_IN),
    Route("GET", "/student/settings", student.settings,
          "What the pages need of the hall's settings before a login: its name, the candidates' "
          "and the staff pages' languages, and the autosave interval.",
          response=r.SETTINGS),
    Route("POST", "/student/logout", student.log_out, "End this device's login.",
          errors={401: "not logged in"}, candidate=True,
          response=r.LOGGED_OUT),
    Route("GET", "/student/exam/{exam_id}", student.paper,
          "The paper in this candidate's order, without answers; the first opening starts the clock.",
          errors=_SESSION_ERRORS, candidate=True,
          response=r.PAPER),
    Route("POST", "/student/exam/{exam_id}/session/save", student.save,
          "Save what changed; answered after it is on disk.", body=SaveRequest,
          errors={**_SESSION_ERRORS, **_BODY_ERRORS}, candidate=True,
          response=r.SAVED),
    Route("GET", "/student/exam/{exam_id}/session/restore", student.restore,
          "What the hall holds of this session, to resume on any PC.",
          errors=_SESSION_ERRORS, candidate=True,
          response=r.RESTORED),
    Route("GET", "/student/exam/{exam_id}/session/clock", student.exam_clock,
          "The server's clock for this session: time left, paused, status, lease. Cheap to poll.",
          errors=_SESSION_ERRORS, candidate=True,
          response=r.CLOCK),
    Route("POST", "/student/exam/{exam_id}/session/report", student.report,
          "The page reports its own trouble (failed saves, time offline) for the invigilators.",
          body=PageReport, errors={**_SESSION_ERRORS, **_BODY_ERRORS}, candidate=True,
          response=r.RECEIVED),
    Route("POST", "/student/exam/{exam_id}/session/complete", student.complete,
          "Submit: score and close the session. Repeating it answers the same.",
          body=CompleteRequest, errors={**_SESSION_ERRORS, **_BODY_ERRORS}, candidate=True,
          response=r.COMPLETED),
    Route("GET", "/student/notices", student.notices,
          "A long poll the candidate's page keeps open: answered as soon as the hall has news for "
          "this candidate (an invigilator's action, a hall pause, a sitting started or ended), "
          "or with nothing after `wait` seconds. Not cached, never by the service worker.",
          errors={400: "bad `after` or `wait`", 401: "not logged in"}, candidate=True,
          response=NoticesAnswer,
          query={"after": "the `version` of the last answer (none on the first poll: the answer "
                          "is then a `reset` with the current version)",
                 "wait": "the longest wait in seconds, 0 to 20 (default 20)"}),
    Route("GET", "/student/sitting/{sitting_id}", sittings.candidate_sitting,
          "The candidate's sitting for the waiting page: state, scheduled start, server time, "
          "instructions, their attendance.",
          errors={401: "not logged in", 404: "not this candidate's sitting"}, candidate=True,
          response=r.SITTING),
    Route("POST", "/student/sitting/{sitting_id}/check-in", sittings.candidate_check_in,
          "Check in to the sitting once its check-in has opened (a login checks in too); "
          "answers as GET.",
          errors={401: "not logged in", 404: "not this candidate's sitting"}, candidate=True,
          response=r.SITTING),
    Route("GET", "/exam-assets/{exam_id}/{name}", exam_asset,
          "An image of the candidate's exam (from its QTI package), as the paper's HTML shows it.",
          errors={401: "not logged in", 404: "no such image in this candidate's exams"},
          candidate=True,
          media="image/*"),
)


async def openapi(request: web.Request) -> web.Response:
    """GET /api/openapi.json."""
    return json_response(openapi_document(ALL_ROUTES))


_PARAMETER = re.compile(r"{(\w+)}")


def _ok(route: Route) -> dict[str, Any]:
    schema: Any = route.response
    if isinstance(schema, type):
        schema = {"$ref": f"#/components/schemas/{schema.__name__}"}
    if route.media != "application/json":
        schema = {"type": "string"}
    return {"description": "OK", "content": {route.media: {"schema": schema or {}}}}


def _operation(route: Route) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": route.summary, "responses": {
        "200": _ok(route),
        **{str(status): {"description": why, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}}
           for status, why in sorted(route.errors.items())}}}
    if route.body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{route.body.__name__}"}}}}
    parameters = _PARAMETER.findall(route.path)
    if parameters:
        operation["parameters"] = [{"name": name, "in": "path", "required": True,
                                    "schema": {"type": "string", "minLength": 1}}
                                   for name in parameters]
    if route.candidate:
        operation["security"] = [{"candidateCookie": []}]
    if route.staff:
        operation["security"] = [{"staffCookie": []}]
        operation["x-role"] = route.staff
    for name, meaning in route.query.items():
        operation.setdefault("parameters", []).append(
            {"name": name, "in": "query", "required": False, "description": meaning,
             "schema": {"type": "string"}})
    return operation


def _schemas(model: type[BaseModel]) -> dict[str, Any]:
    """A model's schema and those it refers to, each under its own name."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    return {model.__name__: schema, **schema.pop("$defs", {})}


def openapi_document(routes: tuple[Route, ...]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of these routes."""
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
        for model in (route.body, route.response):
            if isinstance(model, type):
                schemas.update(_schemas(model))
    return {"openapi": "3.1.0",
            "info": {"title": "examhall hall server", "version": __version__},
            "paths": paths,
            "components": {"schemas": schemas, "securitySchemes": {
                "candidateCookie": {"type": "apiKey", "in": "cookie", "name": student.COOKIE},
                "staffCookie": {"type": "apiKey", "in": "cookie", "name": staff.COOKIE}}}}


_STAFF_ERRORS = {401: "not logged in as staff", 403: "the role does not allow it"}
_ACTION_ERRORS = {**_STAFF_ERRORS, 404: "no such candidate or exam",
                  409: "not possible in the session's state"}
_ONE = "/staff/candidates/{registration_number}/exams/{exam_id}"

_SITTING = "/staff/sittings/{sitting_id}"
_SITTING_ERRORS = {**_STAFF_ERRORS, 404: "no such sitting or candidate of it",
                   409: "not possible in the sitting's state"}

SITTING_ROUTES: tuple[Route, ...] = (
    Route("GET", "/staff/sittings", sittings.list_sittings,
          "Every sitting: its settings and state.", errors=_STAFF_ERRORS, staff="invigilator",
          response=r.SITTINGS),
    Route("POST", "/staff/sittings", sittings.create_sitting,
          "Make a sitting: exams, scheduled start, policy, late entry, check-in, candidates.",
          body=SittingRequest, errors={**_SITTING_ERRORS, **_BODY_ERRORS}, staff="invigilator",
          response=r.SITTING),
    Route("GET", _SITTING, sittings.show_sitting,
          "One sitting: settings, state, counts, each candidate's attendance, incidents.",
          errors=_SITTING_ERRORS, staff="invigilator",
          response=r.SITTING),
    Route("PATCH", _SITTING, sittings.change_sitting,
          "Change a sitting's settings before its start.", body=SittingChange,
          errors={**_SITTING_ERRORS, **_BODY_ERRORS}, staff="invigilator",
          response=r.SITTING),
    Route("POST", f"{_SITTING}/start", sittings.start_sitting,
          "Start the sitting now: every checked-in candidate's paper opens.",
          errors=_SITTING_ERRORS, staff="invigilator",
          response=r.SITTING),
    Route("POST", f"{_SITTING}/release", sittings.release_paper,
          "Open a sealed sitting's paper with its release code (logged with who typed it).",
          body=ReleaseRequest, errors={**_SITTING_ERRORS, **_BODY_ERRORS,
                                       422: "a wrong release code (wrong_release_code)",
                                       429: "too many wrong codes: wait retry_after seconds "
                                            "(slow_down)"},
          staff="invigilator", response=r.SITTING),
    Route("POST", f"{_SITTING}/end", sittings.end_sitting,
          "End the sitting: every open session is submitted with what was saved.",
          errors=_SITTING_ERRORS, staff="invigilator",
          response=r.SITTING),
    Route("POST", f"{_SITTING}/candidates/{{registration_number}}/admit", sittings.admit,
          "Let a candidate in after the late-entry window, with the minutes to give.",
          body=AdmitRequest, errors={**_SITTING_ERRORS, **_BODY_ERRORS}, staff="invigilator",
          response=r.ATTENDANCE_CHANGE),
    Route("POST", f"{_SITTING}/candidates/{{registration_number}}/absent", sittings.mark_absent,
          "Mark a candidate absent.", errors=_SITTING_ERRORS, staff="invigilator",
          response=r.ATTENDANCE_CHANGE),
    Route("GET", f"{_SITTING}/register", sittings.register_file,
          "The attendance register (?format=pdf, to print and sign, or csv), ending with the "
          "hall id and the log's head; the PDF in ?language= (else the staff language).",
          errors={**_SITTING_ERRORS, 422: "format not pdf or csv, or language not a language tag"},
          staff="invigilator", media="application/pdf"),
    Route("POST", f"{_SITTING}/incidents", sittings.record_incident,
          "Record an incident of a candidate or of the hall (illness, misconduct, technical, "
          "power, other).", body=IncidentRequest, errors={**_SITTING_ERRORS, **_BODY_ERRORS},
          staff="invigilator",
          response=r.INCIDENT),
)

STAFF_ROUTES: tuple[Route, ...] = (
    Route("POST", "/staff/login", staff.log_in, "Log a member of staff in; sets the staff cookie.",
          body=StaffLoginRequest, errors={**_BODY_ERRORS, 401: "wrong credentials",
                                          429: "too many wrong logins"},
          response=r.STAFF),
    Route("POST", "/staff/logout", staff.log_out, "End this staff login.", errors=_STAFF_ERRORS,
          staff="staff",
          response=r.LOGGED_OUT),
    Route("GET", "/staff/me", staff.whoami, "Who is logged in, and their role.",
          errors=_STAFF_ERRORS, staff="staff",
          response=r.STAFF),
    Route("GET", "/staff/roster", staff.snapshot,
          "Every candidate (status, question, answered, time left, last save, seat), open "
          "alerts and the hall's state.", errors=_STAFF_ERRORS, staff="invigilator",
          response=r.ROSTER),
    Route("GET", "/staff/live", staff.live,
          "Server-sent events: a snapshot, then every change; resumes from Last-Event-ID.",
          errors=_STAFF_ERRORS, staff="invigilator",
          media="text/event-stream"),
    Route("POST", f"{_ONE}/extend", staff.extend, "Give one candidate extra minutes.",
          body=ExtendRequest, errors={**_ACTION_ERRORS, **_BODY_ERRORS}, staff="invigilator",
          response=r.CANDIDATE_SESSION),
    Route("POST", f"{_ONE}/pause", staff.pause, "Stop one candidate's clock.",
          errors=_ACTION_ERRORS, staff="invigilator",
          response=r.CANDIDATE_SESSION),
    Route("POST", f"{_ONE}/resume", staff.resume, "Restart one candidate's clock.",
          errors=_ACTION_ERRORS, staff="invigilator",
          response=r.CANDIDATE_SESSION),
    Route("POST", f"{_ONE}/approve-move", staff.approve_move,
          "Give the session to the spare PC that asked for it.", errors=_ACTION_ERRORS,
          staff="invigilator",
          response=r.CANDIDATE_SESSION),
    Route("POST", f"{_ONE}/force-submit", staff.force_submit,
          "Submit the session now with what was saved.", errors=_ACTION_ERRORS,
          staff="invigilator",
          response=r.CANDIDATE_SESSION),
    Route("POST", f"{_ONE}/desk", staff.desk,
          "Name the desk of the PC this candidate's exam is on (the seat plan; logged).",
          body=DeskRequest, errors={**_ACTION_ERRORS, **_BODY_ERRORS}, staff="invigilator",
          response=r.DESK_NAMED),
    Route("POST", "/staff/hall/pause", staff.pause_hall,
          "A power event: stop every clock in the hall.", errors=_ACTION_ERRORS,
          staff="invigilator",
          response=r.HALL_PAUSED),
    Route("POST", "/staff/hall/resume", staff.resume_hall,
          "Restart every clock the hall's pause stopped; deadlines move by the pause.",
          errors=_ACTION_ERRORS, staff="invigilator",
          response=r.HALL_PAUSED),
    Route("POST", "/staff/alerts/{alert_id}/acknowledge", staff.acknowledge,
          "Acknowledge an alert (logged with who did it).", errors=_ACTION_ERRORS,
          staff="invigilator",
          response=r.ALERT),
    Route("POST", "/staff/alerts/kinds/{kind}/acknowledge", staff.acknowledge_kind,
          "Acknowledge every open alert of one kind (each logged with who did it).",
          errors={**_STAFF_ERRORS, 422: "no such kind of alert"}, staff="invigilator",
          response=r.KIND_ACKNOWLEDGED),
    *SITTING_ROUTES,
)

_MARK = "/staff/marking/{exam_id}"
MARKING_ROUTES: tuple[Route, ...] = (
    Route("GET", "/staff/marking", marking.overview,
          "Every exam with questions a person marks: responses waiting for a mark, and marked.",
          errors=_STAFF_ERRORS, staff="marker", response=r.MARKING),
    Route("GET", _MARK, marking.exam_responses,
          "An exam's questions a person marks (rubric, model answer) and every answered "
          "response of its submitted sessions, by registration number, with its mark if given.",
          errors={**_STAFF_ERRORS, 404: "no such exam"}, staff="marker", response=r.TO_MARK),
    Route("POST", f"{_MARK}/candidates/{{registration_number}}/questions/{{question_id}}",
          marking.give_mark,
          "Give or change the mark of one response (logged with who gave it); the result is "
          "scored again with it.", body=MarkRequest,
          errors={**_STAFF_ERRORS, **_BODY_ERRORS, 404: "no such exam, candidate or question",
                  409: "not submitted, or nothing answered",
                  422: "a mark outside the question's range"},
          staff="marker", response=r.MARKED),
)

ADMIN_ROUTES: tuple[Route, ...] = (
    Route("GET", "/admin/analytics", admin.analytics_view,
          "Sessions by state, saves per minute, save latency, failed saves, offline periods, "
          "completion times.", errors=_STAFF_ERRORS, staff="admin",
          response=r.ANALYTICS),
    Route("GET", "/admin/storage", admin.storage_view,
          "Database and WAL size, the log, sessions by age, the retention policy.",
          errors=_STAFF_ERRORS, staff="admin",
          response=r.STORAGE),
    Route("POST", "/admin/backup", admin.backup_view,
          "A consistent online backup of the database, integrity-checked.",
          errors=_STAFF_ERRORS, staff="admin",
          response=r.BACKUP),
    Route("GET", "/admin/performance", admin.performance_view,
          "Request rates and latencies, write batches, event-loop lag, memory, disk free.",
          errors=_STAFF_ERRORS, staff="admin",
          response=r.PERFORMANCE),
    Route("GET", "/admin/candidates/{registration_number}", admin.inspector_view,
          "A candidate's sessions and whole history, decrypted, with the hash chain checked.",
          errors={**_STAFF_ERRORS, 404: "no such candidate"}, staff="admin",
          response=r.INSPECTED),
)

ALL_ROUTES: tuple[Route, ...] = (
    *ROUTES,
    *STAFF_ROUTES,
    *MARKING_ROUTES,
    *ADMIN_ROUTES,
    Route("GET", "/metrics", admin.metrics_view,
          "The hall's figures in the Prometheus text format (numbers only).",
          media="text/plain"),
    Route("GET", "/api/openapi.json", openapi, "This document.",
          response=r.OPENAPI),
    Route("GET", "/join", join.join_page,
          "A printable page: the hall's address, its QR code and certificate fingerprint.",
          media="text/html"),
    Route("GET", "/join.json", join.join_facts, "The join page's facts, for scripts.",
          response=r.JOIN),
    Route("GET", "/join/qr.svg", join.join_qr, "The hall's address as an SVG QR code.",
          media="image/svg+xml"),
)


def add_routes(app: web.Application, routes: tuple[Route, ...] = ALL_ROUTES) -> None:
    """Registers every route of the table, each behind the access it declares."""
    for route in routes:
        app.router.add_route(route.method, route.path,
                             guarded(route.handler, route.candidate, route.staff))

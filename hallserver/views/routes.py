"""The table of every endpoint, and the OpenAPI document made from it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from hallserver import __version__
from hallserver.views import admin, health, join, staff, student
from hallserver.views.assets import exam_asset
from hallserver.views.schemas import (
    CompleteRequest, ExtendRequest, LoginRequest, PageReport, SaveRequest, StaffLoginRequest,
)
from hallserver.web.answers import json_answer

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
    candidate: bool = False
    staff: str | None = None   # the role it needs: "invigilator" or "admin"


_SESSION_ERRORS = {401: "not logged in", 404: "not this candidate's exam",
                   409: "completed, lease lost or time over"}
_BODY_ERRORS = {400: "malformed JSON", 413: "body too large", 415: "not JSON",
                422: "unknown question, unknown option, wrong types"}

ROUTES: tuple[Route, ...] = (
    Route("GET", "/healthz", health.healthz, "Health of the hall and its database.",
          errors={503: "storage trouble"}),
    Route("GET", "/ca.crt", health.ca_certificate, "The hall CA certificate, for lab PCs to trust."),
    Route("POST", "/student/login", student.log_in, "Log a candidate in; sets the session cookie.",
          body=LoginRequest, errors={**_BODY_ERRORS, 401: "wrong credentials",
                                     429: "too many wrong logins"}),
    Route("GET", "/student/settings", student.settings,
          "What the exam page needs of the hall's settings: its name and the autosave interval."),
    Route("POST", "/student/logout", student.log_out, "End this device's login.",
          errors={401: "not logged in"}, candidate=True),
    Route("GET", "/student/exam/{exam_id}", student.paper,
          "The paper in this candidate's order, without answers; the first opening starts the clock.",
          errors=_SESSION_ERRORS, candidate=True),
    Route("POST", "/student/exam/{exam_id}/session/save", student.save,
          "Save what changed; answered after it is on disk.", body=SaveRequest,
          errors={**_SESSION_ERRORS, **_BODY_ERRORS}, candidate=True),
    Route("GET", "/student/exam/{exam_id}/session/restore", student.restore,
          "What the hall holds of this session, to resume on any PC.",
          errors=_SESSION_ERRORS, candidate=True),
    Route("GET", "/student/exam/{exam_id}/session/clock", student.exam_clock,
          "The server's clock for this session: time left, paused, status, lease. Cheap to poll.",
          errors=_SESSION_ERRORS, candidate=True),
    Route("POST", "/student/exam/{exam_id}/session/report", student.report,
          "The page reports its own trouble (failed saves, time offline) for the invigilators.",
          body=PageReport, errors={**_SESSION_ERRORS, **_BODY_ERRORS}, candidate=True),
    Route("POST", "/student/exam/{exam_id}/session/complete", student.complete,
          "Submit: score and close the session. Repeating it answers the same.",
          body=CompleteRequest, errors={**_SESSION_ERRORS, **_BODY_ERRORS}, candidate=True),
    Route("GET", "/exam-assets/{exam_id}/{name}", exam_asset,
          "An image of the candidate's exam (from its QTI package), as the paper's HTML shows it.",
          errors={401: "not logged in", 404: "no such image in this candidate's exams"},
          candidate=True),
)


async def openapi(request: web.Request) -> web.Response:
    """GET /api/openapi.json."""
    return json_answer(openapi_document(ALL_ROUTES))


def _operation(route: Route) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": route.summary, "responses": {
        "200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}},
        **{str(status): {"description": why, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}}
           for status, why in sorted(route.errors.items())}}}
    if route.body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{route.body.__name__}"}}}}
    if "{exam_id}" in route.path:
        operation["parameters"] = [{"name": "exam_id", "in": "path", "required": True,
                                    "schema": {"type": "string"}}]
    if route.candidate:
        operation["security"] = [{"candidateCookie": []}]
    if route.staff:
        operation["security"] = [{"staffCookie": []}]
        operation["x-role"] = route.staff
    for name in ("registration_number", "alert_id"):
        if "{" + name + "}" in route.path:
            operation.setdefault("parameters", []).append(
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}})
    return operation


def openapi_document(routes: tuple[Route, ...]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of these routes."""
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
        if route.body is not None:
            schemas[route.body.__name__] = route.body.model_json_schema(
                ref_template="#/components/schemas/{model}")
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

STAFF_ROUTES: tuple[Route, ...] = (
    Route("POST", "/staff/login", staff.log_in, "Log a member of staff in; sets the staff cookie.",
          body=StaffLoginRequest, errors={**_BODY_ERRORS, 401: "wrong credentials",
                                          429: "too many wrong logins"}),
    Route("POST", "/staff/logout", staff.log_out, "End this staff login.", errors=_STAFF_ERRORS,
          staff="invigilator"),
    Route("GET", "/staff/me", staff.whoami, "Who is logged in, and their role.",
          errors=_STAFF_ERRORS, staff="invigilator"),
    Route("GET", "/staff/roster", staff.snapshot,
          "Every candidate (status, question, answered, time left, last save, seat), open "
          "alerts and the hall's state.", errors=_STAFF_ERRORS, staff="invigilator"),
    Route("GET", "/staff/live", staff.live,
          "Server-sent events: a snapshot, then every change; resumes from Last-Event-ID.",
          errors=_STAFF_ERRORS, staff="invigilator"),
    Route("POST", f"{_ONE}/extend", staff.extend, "Give one candidate extra minutes.",
          body=ExtendRequest, errors={**_ACTION_ERRORS, **_BODY_ERRORS}, staff="invigilator"),
    Route("POST", f"{_ONE}/pause", staff.pause, "Stop one candidate's clock.",
          errors=_ACTION_ERRORS, staff="invigilator"),
    Route("POST", f"{_ONE}/resume", staff.resume, "Restart one candidate's clock.",
          errors=_ACTION_ERRORS, staff="invigilator"),
    Route("POST", f"{_ONE}/approve-move", staff.approve_move,
          "Give the session to the spare PC that asked for it.", errors=_ACTION_ERRORS,
          staff="invigilator"),
    Route("POST", f"{_ONE}/force-submit", staff.force_submit,
          "Submit the session now with what was saved.", errors=_ACTION_ERRORS,
          staff="invigilator"),
    Route("POST", "/staff/hall/pause", staff.pause_hall,
          "A power event: stop every clock in the hall.", errors=_ACTION_ERRORS,
          staff="invigilator"),
    Route("POST", "/staff/hall/resume", staff.resume_hall,
          "Restart every clock the hall's pause stopped; deadlines move by the pause.",
          errors=_ACTION_ERRORS, staff="invigilator"),
    Route("POST", "/staff/alerts/{alert_id}/acknowledge", staff.acknowledge,
          "Acknowledge an alert (logged with who did it).", errors=_ACTION_ERRORS,
          staff="invigilator"),
)

ADMIN_ROUTES: tuple[Route, ...] = (
    Route("GET", "/admin/analytics", admin.analytics_view,
          "Sessions by state, saves per minute, save latency, failed saves, offline periods, "
          "completion times.", errors=_STAFF_ERRORS, staff="admin"),
    Route("GET", "/admin/storage", admin.storage_view,
          "Database and WAL size, the log, sessions by age, the retention policy.",
          errors=_STAFF_ERRORS, staff="admin"),
    Route("POST", "/admin/backup", admin.backup_view,
          "A consistent online backup of the database, integrity-checked.",
          errors=_STAFF_ERRORS, staff="admin"),
    Route("GET", "/admin/performance", admin.performance_view,
          "Request rates and latencies, write batches, event-loop lag, memory, disk free.",
          errors=_STAFF_ERRORS, staff="admin"),
    Route("GET", "/admin/candidates/{registration_number}", admin.inspector_view,
          "A candidate's sessions and whole history, decrypted, with the hash chain checked.",
          errors={**_STAFF_ERRORS, 404: "no such candidate"}, staff="admin"),
)

ALL_ROUTES: tuple[Route, ...] = (
    *ROUTES,
    *STAFF_ROUTES,
    *ADMIN_ROUTES,
    Route("GET", "/metrics", admin.metrics_view,
          "The hall's figures in the Prometheus text format (numbers only)."),
    Route("GET", "/api/openapi.json", openapi, "This document."),
    Route("GET", "/join", join.join_page,
          "A printable page: the hall's address, its QR code and certificate fingerprint."),
    Route("GET", "/join.json", join.join_facts, "The join page's facts, for scripts."),
    Route("GET", "/join/qr.svg", join.join_qr, "The hall's address as an SVG QR code."),
)


def add_routes(app: web.Application) -> None:
    """Registers every route of the table."""
    for route in ALL_ROUTES:
        app.router.add_route(route.method, route.path, route.handler)

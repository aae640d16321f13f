"""The table of every endpoint, and the OpenAPI document made from it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from hallserver import __version__
from hallserver.views import health, join, student
from hallserver.views.schemas import CompleteRequest, LoginRequest, SaveRequest

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
    Route("POST", "/student/exam/{exam_id}/session/complete", student.complete,
          "Submit: score and close the session. Repeating it answers the same.",
          body=CompleteRequest, errors={**_SESSION_ERRORS, **_BODY_ERRORS}, candidate=True),
)


async def openapi(request: web.Request) -> web.Response:
    """GET /api/openapi.json."""
    return web.json_response(openapi_document(ALL_ROUTES))


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
            "components": {"schemas": schemas, "securitySchemes": {"candidateCookie": {
                "type": "apiKey", "in": "cookie", "name": student.COOKIE}}}}


ALL_ROUTES: tuple[Route, ...] = (
    *ROUTES,
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

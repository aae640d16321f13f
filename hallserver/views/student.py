"""The candidate's endpoints: login, logout, the paper, save, restore, complete."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from aiohttp import web

from hallserver.domain import login, reports, sessions
from hallserver.domain.devices import Device
from hallserver.errors import NotLoggedIn
from hallserver.keys import CONFIG, HALL
from hallserver.views.schemas import CompleteRequest, LoginRequest, PageReport, SaveRequest
from hallserver.web.answers import json_answer
from hallserver.web.cookies import cookie_value
from hallserver.web.parsing import read_json

COOKIE = "examhall_candidate"
COOKIE_SECONDS = 12 * 3600

CandidateHandler = Callable[[web.Request, Device], Awaitable[web.StreamResponse]]


def candidate_required(handler: CandidateHandler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Passes the logged-in device to the handler; 401 without a valid cookie."""

    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        token = cookie_value(request, COOKIE)
        device = await login.device_for(request.app[HALL], token) if token else None
        if device is None:
            raise NotLoggedIn("You are not logged in (or your login has ended). Log in again "
                              "with your registration number and PIN.")
        return await handler(request, device)

    return wrapper


async def log_in(request: web.Request) -> web.Response:
    """POST /student/login."""
    body = await read_json(request, LoginRequest)
    done = await login.log_in(request.app[HALL], body.registration_number, body.pin,
                              request.remote or "", request.headers.get("User-Agent", ""))
    response = json_answer({
        "candidate": {"registration_number": done.device.registration_number,
                      "name": done.device.name},
        "exams": done.exams})
    response.set_cookie(COOKIE, done.token, max_age=COOKIE_SECONDS, path="/", httponly=True,
                        secure=request.app[CONFIG].server.tls, samesite="Strict")
    return response


async def settings(request: web.Request) -> web.Response:
    """GET /student/settings: what the exam page needs of the hall's config (no login needed)."""
    config = request.app[CONFIG]
    return json_answer({"hall_name": config.hall.name,
                        "autosave_seconds": config.exam.autosave_seconds})


@candidate_required
async def log_out(request: web.Request, device: Device) -> web.Response:
    """POST /student/logout."""
    await login.log_out(request.app[HALL], cookie_value(request, COOKIE) or "", device)
    response = json_answer({"logged_out": True})
    response.del_cookie(COOKIE, path="/")
    return response


@candidate_required
async def paper(request: web.Request, device: Device) -> web.Response:
    """GET /student/exam/{exam_id}."""
    exam_id = request.match_info["exam_id"]
    return json_answer(await sessions.open_paper(request.app[HALL], device, exam_id))


@candidate_required
async def save(request: web.Request, device: Device) -> web.Response:
    """POST /student/exam/{exam_id}/session/save."""
    body = await read_json(request, SaveRequest)
    exam_id = request.match_info["exam_id"]
    saved = await sessions.save(request.app[HALL], device, exam_id, body.model_dump(exclude_unset=True))
    return json_answer(saved)


@candidate_required
async def restore(request: web.Request, device: Device) -> web.Response:
    """GET /student/exam/{exam_id}/session/restore."""
    exam_id = request.match_info["exam_id"]
    return json_answer(await sessions.restore(request.app[HALL], device, exam_id))


@candidate_required
async def exam_clock(request: web.Request, device: Device) -> web.Response:
    """GET /student/exam/{exam_id}/session/clock."""
    exam_id = request.match_info["exam_id"]
    return json_answer(await sessions.exam_clock(request.app[HALL], device, exam_id))


@candidate_required
async def complete(request: web.Request, device: Device) -> web.Response:
    """POST /student/exam/{exam_id}/session/complete."""
    body = await read_json(request, CompleteRequest)
    exam_id = request.match_info["exam_id"]
    done = await sessions.complete(request.app[HALL], device, exam_id, body.final_answers,
                                   body.time_spent)
    return json_answer(done)


@candidate_required
async def report(request: web.Request, device: Device) -> web.Response:
    """POST /student/exam/{exam_id}/session/report."""
    body = await read_json(request, PageReport)
    exam_id = request.match_info["exam_id"]
    return json_answer(await reports.page_report(request.app[HALL], device, exam_id,
                                                 body.model_dump()))

"""The candidate's endpoints: login, logout, the paper, save, restore, complete, notices."""

from __future__ import annotations

from aiohttp import web

from hallserver.domain.access import login
from hallserver.domain.invigilation import reports
from hallserver.domain.sessions import lifecycle as sessions
from hallserver.domain.access.devices import Device
from hallserver.domain.invigilation.notices import WAIT_SECONDS
from hallserver.errors import BadRequest
from hallserver.config import HallConfig
from hallserver.keys import CONFIG, EXAMS, LOGINS, ROOM, STORAGE
from hallserver.runtime import ExamShelf, Room, Storage
from hallserver.views.guards import CANDIDATE_COOKIE
from hallserver.views.schemas import CompleteRequest, LoginRequest, PageReport, SaveRequest
from examkit.responses import json_response
from hallserver.web.cookies import cookie_value
from hallserver.web.parsing import read_json

COOKIE = CANDIDATE_COOKIE
COOKIE_SECONDS = 12 * 3600


def _sessions(app: web.Application) -> tuple[Storage, ExamShelf, Room, HallConfig]:
    """What a change to a session uses: storage, the exams, the room and the hall's rules."""
    return app[STORAGE], app[EXAMS], app[ROOM], app[CONFIG]


async def log_in(request: web.Request) -> web.Response:
    """POST /student/login."""
    body = await read_json(request, LoginRequest)
    app = request.app
    done = await login.log_in(app[STORAGE], app[LOGINS], app[ROOM], app[CONFIG],
                              body.registration_number, body.pin, request.remote or "",
                              request.headers.get("User-Agent", ""))
    response = json_response({
        "candidate": {"registration_number": done.device.registration_number,
                      "name": done.device.name},
        "exams": done.exams})
    response.set_cookie(COOKIE, done.token, max_age=COOKIE_SECONDS, path="/", httponly=True,
                        secure=request.app[CONFIG].server.tls, samesite="Strict")
    return response


async def settings(request: web.Request) -> web.Response:
    """GET /student/settings: what the exam page needs of the hall's config (no login needed)."""
    config = request.app[CONFIG]
    return json_response({"hall_name": config.hall.name, "language": config.hall.language,
                          "staff_language": config.hall.staff_language,
                          "autosave_seconds": config.exam.autosave_seconds})


async def log_out(request: web.Request, device: Device) -> web.Response:
    """POST /student/logout."""
    token = cookie_value(request, COOKIE) or ""
    await login.log_out(request.app[STORAGE], request.app[LOGINS], token, device)
    response = json_response({"logged_out": True})
    response.del_cookie(COOKIE, path="/")
    return response


async def paper(request: web.Request, device: Device) -> web.Response:
    """GET /student/exam/{exam_id}."""
    exam_id = request.match_info["exam_id"]
    return json_response(await sessions.open_paper(*_sessions(request.app), device, exam_id))


async def save(request: web.Request, device: Device) -> web.Response:
    """POST /student/exam/{exam_id}/session/save."""
    body = await read_json(request, SaveRequest)
    exam_id = request.match_info["exam_id"]
    saved = await sessions.save(*_sessions(request.app), device, exam_id,
                                body.model_dump(exclude_unset=True))
    return json_response(saved)


async def restore(request: web.Request, device: Device) -> web.Response:
    """GET /student/exam/{exam_id}/session/restore."""
    exam_id = request.match_info["exam_id"]
    return json_response(await sessions.restore(request.app[STORAGE], request.app[ROOM], device,
                                                exam_id))


async def exam_clock(request: web.Request, device: Device) -> web.Response:
    """GET /student/exam/{exam_id}/session/clock."""
    exam_id = request.match_info["exam_id"]
    return json_response(await sessions.exam_clock(request.app[STORAGE], request.app[ROOM], device,
                                                    exam_id))


async def complete(request: web.Request, device: Device) -> web.Response:
    """POST /student/exam/{exam_id}/session/complete."""
    body = await read_json(request, CompleteRequest)
    exam_id = request.match_info["exam_id"]
    done = await sessions.complete(*_sessions(request.app), device, exam_id, body.final_answers,
                                   body.time_spent)
    return json_response(done)


async def report(request: web.Request, device: Device) -> web.Response:
    """POST /student/exam/{exam_id}/session/report."""
    body = await read_json(request, PageReport)
    exam_id = request.match_info["exam_id"]
    return json_response(await reports.page_report(
        request.app[STORAGE], request.app[ROOM], request.app[CONFIG], device, exam_id,
        body.model_dump()))


def _notices_query(request: web.Request) -> tuple[str | None, float]:
    after = request.query.get("after") or None
    if after is not None and len(after) > 64:
        raise BadRequest("`after` is a notice version as the hall gave it (at most 64 characters).")
    wait = request.query.get("wait")
    try:
        seconds = WAIT_SECONDS if wait is None else float(wait)
    except ValueError as err:
        raise BadRequest("`wait` is a number of seconds.") from err
    if not 0 <= seconds <= WAIT_SECONDS:
        raise BadRequest(f"`wait` is between 0 and {WAIT_SECONDS:g} seconds.")
    return after, seconds


async def notices(request: web.Request, device: Device) -> web.Response:
    """GET /student/notices?after=VERSION[&wait=SECONDS]: a long poll of this candidate's news."""
    after, wait = _notices_query(request)
    board = request.app[ROOM].notices
    return json_response(await board.next_for(device.candidate_id, after, wait))

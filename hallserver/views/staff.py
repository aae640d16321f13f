"""Staff endpoints: login, the live roster and its stream, and the invigilators' actions."""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp_sse import sse_response

from hallserver.domain import invigilation, staff_access
from hallserver.domain.roster import roster
from hallserver.domain.staff import StaffMember
from hallserver.errors import Forbidden, NotLoggedIn
from hallserver.clock import iso
from hallserver.keys import CONFIG, HALL
from hallserver.views.schemas import ExtendRequest, StaffLoginRequest
from hallserver.web.answers import json_answer
from hallserver.web.cookies import cookie_value
from hallserver.web.parsing import read_json

COOKIE = "examhall_staff"
COOKIE_SECONDS = 14 * 3600
WAIT_SECONDS = 15.0  # aiohttp-sse pings meanwhile, so a dead console is noticed

StaffHandler = Callable[[web.Request, StaffMember], Awaitable[web.StreamResponse]]


def staff_required(role: str) -> Callable[[StaffHandler], Callable[[web.Request], Awaitable[web.StreamResponse]]]:
    """Passes the logged-in member of staff; 401 without a staff login, 403 without the role."""

    def decorate(handler: StaffHandler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        @functools.wraps(handler)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            token = cookie_value(request, COOKIE)
            member = await staff_access.staff_for(request.app[HALL], token) if token else None
            if member is None:
                raise NotLoggedIn("Staff only: log in on the staff page first.")
            if not member.may(role):
                raise Forbidden(f"This needs the {role} role; you are logged in as "
                                f"{member.role}.")
            return await handler(request, member)
        return wrapper

    return decorate


async def log_in(request: web.Request) -> web.Response:
    """POST /staff/login."""
    body = await read_json(request, StaffLoginRequest)
    token, member = await staff_access.log_in_staff(request.app[HALL], body.name, body.password,
                                                    request.remote or "")
    response = json_answer({"name": member.name, "role": member.role})
    response.set_cookie(COOKIE, token, max_age=COOKIE_SECONDS, path="/", httponly=True,
                        secure=request.app[CONFIG].server.tls, samesite="Strict")
    return response


@staff_required("invigilator")
async def log_out(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/logout."""
    await staff_access.log_out_staff(request.app[HALL], cookie_value(request, COOKIE) or "", member)
    response = json_answer({"logged_out": True})
    response.del_cookie(COOKIE, path="/")
    return response


@staff_required("invigilator")
async def whoami(request: web.Request, member: StaffMember) -> web.Response:
    """GET /staff/me."""
    return json_answer({"name": member.name, "role": member.role})


async def _snapshot(request: web.Request) -> dict:
    hall = request.app[HALL]
    now = hall.clock.now()
    candidates = await hall.read(roster, hall.key, hall.book, now)
    return {"hall": invigilation.hall_status(hall), "server_time": iso(now),
            "candidates": candidates,
            "alerts": [a.to_json() for a in sorted(hall.alerts.open.values(),
                                                    key=lambda a: a.raised_at)]}


@staff_required("invigilator")
async def snapshot(request: web.Request, member: StaffMember) -> web.Response:
    """GET /staff/roster: every candidate, open alerts, the hall's state."""
    return json_answer({**await _snapshot(request), "feed_id": request.app[HALL].feed.last_id})


@staff_required("invigilator")
async def live(request: web.Request, member: StaffMember) -> web.StreamResponse:
    """GET /staff/live: server-sent events of every change; resumes from Last-Event-ID."""
    feed = request.app[HALL].feed
    async with sse_response(request) as stream:
        last_id = request.headers.get("Last-Event-ID")
        items = feed.after(last_id)
        while stream.is_connected():
            if items is None:  # new, from another run, or fallen behind: start from a snapshot
                last_id = feed.last_id
                await stream.send(json.dumps(await _snapshot(request)), event="snapshot",
                                  id=last_id)
                items = []
            for item in items:
                last_id = feed.item_id(item)
                await stream.send(json.dumps(item.data), event=item.kind, id=last_id)
            await feed.wait(WAIT_SECONDS)
            items = feed.after(last_id)
    return stream


def _target(request: web.Request) -> tuple[str, str]:
    return request.match_info["registration_number"], request.match_info["exam_id"]


@staff_required("invigilator")
async def extend(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/candidates/{registration_number}/exams/{exam_id}/extend."""
    body = await read_json(request, ExtendRequest)
    done = await invigilation.extend_time(request.app[HALL], member, *_target(request),
                                          body.minutes, body.reason)
    return json_answer(done)


def _action(action: Callable[..., Awaitable[dict]]) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    @staff_required("invigilator")
    async def handler(request: web.Request, member: StaffMember) -> web.Response:
        return json_answer(await action(request.app[HALL], member, *_target(request)))
    handler.__doc__ = action.__doc__
    return handler


pause = _action(invigilation.pause_candidate)
resume = _action(invigilation.resume_candidate)
approve_move = _action(invigilation.approve_move)
force_submit = _action(invigilation.force_submit)


@staff_required("invigilator")
async def pause_hall(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/hall/pause."""
    return json_answer(await invigilation.pause_hall(request.app[HALL], member))


@staff_required("invigilator")
async def resume_hall(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/hall/resume."""
    return json_answer(await invigilation.resume_hall(request.app[HALL], member))


@staff_required("invigilator")
async def acknowledge(request: web.Request, member: StaffMember) -> web.Response:
    """POST /staff/alerts/{alert_id}/acknowledge."""
    alert_id = request.match_info["alert_id"]
    return json_answer(await invigilation.acknowledge_alert(request.app[HALL], member, alert_id))
